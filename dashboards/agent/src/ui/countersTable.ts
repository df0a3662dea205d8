import { WINDOWS, type CounterWindow, type CounterWindows } from '../api/types';
import { h, svg } from './dom';
import { eventLabel, eventTone } from './eventTypes';
import { formatCount, formatSum } from './format';
import { sparklinePaths } from './sparkline';

const WINDOW_LABEL: Record<CounterWindow, string> = { '1h': '1 h', '24h': '24 h', '7d': '7 d', '30d': '30 d', total: 'Total' };
const SPARK_WIDTH = 132;
const SPARK_HEIGHT = 28;

/** Event type × window, count with the value sum beneath when there is one, and the last hour minute by minute. */
export function countersTable(counters: Record<string, CounterWindows>): HTMLElement {
  const types = Object.keys(counters).sort((a, b) => total(counters[b]) - total(counters[a]) || a.localeCompare(b));
  const table = h('table', { class: 'counters', 'data-testid': 'counters-table' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', class: 'col-type' }, 'Event'),
      h('th', { scope: 'col', class: 'col-spark' }, 'Last hour'),
      ...WINDOWS.map((w) => h('th', { scope: 'col', class: 'num' }, WINDOW_LABEL[w])))),
    h('tbody', {}, ...types.flatMap((type) => { const windows = counters[type]; return windows ? [row(type, windows)] : []; })));
  return types.length === 0 ? h('div', {}, table, h('p', { class: 'empty-note' }, 'No events counted yet.')) : table;
}

function row(type: string, windows: CounterWindows): HTMLElement {
  return h('tr', { 'data-testid': `counter-row-${type}` },
    h('th', { scope: 'row', class: 'col-type' }, h('span', { class: `type-dot tone-${eventTone(type)}`, 'aria-hidden': 'true' }), eventLabel(type)),
    h('td', { class: 'col-spark' }, sparkline(windows.lastHourByMinute ?? null, eventTone(type))),
    ...WINDOWS.map((w) => cell(type, w, windows[w]?.count ?? 0, windows[w]?.sum ?? 0)));
}

function cell(type: string, window: CounterWindow, count: number, sum: number): HTMLElement {
  return h('td', { class: `num${count === 0 ? ' is-zero' : ''}`, 'data-testid': `counter-${type}-${window}` },
    h('span', { class: 'count' }, formatCount(count)),
    sum !== 0 ? h('span', { class: 'sum', title: 'Sum of values' }, formatSum(sum)) : null);
}

function sparkline(perMinute: readonly number[] | null, tone: string): Element {
  if (perMinute === null || perMinute.length === 0) return h('span', { class: 'muted' }, '—');
  const { line, area, max } = sparklinePaths(perMinute, SPARK_WIDTH, SPARK_HEIGHT, 2);
  const events = perMinute.reduce((a, b) => a + b, 0);
  const label = `${formatCount(events)} in the last hour, at most ${formatCount(max)} a minute`;
  const last = line.split('L').pop()?.replace('M', '').split(',') ?? [];
  return svg('svg', { class: `spark tone-${tone}`, width: SPARK_WIDTH, height: SPARK_HEIGHT, viewBox: `0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}`, role: 'img', 'aria-label': label },
    svg('title', {}, label),
    svg('path', { class: 'spark-area', d: area }),
    svg('path', { class: 'spark-line', d: line }),
    (perMinute[perMinute.length - 1] ?? 0) > 0 ? svg('circle', { class: 'spark-now', cx: last[0] ?? 0, cy: last[1] ?? 0, r: 2.5 }) : null);
}

function total(windows: CounterWindows | undefined): number {
  return windows?.total?.count ?? 0;
}
