import type { DestinationSource } from '../api/destinations';
import type { SegmentSource } from '../api/segments';
import { resolveCustomer, type IdentifierResolver } from '../lookup';
import { DestinationsWatch } from '../state/destinationsWatch';
import { SegmentWatch } from '../state/segmentWatch';
import { ToldWatch } from '../state/toldWatch';
import type { AppState, Store } from '../state/store';
import { customerPanel } from './customerPanel';
import { destinationsPanel } from './destinationsPanel';
import { h } from './dom';
import { formatRelative } from './format';
import { liveFeed } from './liveFeed';
import { segmentPanel } from './segmentPanel';
import { segmentPicker } from './segmentPicker';
import { topBar } from './topbar';
import { watchList } from './watchlist';

const RELATIVE_TICK_MS = 15_000;

/** What the dashboard asks the gateway over REST besides the hub: identifiers to resolve, segments to list and page. */
export interface GatewayReads {
  identifiers?: IdentifierResolver | null;
  segmentSource?: SegmentSource | null;
  /** The open segment's watch, attached to the hub and to `segmentSource` by the caller. */
  segments?: SegmentWatch;
  /** Destinations: the card's "Told" (agents and admins) and the destinations view (admins only). */
  destinations?: DestinationSource | null;
}

/**
 * Lays out the dashboard and redraws it (at most once a frame) whenever the store or the open segment changes.
 * Returns a disposer.
 */
export function mountDashboard(root: HTMLElement, store: Store, agentHint: string, onSignOut: () => void, gateway: GatewayReads = {}): () => void {
  const identifiers = gateway.identifiers ?? null;
  const segments = gateway.segments ?? new SegmentWatch();
  const panel = customerPanel((id) => store.unwatch(id), gateway.destinations != null);
  const told = gateway.destinations ? new ToldWatch(gateway.destinations) : null;
  const destinations = gateway.destinations ? new DestinationsWatch(gateway.destinations) : null;
  const destinationsView = destinationsPanel(() => destinations?.close());
  const select = (id: string): void => {
    store.select(id);
    panel.element.focus({ preventScroll: true });
  };
  const watch = async (value: string): Promise<string | null> => {
    const resolved = await resolveCustomer(value, identifiers);
    if ('problem' in resolved) return resolved.problem;
    store.watch(resolved.id);
    return null;
  };
  // The destinations view and an open segment share the column beside the customer: one at a time.
  const top = topBar(agentHint, watch, onSignOut, () => {
    if (destinations === null) return;
    segments.close();
    destinations.toggle();
    if (destinations.isOpen) requestAnimationFrame(() => destinationsView.element.focus({ preventScroll: true }));
  });
  const list = watchList(select, (id) => store.unwatch(id));
  const feed = liveFeed(select);
  const banner = h('div', { class: 'offline-banner', role: 'status' });
  // A member opens as if the agent had typed its id: watched, selected, shown; the segment stays open beside it.
  const openMember = (id: string): void => {
    void watch(id).then((problem) => {
      if (problem === null) panel.element.focus({ preventScroll: true });
    });
  };
  const segment = segmentPanel(openMember, () => segments.close(), () => segments.more());
  const picker = segmentPicker(gateway.segmentSource ?? null, (name) => {
    destinations?.close();
    segments.open(name);
    // After the frame that shows it.
    requestAnimationFrame(() => segment.element.focus({ preventScroll: true }));
  });

  const rail = h('div', { class: 'rail' }, list.element, picker.element, feed.element);
  const workspace = h('div', { class: 'workspace' }, rail, panel.element, segment.element, destinationsView.element);
  root.replaceChildren(h('div', { class: 'app' }, top.element, banner, workspace));

  let frame = 0;
  let connection: AppState['connection'] | null = null;
  const render = (state: AppState): void => {
    if (state.connection === 'connected' && connection !== 'connected') picker.refresh();
    connection = state.connection;
    top.setConnection(state.connection);
    top.setAgent(state.self);
    const admin = state.role === 'admin' && destinations !== null;
    if (!admin) destinations?.close();
    top.setAdmin(admin, destinations?.isOpen ?? false);
    const offline = state.connection !== 'connected' && state.order.length > 0;
    banner.hidden = !offline;
    banner.textContent = state.connection === 'reconnecting'
      ? 'Connection lost — reconnecting. The profiles below may be out of date until it is back.'
      : 'Not connected to the gateway — retrying. The profiles below may be out of date.';
    list.render(state);
    const selected = state.selected === null ? undefined : state.customers.get(state.selected);
    told?.follow(selected?.id ?? null, selected?.view?.seq ?? null);
    panel.render(state, told?.state ?? null);
    feed.render(state);
    const open = segments.state;
    workspace.classList.toggle('has-segment', open !== null || (destinations?.isOpen ?? false));
    picker.setOpen(open?.name ?? null);
    segment.render(open, state);
    destinationsView.render(destinations?.state ?? null);
  };
  const schedule = (): void => {
    if (frame === 0) frame = requestAnimationFrame(() => { frame = 0; render(store.state); });
  };
  const unsubscribe = store.subscribe(schedule);
  const unsubscribeSegment = segments.subscribe(schedule);
  const unsubscribeTold = told?.subscribe(schedule);
  const unsubscribeDestinations = destinations?.subscribe(schedule);
  render(store.state);

  const ticker = window.setInterval(() => {
    for (const element of Array.from(root.querySelectorAll<HTMLElement>('[data-rel]'))) {
      element.textContent = formatRelative(element.dataset.rel ?? '');
    }
  }, RELATIVE_TICK_MS);

  return () => {
    unsubscribe();
    unsubscribeSegment();
    unsubscribeTold?.();
    unsubscribeDestinations?.();
    told?.stop();
    destinations?.close();
    segments.close();
    cancelAnimationFrame(frame);
    window.clearInterval(ticker);
  };
}
