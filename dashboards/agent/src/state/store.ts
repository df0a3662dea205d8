import { hubProblem } from '../api/hubError';
import type { ConnectionState, HubEvents, HubPort } from '../api/hubPort';
import type { ActivityEvent, ActivityMessage, AgentIdentity, ErasedMessage, ProfileView, ViewersMessage } from '../api/types';
import type { SegmentWatch } from './segmentWatch';
import { activityPushed, erased, failed, newestFirst, snapshot, viewPushed, watching, type CustomerState, type Outcome } from './customer';

const MAX_FEED = 150;
const WATCHED_ITEM = 'profilegrid.watched';

export interface FeedItem {
  readonly key: string;
  readonly customerId: string;
  readonly event: ActivityEvent;
  readonly arrivedAt: number;
}

export interface AppState {
  readonly connection: ConnectionState;
  /** Watched customer ids, in the order the agent added them. */
  readonly order: readonly string[];
  readonly customers: ReadonlyMap<string, CustomerState>;
  readonly selected: string | null;
  readonly feed: readonly FeedItem[];
  readonly unread: ReadonlyMap<string, number>;
  /** When each live event arrived here (by event id), so the views can highlight what is new. */
  readonly arrivals: ReadonlyMap<string, number>;
  /** This agent's name, as the hub's WhoAmI says; null until it has answered. */
  readonly self: string | null;
  /** The key's role (`agent`, `admin`), as WhoAmI says; null until it has answered. Admins also see the destinations. */
  readonly role: string | null;
}

/** The dashboard's state, fed by the hub and by the agent's actions; views subscribe and re-render. */
export class Store {
  private current: AppState;
  private readonly listeners = new Set<(state: AppState) => void>();
  private readonly refetching = new Set<string>();
  private hub: HubPort | null = null;

  /** `persist` keeps the watched ids in this tab's sessionStorage, so a reload watches them again. */
  constructor(initial: readonly string[] = restoreWatched(), private readonly persist = true) {
    const customers = new Map(initial.map((id) => [id, watching(id)] as const));
    this.current = {
      connection: 'disconnected', order: [...customers.keys()], customers, selected: initial[0] ?? null,
      feed: [], unread: new Map(), arrivals: new Map(), self: null, role: null,
    };
  }

  get state(): AppState {
    return this.current;
  }

  attach(hub: HubPort): void {
    this.hub = hub;
  }

