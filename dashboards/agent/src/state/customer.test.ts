import { describe, expect, it } from 'vitest';
import type { ActivityEvent, ProfileView } from '../api/types';
import { activityPushed, erased, snapshot, timeline, viewPushed, watching } from './customer';
import { judgeSeq } from './seq';
import { activityEvent, profileView } from '../testing/views';

const event = (id: string, minute: number): ActivityEvent => activityEvent({ id, type: 'page_view', timestamp: `2026-11-23T10:${String(minute).padStart(2, '0')}:00Z` });
const view = (seq: number, ...recentActivity: ActivityEvent[]): ProfileView => profileView({ customerId: 'ann', seq, asOf: '2026-11-23T10:30:00Z', recentActivity });

describe('judgeSeq', () => {
  it('accepts exactly one more, ignores what was seen and reports a gap', () => {
    expect(judgeSeq(3, 4)).toBe('next');
    expect(judgeSeq(3, 3)).toBe('stale');
    expect(judgeSeq(3, 2)).toBe('stale');
    expect(judgeSeq(3, 6)).toBe('gap');
    expect(judgeSeq(undefined, 9)).toBe('next');
  });
});

describe('a watched customer', () => {
  const live = snapshot(watching('ann'), view(3, event('e3', 3)));

  it('shows nothing once erased, and later pushes of older changes do not bring it back', () => {
    const gone = erased(activityPushed(live, { customerId: 'ann', seq: 4, event: event('e4', 4) }).state, 5);
    expect(gone.status).toBe('erased');
    expect(gone.view).toBeNull();
    expect(timeline(gone)).toEqual([]);
    expect(activityPushed(gone, { customerId: 'ann', seq: 4, event: event('e4', 4) }).state).toBe(gone);
  });

  it('adds the next activity to the timeline, newest first', () => {
    const { state, newEvents, refetch } = activityPushed(live, { customerId: 'ann', seq: 4, event: event('e4', 4) });
    expect(refetch).toBe(false);
    expect(newEvents.map((e) => e.id)).toEqual(['e4']);
    expect(timeline(state).map((e) => e.id)).toEqual(['e4', 'e3']);
  });

  it('asks for a fresh snapshot after a gap and ignores repeated pushes', () => {
    expect(activityPushed(live, { customerId: 'ann', seq: 6, event: event('e6', 6) }).refetch).toBe(true);
    const repeated = activityPushed(live, { customerId: 'ann', seq: 3, event: event('e3', 3) });
    expect(repeated.state).toBe(live);
    expect(repeated.newEvents).toEqual([]);
  });

  it('reports events first seen in a pushed view as new, once', () => {
    const { state, newEvents } = viewPushed(live, view(4, event('e4', 4), event('e3', 3)));
    expect(newEvents.map((e) => e.id)).toEqual(['e4']);
    expect(activityPushed(state, { customerId: 'ann', seq: 4, event: event('e4', 4) }).newEvents).toEqual([]);
  });
});

describe('a snapshot after a reconnect', () => {
  it('replaces everything, even when the server went back to a lower seq', () => {
    const before = activityPushed(snapshot(watching('ann'), view(30, event('e30', 30))), { customerId: 'ann', seq: 31, event: event('e31', 31) }).state;
    const after = snapshot(before, view(2, event('n2', 2)), true);
    expect(timeline(after).map((e) => e.id)).toEqual(['n2']);
    expect(after.lastSeq).toBe(2);
  });
});
