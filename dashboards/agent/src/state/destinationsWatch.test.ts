import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DestinationSource } from '../api/destinations';
import type { DestinationInfo, DestinationStatus } from '../api/types';
import { DESTINATIONS_POLL_MS, DestinationsWatch } from './destinationsWatch';
import { destinationStatus } from '../testing/views';

const defined = (name: string): DestinationInfo => ({
  name, url: `https://hooks.example.com/${name}`, secret: 'whsec_XXXX…', headers: {}, purposes: [], personalData: false,
  filter: { segments: [], events: ['purchase'], traits: false, consent: false, when: null }, definedAt: '2026-12-07T09:00:00Z', definedBy: 'Admin',
});

describe('the destinations view', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('lists every destination with its status while open, read again every few seconds, and nothing once closed', async () => {
    const calls: string[] = [];
    let delivered = 1;
    let failing = false;
    const source: DestinationSource = {
      list: async () => { calls.push('list'); return [defined('zeta'), defined('crm')]; },
      status: async (name): Promise<DestinationStatus> => {
        calls.push(`status ${name}`);
        if (failing && name === 'crm') throw new Error('The gateway answered 503.');
        return destinationStatus(name, { delivered });
      },
      told: () => Promise.resolve([]),
    };
    const watch = new DestinationsWatch(source);
    expect(watch.state).toBeNull();

    watch.open();
    expect(watch.state).toEqual({ rows: null, problem: null, readAt: null });
    await vi.advanceTimersByTimeAsync(0);
    expect(watch.state?.rows?.map((row) => [row.name, row.status?.delivered, row.problem])).toEqual([['crm', 1, null], ['zeta', 1, null]]);

    delivered = 5;
    failing = true;
    await vi.advanceTimersByTimeAsync(DESTINATIONS_POLL_MS);
    // A status that cannot be read keeps the last one read, with why.
    expect(watch.state?.rows?.map((row) => [row.name, row.status?.delivered, row.problem])).toEqual([['crm', 1, 'The gateway answered 503.'], ['zeta', 5, null]]);

    watch.close();
    expect(watch.state).toBeNull();
    await vi.advanceTimersByTimeAsync(DESTINATIONS_POLL_MS * 3);
    expect(calls).toEqual(['list', 'status zeta', 'status crm', 'list', 'status zeta', 'status crm']);
  });

  it('says why the list could not be read and tries again', async () => {
    let fail = true;
    const source: DestinationSource = {
      list: async () => { if (fail) throw new Error('This key may not read destinations.'); return []; },
      status: () => Promise.reject(new Error('unused')),
      told: () => Promise.resolve([]),
    };
    const watch = new DestinationsWatch(source);
    watch.toggle();
    await vi.advanceTimersByTimeAsync(0);
    expect(watch.state).toEqual({ rows: null, problem: 'This key may not read destinations.', readAt: null });
    fail = false;
    await vi.advanceTimersByTimeAsync(DESTINATIONS_POLL_MS);
    expect(watch.state?.rows).toEqual([]);
    expect(watch.state?.problem).toBeNull();
    watch.toggle();
    expect(watch.isOpen).toBe(false);
  });
});
