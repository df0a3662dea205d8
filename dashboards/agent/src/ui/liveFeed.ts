import type { AppState, FeedItem } from '../state/store';
import { h, reconcile } from './dom';
import { eventSummary, eventTime, isFresh } from './eventLine';
import { displayName } from './identity';

export interface LiveFeed {
  element: HTMLElement;
  render(state: AppState): void;
}

/** Every event of every watched customer as it arrives; a click opens that customer. */
export function liveFeed(onSelect: (id: string) => void): LiveFeed {
  const list = h('ol', { class: 'feed', 'data-testid': 'live-feed', 'aria-label': 'Live activity of watched customers', 'aria-live': 'off' });
  const empty = h('p', { class: 'sidebar-empty' }, 'New activity of every customer you watch streams in here.');
  const element = h('aside', { class: 'feed-panel', 'aria-labelledby': 'feed-title' },
    h('h2', { class: 'section-title', id: 'feed-title' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), 'Live activity'), empty, list);

  return {
    element,
    render(state) {
      empty.hidden = state.feed.length > 0;
      reconcile(list, state.feed, (item) => item.key, (item: FeedItem) => {
        const customer = state.customers.get(item.customerId);
        const name = customer === undefined ? item.customerId : displayName(customer);
        return h('li', { class: `feed-item${isFresh(item.arrivedAt) ? ' is-new' : ''}`, 'data-event-id': item.event.id, 'data-customer-id': item.customerId },
          h('div', { class: 'feed-top' },
            h('button', { type: 'button', class: 'link-button feed-customer', onclick: () => onSelect(item.customerId), title: `Open ${item.customerId}` }, name),
            eventTime(item.event)),
          eventSummary(item.event));
      });
    },
  };
}
