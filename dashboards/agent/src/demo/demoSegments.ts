import type { SegmentSource } from '../api/segments';
import type { MembersPage, ProfileView, SegmentChangedMessage, SegmentInfo } from '../api/types';

// One canned segment for `?demo=…`, its members following the demo's events by the rule's reading.

const DEFINED_AT = new Date(Date.now() - 86_400_000 * 3).toISOString();

export const DEMO_SEGMENT: Omit<SegmentInfo, 'size'> = {
  name: 'cart_abandoners',
  rule: 'cart_abandon.1h >= 1 and purchase.1h == 0',
  description: 'Abandoned a cart in the last hour and bought nothing since: worth a call.',
  definedAt: DEFINED_AT,
  definedBy: 'Marketing Admin',
  backfill: { state: 'done', visited: 1842, startedAt: DEFINED_AT, finishedAt: DEFINED_AT, error: null },
  reconcile: { state: 'none', visited: 0, membersChecked: 0, membersRemoved: 0, startedAt: null, finishedAt: null, error: null },
};

/** The demo segment's members (id → since): a few that are not among the watched customers, so the list has a tail. */
export class DemoSegment implements SegmentSource {
  private readonly since = new Map<string, string>(
    ['cust-0313', 'cust-0528', 'cust-0904'].map((id, i) => [id, new Date(Date.now() - (i + 1) * 900_000).toISOString()]));

  info(): SegmentInfo {
    return { ...DEMO_SEGMENT, size: this.since.size };
  }

  /** The customer's membership after a change of its view: the push to send, or null when nothing changed. */
  evaluate(view: ProfileView): SegmentChangedMessage | null {
    const abandoned = view.counters?.cart_abandon?.['1h']?.count ?? 0;
    const bought = view.counters?.purchase?.['1h']?.count ?? 0;
    const matches = abandoned >= 1 && bought === 0;
    if (matches === this.since.has(view.customerId)) return null;
    const at = new Date().toISOString();
    if (matches) this.since.set(view.customerId, at);
    else this.since.delete(view.customerId);
    return {
      customerId: view.customerId, segment: DEMO_SEGMENT.name, entered: matches, at,
      reasons: matches ? [`cart_abandon.1h = ${abandoned}`, 'purchase.1h = 0'] : [],
    };
  }

  list(): Promise<SegmentInfo[]> {
    return Promise.resolve([this.info()]);
  }

  get(name: string): Promise<SegmentInfo> {
    return name === DEMO_SEGMENT.name ? Promise.resolve(this.info()) : Promise.reject(new Error(`No segment '${name}' is defined.`));
  }

  members(name: string, after: string | null, limit: number): Promise<MembersPage> {
    const ids = [...this.since.keys()].sort().filter((id) => after === null || id > after);
    const page = ids.slice(0, limit);
    return Promise.resolve({
      segment: name, members: page.map((customerId) => ({ customerId, since: this.since.get(customerId) ?? '' })),
      next: ids.length > limit ? (page[page.length - 1] ?? null) : null,
    });
  }
}
