import { resolveCustomer, type IdentifierResolver } from '../lookup';
import type { AppState, Store } from '../state/store';
import { customerPanel } from './customerPanel';
import { h } from './dom';
import { formatRelative } from './format';
import { liveFeed } from './liveFeed';
import { topBar } from './topbar';
import { watchList } from './watchlist';

const RELATIVE_TICK_MS = 15_000;

/** Lays out the dashboard and redraws it (at most once a frame) whenever the store changes. Returns a disposer. */
export function mountDashboard(
  root: HTMLElement, store: Store, agentHint: string, onSignOut: () => void, identifiers: IdentifierResolver | null = null,
): () => void {
  const panel = customerPanel((id) => store.unwatch(id));
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
  const top = topBar(agentHint, watch, onSignOut);
  const list = watchList(select, (id) => store.unwatch(id));
  const feed = liveFeed(select);
  const banner = h('div', { class: 'offline-banner', role: 'status' });

  const rail = h('div', { class: 'rail' }, list.element, feed.element);
  root.replaceChildren(h('div', { class: 'app' }, top.element, banner, h('div', { class: 'workspace' }, rail, panel.element)));

  let frame = 0;
  const render = (state: AppState): void => {
    top.setConnection(state.connection);
    top.setAgent(state.self);
    const offline = state.connection !== 'connected' && state.order.length > 0;
    banner.hidden = !offline;
    banner.textContent = state.connection === 'reconnecting'
      ? 'Connection lost — reconnecting. The profiles below may be out of date until it is back.'
      : 'Not connected to the gateway — retrying. The profiles below may be out of date.';
    list.render(state);
    panel.render(state);
    feed.render(state);
  };
  const schedule = (): void => {
    if (frame === 0) frame = requestAnimationFrame(() => { frame = 0; render(store.state); });
  };
  const unsubscribe = store.subscribe(schedule);
  render(store.state);

  const ticker = window.setInterval(() => {
    for (const element of Array.from(root.querySelectorAll<HTMLElement>('[data-rel]'))) {
      element.textContent = formatRelative(element.dataset.rel ?? '');
    }
  }, RELATIVE_TICK_MS);

  return () => {
    unsubscribe();
    cancelAnimationFrame(frame);
    window.clearInterval(ticker);
  };
}
