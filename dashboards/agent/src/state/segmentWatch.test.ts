import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HubPort } from '../api/hubPort';
import type { SegmentSource } from '../api/segments';
import type { MembersPage, SegmentInfo } from '../api/types';
import { rows, size } from './segment';
import { backfill, notReconciled } from '../testing/views';
import { BACKFILL_POLL_MS, PAGE_SIZE, SegmentWatch } from './segmentWatch';

const info = (name: string, size: number, state: SegmentInfo['backfill']['state'] = 'done'): SegmentInfo => ({
  name, rule: 'purchase.24h >= 1', description: null, definedAt: '2026-11-23T09:00:00Z', definedBy: 'Admin', size, backfill: backfill(state, 7),
  reconcile: notReconciled,
});

/** A hub and a REST source that record the calls and answer when the test says so. */
function gateway(pageFailures = 0) {
  const calls: string[] = [];
  let failures = pageFailures;
  const answers = new Map<string, (value: SegmentInfo) => void>();
  const hub: HubPort = {
    start: () => undefined,
    stop: () => Promise.resolve(),
    watch: () => Promise.resolve(null),
    unwatch: () => Promise.resolve(),
    watchSegment: (name) => {
      calls.push(`watch ${name}`);
      if (name === 'nope') return Promise.reject(new Error("An unexpected error occurred invoking 'WatchSegment' on the server. HubException: No segment 'nope' is defined."));
      return new Promise((resolve) => answers.set(name, resolve));
    },
    unwatchSegment: (name) => {
      calls.push(`unwatch ${name}`);
      return Promise.resolve();
    },
  };
  const source: SegmentSource = {
    list: () => Promise.resolve([]),
    get: (name) => {
      calls.push(`get ${name}`);
      return Promise.resolve(info(name, 9, 'done'));
    },
    members: (name, after, limit): Promise<MembersPage> => {
      calls.push(`members ${name} after ${after} limit ${limit}`);
      if (failures-- > 0) return Promise.reject(new Error('The gateway answered 503.'));
      return Promise.resolve(after === null
        ? { segment: name, members: [{ customerId: 'ann', since: '2026-11-23T09:30:00Z' }], next: 'ann' }
        : { segment: name, members: [{ customerId: 'bob', since: '2026-11-23T09:31:00Z' }], next: null });
    },
  };
  const watch = new SegmentWatch();
  watch.attach(hub, source);
  const answer = async (name: string, value: SegmentInfo): Promise<void> => {
    answers.get(name)?.(value);
    await settle();
  };
  return { calls, watch, answer };
}

/** Lets the promise chains under way run to their end (no timers involved). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the open segment', () => {
  it('is watched on the hub, then its first page is read', async () => {
    const { calls, watch, answer } = gateway();
    watch.resync();
    watch.open('buyers');
    expect(watch.state?.status).toBe('loading');
    await answer('buyers', info('buyers', 2));
    expect(calls).toEqual(['watch buyers', `members buyers after null limit ${PAGE_SIZE}`]);
    expect(rows(watch.state!).map((m) => m.customerId)).toEqual(['ann']);
    expect(size(watch.state!)).toBe(2);

    watch.more();
    await settle();
    expect(calls.at(-1)).toBe(`members buyers after ann limit ${PAGE_SIZE}`);
    expect(rows(watch.state!).map((m) => m.customerId)).toEqual(['ann', 'bob']);
    expect(size(watch.state!)).toBe(2);
  });

  it('is unwatched when the agent switches to another segment or closes it, and a late answer for the old one is dropped', async () => {
    const { calls, watch, answer } = gateway();
    watch.resync();
    watch.open('buyers');
    watch.open('churners');
    await answer('buyers', info('buyers', 2));
    expect(watch.state?.name).toBe('churners');
    expect(watch.state?.status).toBe('loading');
    await answer('churners', info('churners', 4));
    watch.close();
    expect(watch.state).toBeNull();
    expect(calls).toEqual(['watch buyers', 'unwatch buyers', 'watch churners', `members churners after null limit ${PAGE_SIZE}`, 'unwatch churners']);
  });

  it('waits for the connection, and starts over after a reconnect', async () => {
    const { calls, watch, answer } = gateway();
    watch.open('buyers');
    expect(calls).toEqual([]);
    watch.resync();
    await answer('buyers', info('buyers', 2));
    watch.changed({ customerId: 'cy', segment: 'buyers', entered: true, reasons: ['purchase.24h = 1'], at: '2026-11-23T10:00:00Z' });
    expect(rows(watch.state!).map((m) => m.customerId)).toEqual(['cy', 'ann']);

    watch.connection('reconnecting');
    watch.resync();
    expect(watch.state?.status).toBe('loading');
    expect(rows(watch.state!)).toEqual([]);
    expect(calls.filter((c) => c === 'watch buyers')).toHaveLength(2);
  });

  it('says why it could not be opened, and is not unwatched then', async () => {
    const { calls, watch } = gateway();
    watch.resync();
    watch.open('nope');
    await settle();
    expect(watch.state?.status).toBe('failed');
    expect(watch.state?.problem).toBe("No segment 'nope' is defined.");
    watch.close();
    expect(calls).toEqual(['watch nope']);
  });

  it('offers to read the first page again when it failed', async () => {
    const { calls, watch, answer } = gateway(1);
    watch.resync();
    watch.open('buyers');
    await answer('buyers', info('buyers', 2));
    expect(watch.state?.pageProblem).toBe('The gateway answered 503.');
    watch.more();
    await settle();
    expect(calls.filter((c) => c.startsWith('members buyers after null'))).toHaveLength(2);
    expect(watch.state?.pageProblem).toBeNull();
    expect(rows(watch.state!).map((m) => m.customerId)).toEqual(['ann']);
  });

  it('reads the size again while a back-fill runs', async () => {
    vi.useFakeTimers();
    const { calls, watch, answer } = gateway();
    watch.resync();
    watch.open('buyers');
    await answer('buyers', info('buyers', 2, 'running'));
    await vi.advanceTimersByTimeAsync(BACKFILL_POLL_MS);
    expect(calls).toContain('get buyers');
    expect(watch.state?.info?.backfill.state).toBe('done');
    // The page was not the last: the size is the one read, not the list's length.
    expect(size(watch.state!)).toBe(9);
  });
});
