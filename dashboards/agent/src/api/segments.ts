import { gatewayReader } from './read';
import type { MembersPage, SegmentDefinition, SegmentInfo } from './types';

/** What the segment view reads over REST: the defined segments, one segment's size and back-fill, its members. */
export interface SegmentSource {
  list(): Promise<SegmentDefinition[]>;
  get(name: string): Promise<SegmentInfo>;
  /** A page of members in customer id order, after `after` (null: from the start). */
  members(name: string, after: string | null, limit: number): Promise<MembersPage>;
}

/** The gateway's `/v1/segments` routes, with the agent's hub token as a Bearer credential (as the lookup does). */
export function gatewaySegments(token: () => Promise<string>, fetchImpl: typeof fetch = fetch): SegmentSource {
  const read = gatewayReader(token, fetchImpl);
  const segment = (name: string): string => `/v1/segments/${encodeURIComponent(name)}`;
  return {
    list: async () => (await read<{ segments: SegmentDefinition[] }>('/v1/segments')).segments,
    get: (name) => read<SegmentInfo>(segment(name)),
    members: (name, after, limit) =>
      read<MembersPage>(`${segment(name)}/members?limit=${limit}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`),
  };
}
