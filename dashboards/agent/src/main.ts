import '@fontsource-variable/inter/wght.css';
import './styles.css';
import { checkAgentKey, exchangeKey, forgetKey, storedKey, storeKey } from './api/auth';
import { AgentHub } from './api/hub';
import type { HubPort } from './api/hubPort';
import { gatewayDestinations } from './api/destinations';
import { gatewaySegments } from './api/segments';
import { TokenSource } from './api/tokens';
import { gatewayResolver } from './lookup';
import { SegmentWatch } from './state/segmentWatch';
import { Store, forgetWatched } from './state/store';
import { mountDashboard } from './ui/app';
import { renderSignIn } from './ui/signin';

const root = document.getElementById('app')!;
const demo = new URLSearchParams(location.search).get('demo');

if (demo !== null) {
  // Canned data through the same store and views, for screenshots and layout work without a gateway.
  void import('./demo/demo').then(({ runDemo }) => runDemo(root, demo));
} else {
  start(storedKey(), null);
}

function start(key: string | null, notice: string | null): void {
  if (key === null) {
    renderSignIn(root, async (typed) => {
      const check = await checkAgentKey(typed);
      if (!check.ok) return check.message;
      storeKey(typed);
      start(typed, null);
      return null;
    }, notice);
    return;
  }

  const store = new Store();
  const segments = new SegmentWatch();
  let hub: HubPort | null = null;
  let dispose = (): void => undefined;
  const signOut = (message: string | null): void => {
    dispose();
    void hub?.stop();
    forgetKey();
    forgetWatched();
    start(null, message);
  };
  // The key stays in this tab (sessionStorage) and travels only in the X-Api-Key header of the token exchange.
  const tokens = new TokenSource(() => exchangeKey(key));
  hub = new AgentHub(tokens, store.hubEvents((message) => signOut(message), segments));
  store.attach(hub);
  const segmentSource = gatewaySegments(() => tokens.get());
  segments.attach(hub, segmentSource);
  dispose = mountDashboard(root, store, maskKey(key), () => signOut(null),
    { identifiers: gatewayResolver(() => tokens.get()), segmentSource, segments, destinations: gatewayDestinations(() => tokens.get()) });
  hub.start();
}

/** `dev-…0001`: enough for an agent to tell keys apart, not enough to read one off a screen. */
function maskKey(key: string): string {
  return `${key.slice(0, 4)}…${key.slice(-4)}`;
}
