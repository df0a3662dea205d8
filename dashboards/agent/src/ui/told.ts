import type { CustomerDelivery } from '../api/types';
import type { ToldState } from '../state/toldWatch';
import { h, reconcile } from './dom';
import { formatDateTime, formatTime } from './format';

/** The CloudEvents types, as an agent reads them. */
const TYPE_LABELS: Record<string, string> = {
  'com.profilegrid.segment.entered': 'Entered a segment',
  'com.profilegrid.segment.left': 'Left a segment',
  'com.profilegrid.event': 'Event',
  'com.profilegrid.traits.changed': 'Traits changed',
  'com.profilegrid.consent.changed': 'Consent changed',
};

const STATUS_LABELS: Record<string, string> = {
  pending: 'Waiting',
  retrying: 'Retrying',
  delivered: 'Delivered',
  'dead-lettered': 'Gave up',
};

export function deliveryTypeLabel(type: string): string {
  return TYPE_LABELS[type] ?? type;
}

export function deliveryStatusLabel(delivery: Pick<CustomerDelivery, 'status' | 'attempts'>): string {
  const label = STATUS_LABELS[delivery.status] ?? delivery.status;
  return delivery.attempts > 1 || delivery.status === 'retrying' ? `${label} · ${delivery.attempts} ${delivery.attempts === 1 ? 'attempt' : 'attempts'}` : label;
}

/** When it finished (taken or given up on), or when it was queued while it still waits. */
export function deliveryTime(delivery: Pick<CustomerDelivery, 'queuedAt' | 'finishedAt'>): string {
  return delivery.finishedAt ?? delivery.queuedAt;
}

/** The card's "Told" list: which destinations were told what about the customer, newest first. */
export function toldList(): { element: HTMLElement; render(state: ToldState | null): void } {
  const list = h('ol', { class: 'told', 'data-testid': 'told', 'aria-label': 'Deliveries to destinations, newest first' });
  const note = h('p', { class: 'empty-note' });
  const element = h('div', { class: 'told-wrap' }, note, list);
  let drawn = '';
  return {
    element,
    render(state) {
      const signature = JSON.stringify(state);
      if (signature === drawn) return;
      drawn = signature;
      const deliveries = state?.deliveries ?? [];
      reconcile(list, deliveries, (delivery) => `${delivery.destination}\u0000${delivery.id}`, (delivery) => {
        const item = h('li', { class: 'told-item' });
        drawDelivery(item, delivery);
        return item;
      }, drawDelivery);
      note.textContent = state === null || state.deliveries === null ? (state?.problem ? `Could not read the deliveries: ${state.problem}` : 'Loading…')
        : state.problem !== null ? `Could not read the deliveries again: ${state.problem}`
          : deliveries.length === 0 ? 'No destination was told anything about this customer recently.' : '';
      note.hidden = note.textContent === '';
    },
  };
}

function drawDelivery(item: HTMLElement, delivery: CustomerDelivery): void {
  item.dataset.deliveryId = delivery.id;
  item.dataset.destination = delivery.destination;
  item.dataset.status = delivery.status;
  const at = deliveryTime(delivery);
  item.replaceChildren(
    h('div', { class: 'told-top' },
      h('span', { class: 'told-destination mono', title: 'Destination' }, delivery.destination),
      h('span', { class: 'told-time', title: formatDateTime(at) }, formatTime(at))),
    h('div', { class: 'told-bottom' },
      h('span', { class: 'told-type', title: delivery.type }, deliveryTypeLabel(delivery.type)),
      h('span', { class: `badge badge--${delivery.status}`, 'data-testid': 'told-status' }, deliveryStatusLabel(delivery))));
}
