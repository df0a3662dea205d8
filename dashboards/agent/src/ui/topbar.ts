import type { ConnectionState } from '../api/hubPort';
import { LOOKUP } from '../lookup';
import { h } from './dom';
import { logo } from './logo';

export interface TopBar {
  element: HTMLElement;
  setConnection(state: ConnectionState): void;
  setAgent(name: string | null): void;
  /** Whether the key is an admin's (the destinations view is offered), and whether that view is open. */
  setAdmin(admin: boolean, open: boolean): void;
}

const CONNECTION_HINT: Record<ConnectionState, string> = {
  connected: 'Live: changes arrive as they happen.',
  reconnecting: 'The connection dropped; reconnecting. What you see may be behind.',
  disconnected: 'Not connected; retrying. What you see may be behind.',
};

/** Brand, the customer search, the connection indicator and the agent's sign-out. */
export function topBar(agentHint: string, onWatch: (value: string) => Promise<string | null>, onSignOut: () => void,
  onDestinations: () => void = () => undefined): TopBar {
  const lookup = LOOKUP;
  const input = h('input', {
    id: 'watch-input', class: 'input', type: 'search', placeholder: lookup.placeholder, autocomplete: 'off', spellcheck: 'false',
    'data-testid': 'watch-input', 'aria-describedby': 'watch-error',
  });
  const error = h('span', { id: 'watch-error', class: 'watch-error', role: 'alert' });
  const form = h('form', { class: 'watch-form', role: 'search' },
    h('label', { class: 'watch-label', for: 'watch-input' }, lookup.label),
    input,
    h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'watch-submit' }, 'Watch'),
    error);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void onWatch(input.value.trim()).then((problem) => {
      error.textContent = problem ?? '';
      input.setAttribute('aria-invalid', String(problem !== null));
      if (problem === null) input.value = '';
    });
  });
  input.addEventListener('input', () => {
    error.textContent = '';
    input.removeAttribute('aria-invalid');
  });

  const stateText = h('span', { class: 'conn-text', 'data-testid': 'connection-state' }, 'disconnected');
  const connection = h('div', { class: 'conn conn--disconnected', role: 'status', 'aria-live': 'polite', title: CONNECTION_HINT.disconnected },
    h('span', { class: 'conn-dot', 'aria-hidden': 'true' }), stateText);

  const agentName = h('span', { class: 'agent-name', 'data-testid': 'agent-name', title: 'Signed in as' });
  const destinations = h('button', {
    type: 'button', class: 'button button--ghost', 'data-testid': 'destinations-open', 'aria-pressed': 'false', hidden: true,
    title: 'What each destination was sent: delivered, failed, retrying, dead letters, latency', onclick: onDestinations,
  }, 'Destinations');

  const element = h('header', { class: 'topbar' },
    h('div', { class: 'brand' }, logo(24), h('span', { class: 'brand-name' }, 'ProfileGrid'), h('span', { class: 'brand-sub' }, 'Agent desk')),
    form,
    h('div', { class: 'topbar-end' },
      destinations,
      connection,
      agentName,
      h('span', { class: 'agent-key', title: 'The API key you signed in with' }, agentHint),
      h('button', { type: 'button', class: 'button button--ghost', onclick: onSignOut }, 'Sign out')));

  return {
    element,
    setConnection(state) {
      if (stateText.textContent === state) return;
      stateText.textContent = state;
      connection.className = `conn conn--${state}`;
      connection.title = CONNECTION_HINT[state];
    },
    setAgent(name) {
      if (agentName.textContent !== (name ?? '')) agentName.textContent = name ?? '';
    },
    setAdmin(admin, open) {
      destinations.hidden = !admin;
      destinations.setAttribute('aria-pressed', String(open));
    },
  };
}
