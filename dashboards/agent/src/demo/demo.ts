import type { HubEvents, HubPort } from '../api/hubPort';
import type { ProfileView, SegmentInfo } from '../api/types';
import { SegmentWatch } from '../state/segmentWatch';
import { Store } from '../state/store';
import { mountDashboard } from '../ui/app';
import { renderSignIn } from '../ui/signin';
import { PEOPLE, applyEvent, initialView, randomEvent } from './demoData';
import { DEMO_SEGMENT, DemoSegment } from './demoSegments';

/**
 * `?demo=1` (or `reconnecting`, `empty`, `signin`, `segment`): the real store and views fed by canned customers, a
 * canned segment and a timer instead of the hub. Nothing here is used when the dashboard runs against a gateway.
 */
export function runDemo(root: HTMLElement, mode: string): void {
  if (mode === 'signin') {
    renderSignIn(root, () => Promise.resolve('This key is unknown to the gateway.'));
    return;
  }
  const store = new Store([], false);
  const segments = new SegmentWatch();
  const segment = new DemoSegment();
  const hub = new DemoHub(store.hubEvents(() => undefined, segments), segment);
  store.attach(hub);
  segments.attach(hub, segment);
  mountDashboard(root, store, 'demo…0001', () => location.assign(location.pathname), { segmentSource: segment, segments });
  hub.start();
  if (mode !== 'empty') {
    for (const id of [...PEOPLE.map((person) => person.id), 'cust-0777']) store.watch(id);
    store.select('cust-0001');
    if (mode === 'segment') segments.open(DEMO_SEGMENT.name);
  }
  if (mode === 'reconnecting') setTimeout(() => store.hubEvents(() => undefined).state('reconnecting'), 300);
}

const SELF = 'Dana Reyes';

class DemoHub implements HubPort {
  private readonly views = new Map<string, ProfileView>();
  private readonly watched = new Set<string>();
  private segmentWatched = false;

  constructor(private readonly events: HubEvents, private readonly segment: DemoSegment) {
    PEOPLE.forEach((person, i) => this.views.set(person.id, initialView(person, [14, 6, 3][i] ?? 2)));
  }

  start(): void {
    this.events.state('connected');
    this.events.resync();
    this.events.identity({ name: SELF, role: 'agent', scopes: ['pii'] });
    // A quick burst fills the live feed, then a calmer pace.
    let tick = 0;
    const next = (): void => {
      this.push(tick++);
      setTimeout(next, tick < 6 ? 350 : 1800);
    };
    setTimeout(next, 300);
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  watch(customerId: string): Promise<ProfileView | null> {
    this.watched.add(customerId);
    const viewers = customerId === 'cust-0001' ? [SELF, 'Bob Martin', 'Chen Wei'] : [SELF];
    setTimeout(() => this.events.viewers({ customerId, viewers }), 50);
    return Promise.resolve(this.views.get(customerId) ?? null);
  }

  unwatch(customerId: string): Promise<void> {
    this.watched.delete(customerId);
    return Promise.resolve();
  }

  watchSegment(name: string): Promise<SegmentInfo> {
    if (name !== DEMO_SEGMENT.name) return Promise.reject(new Error(`No segment '${name}' is defined.`));
    this.segmentWatched = true;
    return Promise.resolve(this.segment.info());
  }

  unwatchSegment(): Promise<void> {
    this.segmentWatched = false;
    return Promise.resolve();
  }

  private push(tick: number): void {
    const ids = [...this.watched].filter((id) => this.views.has(id));
    const id = tick % 3 === 2 ? ids[Math.floor(Math.random() * ids.length)] : 'cust-0001';
    const view = id === undefined ? undefined : this.views.get(id);
    if (id === undefined || view === undefined || !this.watched.has(id)) return;
    const event = randomEvent(new Date(), [4, 2, 3, 1, 2, 1]);
    const next = applyEvent(view, event);
    this.views.set(id, next);
    this.events.activity({ customerId: id, seq: next.seq, event });
    this.events.profileChanged(next);
    const change = this.segment.evaluate(next);
    if (change !== null && this.segmentWatched) this.events.segmentChanged(change);
  }
}
