import type { ActivityEvent } from '../api/types';
import { h, reconcile } from './dom';
import { eventTone } from './eventTypes';
import { eventSummary, eventTime, isFresh, propertiesText } from './eventLine';

/** The selected customer's activity, newest on top; events that just arrived flash briefly. */
export function renderTimeline(list: HTMLElement, events: readonly ActivityEvent[], arrivals: ReadonlyMap<string, number>): void {
  reconcile(list, events, (e) => e.id, (event) => {
    const props = propertiesText(event);
    return h('li', { class: `timeline-item${isFresh(arrivals.get(event.id)) ? ' is-new' : ''}`, 'data-testid': 'timeline-item', 'data-event-id': event.id },
      h('span', { class: `timeline-dot tone-${eventTone(event.type)}`, 'aria-hidden': 'true' }),
      h('div', { class: 'timeline-body' }, eventSummary(event), props !== '' ? h('div', { class: 'event-props', title: props }, props) : null),
      eventTime(event));
  });
}

export function timelineList(): HTMLElement {
  return h('ol', { class: 'timeline', 'data-testid': 'timeline', 'aria-label': 'Activity, newest first' });
}
