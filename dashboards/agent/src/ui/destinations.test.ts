import { describe, expect, it } from 'vitest';
import { destinationStatus } from '../testing/views';
import { countingSince, destinationFigures } from './destinationsPanel';
import { formatLatency } from './format';
import { deliveryStatusLabel, deliveryTime, deliveryTypeLabel } from './told';

describe('a destination\'s figures', () => {
  it('name every count, and the latency percentiles as p50 · p95 · p99', () => {
    const status = destinationStatus('crm', {
      depth: 3, delivered: 1200, failedAttempts: 7, retrying: 1, deadLettered: 2,
      latency: { count: 1200, p50Ms: 20, p95Ms: 200, p99Ms: 1800, slowestMs: 1800 },
    });
    expect(destinationFigures(status).map((figure) => [figure.key, figure.value.replace(/\u202f|\u00a0/g, ' ')])).toEqual([
      ['delivered', (1200).toLocaleString()], ['failed', '7'], ['retrying', '1'], ['dead-lettered', '2'], ['waiting', '3'],
      ['latency', `20 ms · 200 ms · ${(1.8).toLocaleString()} s`],
    ]);
    expect(destinationFigures(destinationStatus('crm')).find((figure) => figure.key === 'latency')?.value).toBe('—');
  });

  it('count since their queues started, the earliest and the latest', () => {
    expect(countingSince(destinationStatus('crm'))).toEqual({ earliest: '2026-12-07T09:00:00Z', latest: '2026-12-07T09:30:00Z' });
    expect(countingSince(destinationStatus('crm', { queues: [] }))).toBeNull();
  });

  it('read latencies in ms, s or min', () => {
    expect(formatLatency(null)).toBe('—');
    expect(formatLatency(4.4)).toBe('4 ms');
    expect(formatLatency(999)).toBe('999 ms');
    expect(formatLatency(60_000)).toBe('1 min');
    expect(formatLatency(2_000)).toBe('2 s');
  });
});

describe('a delivery on the card', () => {
  it('says what it was, where it is and how many attempts it took when more than one', () => {
    expect(deliveryTypeLabel('com.profilegrid.segment.entered')).toBe('Entered a segment');
    expect(deliveryTypeLabel('com.example.other')).toBe('com.example.other');
    expect(deliveryStatusLabel({ status: 'delivered', attempts: 1 })).toBe('Delivered');
    expect(deliveryStatusLabel({ status: 'delivered', attempts: 3 })).toBe('Delivered · 3 attempts');
    expect(deliveryStatusLabel({ status: 'retrying', attempts: 1 })).toBe('Retrying · 1 attempt');
    expect(deliveryStatusLabel({ status: 'pending', attempts: 0 })).toBe('Waiting');
    expect(deliveryStatusLabel({ status: 'dead-lettered', attempts: 9 })).toBe('Gave up · 9 attempts');
    expect(deliveryTime({ queuedAt: '2026-12-07T10:00:00Z', finishedAt: null })).toBe('2026-12-07T10:00:00Z');
    expect(deliveryTime({ queuedAt: '2026-12-07T10:00:00Z', finishedAt: '2026-12-07T10:00:02Z' })).toBe('2026-12-07T10:00:02Z');
  });
});
