import type { ActivityEvent } from '../api/types';
import { h } from './dom';
import { channelLabel, eventLabel, eventTone } from './eventTypes';
import { formatSum, formatTime, formatValue, humanize } from './format';

const FRESH_MS = 4000;

/** The type pill, value and channel of one event, shared by the timeline and the live feed. */
export function eventSummary(event: ActivityEvent): HTMLElement {
  return h('span', { class: 'event-summary' },
    h('span', { class: `pill tone-${eventTone(event.type)}` }, eventLabel(event.type)),
    typeof event.value === 'number' ? h('span', { class: 'event-value' }, formatSum(event.value)) : null,
    event.channel ? h('span', { class: 'chip chip--quiet' }, channelLabel(event.channel)) : null);
}

/** `Sku A-1 · Qty 2`, the first few properties of an event. */
export function propertiesText(event: ActivityEvent, limit = 3): string {
  const entries = Object.entries(event.properties ?? {});
  const shown = entries.slice(0, limit).map(([k, v]) => `${humanize(k)} ${formatValue(v)}`);
  return shown.join(' · ') + (entries.length > limit ? ` · +${entries.length - limit}` : '');
}

export function eventTime(event: ActivityEvent): HTMLElement {
  return h('time', { class: 'event-time', datetime: event.timestamp, title: new Date(event.timestamp).toString() }, formatTime(event.timestamp));
}

/** Whether an event arrived live a moment ago, so its row is highlighted when first drawn. */
export function isFresh(arrivedAt: number | undefined, now = Date.now()): boolean {
  return arrivedAt !== undefined && now - arrivedAt < FRESH_MS;
}
