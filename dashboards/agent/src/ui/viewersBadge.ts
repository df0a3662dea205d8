import { presence } from '../state/viewers';
import { h, replaceChildren } from './dom';
import { initials } from './format';

/** "Also watching: Bob" — the other agents looking at this customer right now. */
export function viewersBadge(): HTMLElement {
  return h('div', { class: 'viewers', 'data-testid': 'viewers', 'aria-live': 'polite' });
}

export function renderViewers(element: HTMLElement, viewers: readonly string[], self: string | null): void {
  const who = presence(viewers, self);
  const signature = JSON.stringify(who);
  if (element.dataset.signature === signature) return;
  element.dataset.signature = signature;
  element.classList.toggle('is-shared', who.kind !== 'alone');
  if (who.kind === 'alone') {
    replaceChildren(element, h('span', { class: 'muted' }, 'No other agent is watching'));
    return;
  }
  const label = who.kind === 'others' ? 'Also watching: ' : 'Watching now (you included): ';
  replaceChildren(element,
    h('span', { class: 'viewer-faces', 'aria-hidden': 'true' }, ...who.names.slice(0, 3).map((n) => h('span', { class: 'avatar avatar--xs' }, initials(n)))),
    h('span', {}, label, h('strong', {}, who.names.join(', '))));
}
