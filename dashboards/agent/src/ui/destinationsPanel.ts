import type { DestinationStatus } from '../api/types';
import type { DestinationRow, DestinationsState } from '../state/destinationsWatch';
import { h, reconcile, replaceChildren } from './dom';
import { formatCount, formatDateTime, formatLatency, formatTime } from './format';

export interface DestinationsPanel {
  element: HTMLElement;
  render(state: DestinationsState | null): void;
}

/** One figure of a destination's status: what it is called, its value, and what it means. */
export interface Figure {
  readonly key: string;
  readonly label: string;
  readonly value: string;
  readonly hint: string;
}

/** A destination's figures as the view lists them (each queue counts since it was activated). */
export function destinationFigures(status: DestinationStatus): Figure[] {
  const { latency } = status;
  return [
    { key: 'delivered', label: 'Delivered', value: formatCount(status.delivered), hint: 'Deliveries the destination answered with 2xx' },
    { key: 'failed', label: 'Failed', value: formatCount(status.failedAttempts), hint: 'Attempts that failed (each is retried until too old)' },
    { key: 'retrying', label: 'Retrying', value: formatCount(status.retrying), hint: 'Queues retrying their first delivery now' },
    { key: 'dead-lettered', label: 'Dead letters', value: formatCount(status.deadLettered), hint: 'Deliveries given up on (too old, or the queue was full)' },
    { key: 'waiting', label: 'Waiting', value: formatCount(status.depth), hint: 'Deliveries in the queues now' },
    {
      key: 'latency', label: 'Latency', value: latency.count === 0 ? '—' : `${formatLatency(latency.p50Ms)} · ${formatLatency(latency.p95Ms)} · ${formatLatency(latency.p99Ms)}`,
      hint: `p50 · p95 · p99 from queued to 2xx, over ${formatCount(latency.count)} deliveries; the slowest took ${formatLatency(latency.slowestMs)}`,
    },
  ];
}

/**
 * Since when the destination's queues count (each from when it last started: in memory, so a queue that moved to
 * another silo counts afresh): the earliest start and the latest; null without queues.
 */
export function countingSince(status: DestinationStatus): { earliest: string; latest: string } | null {
  const starts = status.queues.map((queue) => queue.since).sort();
  return starts.length === 0 ? null : { earliest: starts[0]!, latest: starts[starts.length - 1]! };
}

/**
 * The admins' destinations view, beside the customer: every destination with its figures (delivered, failed,
 * retrying, dead letters, waiting, latency percentiles) and its last error, read again every few seconds.
 */
export function destinationsPanel(onClose: () => void): DestinationsPanel {
  const list = h('ol', { class: 'destination-list', 'data-testid': 'destination-list', 'aria-label': 'Destinations' });
  const notice = h('div', { class: 'notice', role: 'status' });
  const read = h('span', { class: 'card-hint', 'data-testid': 'destinations-read' });
  const element = h('aside', { class: 'segment-panel destinations-panel', 'data-testid': 'destinations-view', 'aria-labelledby': 'destinations-title', tabindex: '-1', hidden: true },
    h('div', { class: 'segment-head' },
      h('div', { class: 'segment-heading' },
        h('span', { class: 'segment-eyebrow' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), 'Admin'),
        h('h2', { class: 'segment-title', id: 'destinations-title' }, 'Destinations')),
      h('button', { type: 'button', class: 'button button--ghost', 'data-testid': 'destinations-close', onclick: onClose }, 'Close')),
    h('p', { class: 'segment-description' }, 'What each webhook destination was sent, since its queues last started. Read every few seconds.'),
    read, notice, list);
  let drawn: DestinationsState | null = null;

  return {
    element,
    render(state) {
      element.hidden = state === null;
      if (state === null || state === drawn) return;
      drawn = state;
      read.textContent = state.readAt === null ? '' : `Read ${formatTime(new Date(state.readAt).toISOString())}`;
      const text = state.problem !== null ? `Could not read the destinations: ${state.problem}`
        : state.rows === null ? 'Reading the destinations…'
          : state.rows.length === 0 ? 'No destination is defined (PUT /v1/destinations/{name}).' : '';
      notice.textContent = text;
      notice.hidden = text === '';
      notice.className = `notice${state.problem !== null ? ' notice--error' : ''}`;
      reconcile(list, state.rows ?? [], (row) => row.name, (row) => {
        const item = h('li', { class: 'destination' });
        drawRow(item, row);
        return item;
      }, drawRow);
    },
  };
}

function drawRow(item: HTMLElement, row: DestinationRow): void {
  if (item.dataset.signature === JSON.stringify(row)) return;
  const status = row.status;
  const since = status === null ? null : countingSince(status);
  replaceChildren(item,
    h('div', { class: 'destination-top' },
      h('span', { class: 'destination-name mono' }, row.name),
      since === null ? null : h('span', {
        class: 'segment-when',
        title: `Each queue counts from when it last started: the first at ${formatDateTime(since.earliest)}, the last at ${formatDateTime(since.latest)}`,
      }, `since ${formatTime(since.earliest)}`)),
    h('div', { class: 'watch-id destination-url', title: row.url }, row.url),
    status === null ? h('p', { class: 'muted small' }, row.problem ?? 'Reading…') : h('dl', { class: 'destination-figures' },
      ...destinationFigures(status).map((figure) => h('div', { class: 'destination-figure', title: figure.hint, 'data-figure': figure.key },
        h('dt', {}, figure.label), h('dd', {}, figure.value)))),
    status?.lastError
      ? h('p', { class: 'destination-error', 'data-testid': 'destination-error', title: formatDateTime(status.lastError.at) },
        `Last error ${formatTime(status.lastError.at)}: ${status.lastError.error}`)
      : null,
    status !== null && row.problem !== null ? h('p', { class: 'notice notice--error' }, `Not read again: ${row.problem}`) : null);
  item.dataset.signature = JSON.stringify(row);
  item.dataset.destination = row.name;
}
