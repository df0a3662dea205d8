// The gateway's contract, as `GET /v1/customers/{id}` and the `/hubs/agents` hub send it (camelCase JSON).
// Fields whose value is null may be absent.

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export const WINDOWS = ['1h', '24h', '7d', '30d', 'total'] as const;
export type CounterWindow = (typeof WINDOWS)[number];

export interface WindowTotal {
  count: number;
  sum?: number | null;
}

export type CounterWindows = Partial<Record<CounterWindow, WindowTotal>> & {
  /** 60 counts, oldest minute first; the last one is the current minute. */
  lastHourByMinute?: number[] | null;
};

export interface ActivityEvent {
  id: string;
  type: string;
  timestamp: string;
  value?: number | null;
  channel?: string | null;
  properties?: Record<string, Json> | null;
}

export interface TraitGroups {
  identity?: Record<string, Json> | null;
  descriptive?: Record<string, Json> | null;
  qualitative?: Record<string, Json> | null;
}

export interface ProfileView {
  customerId: string;
  seq: number;
  asOf: string;
  traits?: TraitGroups | null;
  consent?: Record<string, boolean> | null;
  firstSeen?: string | null;
  lastSeen?: string | null;
  channels?: string[] | null;
  counters?: Record<string, CounterWindows> | null;
  recentActivity?: ActivityEvent[] | null;
  value?: ValueScores | null;
  segments?: SegmentMembership[] | null;
  consentDetails?: Record<string, ConsentDetail> | null;
  /** The profiles merged into this customer, oldest first (the last 100); absent when none. */
  merges?: MergeRecord[] | null;
}

/**
 * A profile merged into this customer: its id (`anon:…`), when, by which producer, and the identifiers the identify
 * linked (`anon:…`, `device:…`; email and phone ones masked without the `pii` scope).
 */
export interface MergeRecord {
  from: string;
  at: string;
  by: string;
  identifiers: string[];
}

/** A consent flag with when it last changed, by which producer and from where. */
export interface ConsentDetail {
  granted: boolean;
  at?: string | null;
  by?: string | null;
  source?: string | null;
}

/** A segment the customer is in now, and the values that put them there. */
export interface SegmentMembership {
  name: string;
  reasons: string[];
}

/** What the customer is worth, recomputed with every change: CLV, RFM (1–5 each) and tier. */
export interface ValueScores {
  clv: { historic: number; predicted: number };
  orders: number;
  lastPurchaseAt?: string | null;
  rfm: { recency: number; frequency: number; monetary: number };
  tier: string;
}

export interface ActivityMessage {
  customerId: string;
  seq: number;
  event: ActivityEvent;
}

export interface ViewersMessage {
  customerId: string;
  viewers: string[];
}

/** `profileErased`: the customer was erased (GDPR); nothing of it is kept or shown any more. */
export interface ErasedMessage {
  customerId: string;
  seq: number;
}

/** What the hub's `WhoAmI` answers: the name, role and scopes of the key this dashboard signed in with. */
export interface AgentIdentity {
  name: string;
  role: string;
  scopes: string[];
}

/** A segment as `GET /v1/segments` lists it. */
export interface SegmentDefinition {
  name: string;
  rule: string;
  description?: string | null;
  definedAt: string;
  definedBy: string;
}

/** A segment's back-fill (the pass over stored customers after a definition changes) and its progress. */
export interface SegmentBackfill {
  state: 'none' | 'running' | 'done' | 'failed';
  visited: number;
  startedAt?: string | null;
  finishedAt?: string | null;
  error?: string | null;
}

/** What the hub's `WatchSegment` and `GET /v1/segments/{name}` answer: the definition, its size now, its back-fill. */
export interface SegmentInfo extends SegmentDefinition {
  size: number;
  backfill: SegmentBackfill;
}

/** `GET /v1/segments/{name}/members`: a page of members in customer id order; `next` is the next page's `after`. */
export interface MembersPage {
  segment: string;
  members: { customerId: string; since: string }[];
  next?: string | null;
}

/** `segmentChanged`: a customer entered or left a watched segment; `reasons` are the values that made the rule true. */
export interface SegmentChangedMessage {
  customerId: string;
  segment: string;
  entered: boolean;
  reasons: string[];
  at: string;
}
