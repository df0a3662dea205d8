import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DestinationSource } from '../api/destinations';
import type { CustomerDelivery } from '../api/types';
import { TOLD_LIMIT, TOLD_POLL_MS, TOLD_SETTLE_MS, ToldWatch } from './toldWatch';

const delivery = (id: string, status = 'delivered'): CustomerDelivery => ({
  id, destination: 'crm', type: 'com.profilegrid.event', status, queuedAt: '2026-12-07T10:00:00Z', finishedAt: '2026-12-07T10:00:01Z', attempts: 1,
});

/** A source whose answers the test gives, in the order asked. */
function source() {
  const asked: string[] = [];
  const pending: ((deliveries: CustomerDelivery[]) => void)[] = [];
  const failures: ((error: Error) => void)[] = [];
  const told: DestinationSource['told'] = (customerId, limit) => {
    asked.push(`${customerId} ${limit}`);
    return new Promise((resolve, reject) => {
      pending.push(resolve);
      failures.push(reject);
    });
  };
  return {
    asked, source: { list: () => Promise.resolve([]), status: () => Promise.reject(new Error('unused')), told } satisfies DestinationSource,
    answer: async (index: number, deliveries: CustomerDelivery[]) => { pending[index]!(deliveries); await vi.advanceTimersByTimeAsync(0); },
    fail: async (index: number, message: string) => { failures[index]!(new Error(message)); await vi.advanceTimersByTimeAsync(0); },
  };
}

describe('what the selected customer\'s destinations were told', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('is read when the customer is selected, after each change (at once and once settled) and every few seconds', async () => {
    const gateway = source();
    const watch = new ToldWatch(gateway.source);
    watch.follow('ann', 3);
    expect(watch.state).toEqual({ customerId: 'ann', deliveries: null, problem: null });
    await gateway.answer(0, [delivery('msg_1')]);
    expect(watch.state?.deliveries?.map((d) => d.id)).toEqual(['msg_1']);

    watch.follow('ann', 3);
    expect(gateway.asked).toEqual([`ann ${TOLD_LIMIT}`]);
    watch.follow('ann', 4);
    expect(gateway.asked).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(TOLD_SETTLE_MS);
    expect(gateway.asked).toHaveLength(3);
    // The earlier read answers after the later one was asked: it is dropped.
    await gateway.answer(1, [delivery('msg_old')]);
    await gateway.answer(2, [delivery('msg_2'), delivery('msg_1')]);
    expect(watch.state?.deliveries?.map((d) => d.id)).toEqual(['msg_2', 'msg_1']);

    await vi.advanceTimersByTimeAsync(TOLD_POLL_MS);
    expect(gateway.asked).toHaveLength(4);
  });

  it('drops answers about a customer no longer shown, and keeps what it had when a read fails', async () => {
    const gateway = source();
    const watch = new ToldWatch(gateway.source);
    watch.follow('ann', 1);
    watch.follow('bob', 7);
    await gateway.answer(0, [delivery('msg_ann')]);
    expect(watch.state).toEqual({ customerId: 'bob', deliveries: null, problem: null });
    await gateway.answer(1, [delivery('msg_bob')]);
    await vi.advanceTimersByTimeAsync(TOLD_POLL_MS);
    await gateway.fail(2, 'The gateway cannot be reached.');
    expect(watch.state).toEqual({ customerId: 'bob', deliveries: [delivery('msg_bob')], problem: 'The gateway cannot be reached.' });

    watch.follow(null, null);
    expect(watch.state).toBeNull();
    await vi.advanceTimersByTimeAsync(TOLD_POLL_MS * 3);
    expect(gateway.asked).toEqual([`ann ${TOLD_LIMIT}`, `bob ${TOLD_LIMIT}`, `bob ${TOLD_LIMIT}`]);
  });
});