  subscribe(listener: (state: AppState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ── the agent's actions ──

  watch(customerId: string): void {
    if (!this.current.customers.has(customerId)) {
      const customers = new Map(this.current.customers).set(customerId, watching(customerId));
      this.update({ customers, order: [...this.current.order, customerId] });
      if (this.current.connection === 'connected') void this.fetch(customerId);
    }
    this.select(customerId);
  }

  unwatch(customerId: string): void {
    if (!this.current.customers.has(customerId)) return;
    const customers = new Map(this.current.customers);
    customers.delete(customerId);
    const index = this.current.order.indexOf(customerId);
    const order = this.current.order.filter((id) => id !== customerId);
    const selected = this.current.selected === customerId ? (order[Math.min(index, order.length - 1)] ?? null) : this.current.selected;
    const unread = new Map(this.current.unread);
    unread.delete(customerId);
    this.update({ customers, order, selected, unread, feed: this.current.feed.filter((item) => item.customerId !== customerId) });
    this.hub?.unwatch(customerId).catch(() => undefined);
  }

  select(customerId: string): void {
    if (!this.current.customers.has(customerId)) return;
    const unread = new Map(this.current.unread);
    unread.delete(customerId);
    this.update({ selected: customerId, unread });
  }

  // ── the hub's events ──

  /**
   * The hub's callbacks, bound to this store; `rejected` is the caller's (it signs the agent out). The open segment
   * (`segment`) keeps its own state: it is told of the connection and gets the segment pushes.
   */
  hubEvents(rejected: (message: string) => void, segment: SegmentWatch | null = null): HubEvents {
    return {
      state: (connection) => {
        segment?.connection(connection);
        this.update({ connection });
      },
      resync: () => {
        this.resync();
        segment?.resync();
      },
      rejected,
      identity: (me) => this.identity(me),
      profileChanged: (view) => this.profileChanged(view),
      activity: (message) => this.activity(message),
      viewers: (message) => this.viewers(message),
      erased: (message) => this.erased(message),
      segmentChanged: (message) => segment?.changed(message),
    };
  }

  resync(): void {
    for (const id of this.current.order) void this.fetch(id, true);
  }

  profileChanged(view: ProfileView): void {
    this.apply(view.customerId, (customer) => viewPushed(customer, view));
  }

  activity(message: ActivityMessage): void {
    // An activity push is the word that this event just happened: it reaches the feed once, even when a pushed view
    // already carried the event while the first Watch was still loading (and so counted as history).
    const arrived = this.current.arrivals.has(message.event.id);
    this.apply(message.customerId, (customer) => {
      const outcome = activityPushed(customer, message);
      return outcome.newEvents.length === 0 && !arrived ? { ...outcome, newEvents: [message.event] } : outcome;
    });
  }

  viewers(message: ViewersMessage): void {
    const customer = this.current.customers.get(message.customerId);
    if (customer === undefined) return;
    this.update({ customers: new Map(this.current.customers).set(customer.id, { ...customer, viewers: [...message.viewers] }) });
  }

  erased(message: ErasedMessage): void {
    const customer = this.current.customers.get(message.customerId);
    if (customer === undefined) return;
    this.update({ customers: new Map(this.current.customers).set(customer.id, erased(customer, message.seq)) });
  }

  identity(me: AgentIdentity): void {
    if (me.name !== this.current.self || me.role !== this.current.role) this.update({ self: me.name, role: me.role });
  }

  private apply(customerId: string, reduce: (customer: CustomerState) => Outcome): void {
    const customer = this.current.customers.get(customerId);
    if (customer === undefined) return;
    const { state, newEvents, refetch } = reduce(customer);
    if (state === customer && newEvents.length === 0) return;
    const now = Date.now();
    const arrivals = new Map(this.current.arrivals);
    for (const event of newEvents) arrivals.set(event.id, now);
    const fresh = [...newEvents].sort(newestFirst).map((event) => ({ key: `${customerId}\u0000${event.id}`, customerId, event, arrivedAt: now }));
    const unread = new Map(this.current.unread);
    if (customerId !== this.current.selected && newEvents.length > 0) unread.set(customerId, (unread.get(customerId) ?? 0) + newEvents.length);
    this.update({
      customers: new Map(this.current.customers).set(customerId, state),
      feed: [...fresh, ...this.current.feed].slice(0, MAX_FEED),
      arrivals: prune(arrivals, now),
      unread,
    });
    if (refetch) void this.fetch(customerId);
  }

  /** Watches (again) and takes the snapshot; `replace` after a reconnect, when the server may have moved on. */
  private async fetch(customerId: string, replace = false): Promise<void> {
    if (this.hub === null || (this.refetching.has(customerId) && !replace)) return;
    this.refetching.add(customerId);
    try {
      const view = await this.hub.watch(customerId);
      const customer = this.current.customers.get(customerId);
      if (customer === undefined) return;
      // A late answer must not undo a push: a null (nothing known yet) or older view loses to the one we have.
      const stale = !replace && customer.view !== null && (view === null || view.seq < customer.view.seq);
      if (!stale) this.update({ customers: new Map(this.current.customers).set(customerId, snapshot(customer, view, replace)) });
    } catch (error) {
      const customer = this.current.customers.get(customerId);
      if (customer !== undefined) {
        this.update({ customers: new Map(this.current.customers).set(customerId, failed(customer, hubProblem(error, 'The gateway could not watch this customer.'))) });
      }
    } finally {
      this.refetching.delete(customerId);
    }
  }

  private update(patch: Partial<AppState>): void {
    this.current = { ...this.current, ...patch };
    if (this.persist && 'order' in patch) saveWatched(this.current.order);
    for (const listener of this.listeners) listener(this.current);
  }
}

function prune(arrivals: Map<string, number>, now: number): Map<string, number> {
  for (const [id, at] of arrivals) if (now - at > 60_000) arrivals.delete(id);
  return arrivals;
}

function restoreWatched(): string[] {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(WATCHED_ITEM) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

export function forgetWatched(): void {
  sessionStorage.removeItem(WATCHED_ITEM);
}

function saveWatched(order: readonly string[]): void {
  sessionStorage.setItem(WATCHED_ITEM, JSON.stringify(order));
}
