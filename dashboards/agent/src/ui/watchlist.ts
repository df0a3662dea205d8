import type { AppState } from '../state/store';
import type { CustomerState } from '../state/customer';
import { h, reconcile } from './dom';
import { initials } from './format';
import { displayName } from './identity';

export interface WatchList {
  element: HTMLElement;
  render(state: AppState): void;
}

/** The customers this agent watches: select one to see it in full, or stop watching it. */
export function watchList(onSelect: (id: string) => void, onUnwatch: (id: string) => void): WatchList {
  const list = h('ul', { class: 'watch-list', 'data-testid': 'watched-list', 'aria-label': 'Watched customers' });
  const count = h('span', { class: 'count-badge' }, '0');
  const empty = h('p', { class: 'sidebar-empty' }, 'Customers you watch appear here. Type an id above and press Enter.');
  const element = h('nav', { class: 'sidebar', 'aria-labelledby': 'watching-title' },
    h('h2', { class: 'section-title', id: 'watching-title' }, 'Watching ', count), list, empty);

  // Up/Down move between customers, as in a list of tabs.
  list.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = Array.from(list.querySelectorAll<HTMLButtonElement>('.watch-select'));
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0) return;
    e.preventDefault();
    buttons[(index + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length]?.focus();
  });

  const create = (customer: CustomerState): HTMLElement => {
    const item = h('li', { class: 'watch-item', 'data-customer-id': customer.id },
      h('button', { type: 'button', class: 'watch-select', onclick: () => onSelect(customer.id) },
        h('span', { class: 'avatar avatar--sm', 'aria-hidden': 'true' }),
        h('span', { class: 'watch-text' }, h('span', { class: 'watch-name' }), h('span', { class: 'watch-id' }, customer.id)),
        h('span', { class: 'unread', 'aria-label': '' })),
      h('button', {
        type: 'button', class: 'icon-button watch-remove', 'aria-label': `Stop watching ${customer.id}`, title: 'Stop watching',
        onclick: () => onUnwatch(customer.id),
      }, '×'));
    return item;
  };

  return {
    element,
    render(state) {
      const customers = state.order.map((id) => state.customers.get(id)).filter((c): c is CustomerState => c !== undefined);
      count.textContent = String(customers.length);
      empty.hidden = customers.length > 0;
      reconcile(list, customers, (c) => c.id, create, () => undefined);
      for (const item of Array.from(list.children) as HTMLElement[]) {
        const customer = state.customers.get(item.dataset.key ?? '');
        if (customer !== undefined) update(item, customer, state);
      }
    },
  };
}

function update(item: HTMLElement, customer: CustomerState, state: AppState): void {
  const name = displayName(customer);
  const selected = state.selected === customer.id;
  item.classList.toggle('is-selected', selected);
  const select = item.querySelector<HTMLButtonElement>('.watch-select');
  if (select === null) return;
  if (selected) select.setAttribute('aria-current', 'true');
  else select.removeAttribute('aria-current');
  setText(select.querySelector('.avatar'), initials(name));
  setText(select.querySelector('.watch-name'), name === customer.id ? statusText(customer) : name);
  const unread = state.unread.get(customer.id) ?? 0;
  const badge = select.querySelector<HTMLElement>('.unread');
  if (badge !== null) {
    badge.hidden = unread === 0;
    setText(badge, unread > 99 ? '99+' : String(unread));
    badge.setAttribute('aria-label', `${unread} new events`);
  }
}

function statusText(customer: CustomerState): string {
  switch (customer.status) {
    case 'loading': return 'Loading…';
    case 'unknown': return 'No activity yet';
    case 'failed': return 'Could not watch';
    case 'erased': return 'Erased';
    case 'live': return customer.id;
  }
}

function setText(element: Element | null, text: string): void {
  if (element !== null && element.textContent !== text) element.textContent = text;
}
