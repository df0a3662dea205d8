import type { AppState } from '../state/store';
import { timeline, type CustomerState } from '../state/customer';
import { h, replaceChildren } from './dom';
import { countersTable } from './countersTable';
import { formatTime } from './format';
import { displayName } from './identity';
import { profileCard } from './profileCard';
import { renderTimeline, timelineList } from './timeline';
import { toldList } from './told';
import type { ToldState } from '../state/toldWatch';
import { renderViewers, viewersBadge } from './viewersBadge';

export interface CustomerPanel {
  element: HTMLElement;
  /** `told`: what the selected customer's destinations were told (null: not read, or not offered). */
  render(state: AppState, told?: ToldState | null): void;
}

interface Slots {
  id: string;
  root: HTMLElement;
  title: HTMLElement;
  meta: HTMLElement;
  notice: HTMLElement;
  viewers: HTMLElement;
  profile: HTMLElement;
  counters: HTMLElement;
  timeline: HTMLElement;
  timelineEmpty: HTMLElement;
  told: ReturnType<typeof toldList> | null;
  drawn: CustomerState | null;
}

/**
 * The selected customer in full: who they are, their counters and their activity, live, and (`showTold`) which
 * destinations were told what about them, recently.
 */
export function customerPanel(onUnwatch: (id: string) => void, showTold = false): CustomerPanel {
  const element = h('main', { class: 'customer', id: 'customer', tabindex: '-1' });
  let slots: Slots | null = null;

  return {
    element,
    render(state, told = null) {
      const customer = state.selected === null ? undefined : state.customers.get(state.selected);
      if (customer === undefined) {
        if (element.dataset.mode !== 'empty') {
          element.dataset.mode = 'empty';
          slots = null;
          replaceChildren(element, emptyState());
        }
        return;
      }
      if (slots === null || slots.id !== customer.id) {
        element.dataset.mode = 'customer';
        slots = skeleton(customer.id, onUnwatch, showTold);
        replaceChildren(element, slots.root);
      }
      slots.told?.render(told?.customerId === customer.id ? told : null);
      draw(slots, customer, state);
    },
  };
}

function skeleton(id: string, onUnwatch: (id: string) => void, showTold: boolean): Slots {
  const s: Slots = {
    id,
    root: h('div', { class: 'customer-inner' }),
    title: h('h1', { class: 'customer-title' }),
    meta: h('div', { class: 'customer-meta' }),
    notice: h('div', { class: 'notice', role: 'status' }),
    viewers: viewersBadge(),
    profile: h('div', { class: 'slot-profile' }),
    counters: h('div', { class: 'counters-wrap' }),
    timeline: timelineList(),
    timelineEmpty: h('p', { class: 'empty-note' }, 'No activity yet.'),
    told: showTold ? toldList() : null,
    drawn: null,
  };
  s.root.append(
    h('div', { class: 'customer-head' },
      h('div', { class: 'customer-heading' }, s.title, s.meta),
      s.viewers,
      h('button', { type: 'button', class: 'button button--ghost', onclick: () => onUnwatch(id) }, 'Stop watching')),
    s.notice,
    h('div', { class: 'customer-grid' },
      s.profile,
      h('div', { class: 'customer-main' },
        h('section', { class: 'card', 'aria-labelledby': 'counters-title' },
          h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'counters-title' }, 'Behaviour'),
            h('span', { class: 'card-hint' }, 'Events and value per time window')),
          s.counters),
        s.told === null ? null : h('section', { class: 'card', 'aria-labelledby': 'told-title', 'data-testid': 'told-card' },
          h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'told-title' }, 'Told'),
            h('span', { class: 'card-hint' }, 'What destinations were sent about them, newest first')),
          s.told.element),
        h('section', { class: 'card', 'aria-labelledby': 'timeline-title' },
          h('div', { class: 'card-head' }, h('h2', { class: 'card-title', id: 'timeline-title' }, 'Timeline'),
            h('span', { class: 'card-hint' }, 'Newest first')),
          s.timelineEmpty, s.timeline))));
  return s;
}

function draw(s: Slots, customer: CustomerState, state: AppState): void {
  renderViewers(s.viewers, customer.viewers, state.self);
  renderTimeline(s.timeline, timeline(customer), state.arrivals);
  s.timelineEmpty.hidden = s.timeline.childElementCount > 0;
  if (s.drawn === customer) return;

  s.title.textContent = displayName(customer);
  const view = customer.view;
  s.meta.replaceChildren(
    h('span', { class: 'mono' }, customer.id),
    view !== null ? h('span', {}, ` · updated ${formatTime(view.asOf)}`) : '',
    view !== null ? h('span', { class: 'muted', title: 'Change number: every change adds one' }, ` · #${view.seq}`) : '');
  notice(s.notice, customer);
  if (s.drawn?.view !== view || s.drawn === null) {
    s.profile.replaceChildren(profileCard(customer));
    s.counters.replaceChildren(countersTable(view?.counters ?? {}));
  }
  s.drawn = customer;
}

function notice(element: HTMLElement, customer: CustomerState): void {
  const text = customer.status === 'loading' ? 'Loading the profile…'
    : customer.status === 'unknown' ? `Nothing is known about ${customer.id} yet. You are watching: their first event will show up here at once.`
      : customer.status === 'erased' ? `${customer.id} was erased at an administrator's request: nothing about them is kept or shown.`
      : customer.problem !== null ? `Could not watch ${customer.id}: ${customer.problem}` : '';
  element.textContent = text;
  element.hidden = text === '';
  element.className = `notice${customer.problem !== null ? ' notice--error' : ''}`;
}

function emptyState(): HTMLElement {
  return h('div', { class: 'empty-state' },
    h('div', { class: 'empty-art', 'aria-hidden': 'true' }, '◎'),
    h('h1', { class: 'empty-title' }, 'Watch a customer'),
    h('p', { class: 'empty-text' }, 'Type a customer id in the search box above and press Enter. Their profile, counters and activity appear here and stay live while you work.'),
    h('p', { class: 'empty-text muted' }, 'You can watch several customers at once; their activity streams into the live feed on the right.'));
}
