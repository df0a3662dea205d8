import { describe, expect, it } from 'vitest';
import type { MembersPage, SegmentChangedMessage, SegmentInfo } from '../api/types';
import { backfill, notReconciled } from '../testing/views';
import { MAX_CHANGES, described, opening, pageArrived, pushed, rows, size, type SegmentState } from './segment';

const NAME = 'cart_abandoners';
const info = (size: number): SegmentInfo => ({
  name: NAME, rule: 'cart_abandoned.1h >= 1 and purchase.1h == 0', definedAt: '2026-11-23T09:00:00Z', definedBy: 'Admin',
  description: null, size, backfill: backfill('done', 40), reconcile: notReconciled,
});
const page = (ids: string[], next: string | null = null): MembersPage => ({
  segment: NAME, members: ids.map((customerId) => ({ customerId, since: '2026-11-23T09:30:00Z' })), next,
});
const enter = (customerId: string, minute = 1, reasons = ['cart_abandoned.1h = 1']): SegmentChangedMessage =>
  ({ customerId, segment: NAME, entered: true, reasons, at: at(minute) });
const leave = (customerId: string, minute = 2): SegmentChangedMessage => ({ customerId, segment: NAME, entered: false, reasons: [], at: at(minute) });
const at = (minute: number): string => `2026-11-23T10:${String(minute).padStart(2, '0')}:00Z`;

/** Watched (size as the hub said) with its first page here: `next` null when that page was the last. */
const open = (sizeNow: number, ids: string[], next: string | null = null): SegmentState =>
  pageArrived(described(opening(NAME), info(sizeNow)), page(ids, next));
const shown = (state: SegmentState): string[] => rows(state).map((m) => `${m.customerId}:${m.status}`);
const apply = (state: SegmentState, ...messages: SegmentChangedMessage[]): SegmentState => messages.reduce(pushed, state);

describe('the segment view', () => {
  it('puts a customer that enters on top, with its reasons and time, and counts it', () => {
    const state = pushed(open(2, ['ann', 'bob']), enter('cy', 5));
    expect(shown(state)).toEqual(['cy:in', 'ann:in', 'bob:in']);
    expect(state.members.get('cy')).toEqual({ customerId: 'cy', status: 'in', since: at(5), leftAt: null, reasons: ['cart_abandoned.1h = 1'] });
    expect(size(state)).toBe(3);
  });

  it('marks a customer that leaves as left, on top, and counts it out', () => {
    const state = pushed(open(2, ['ann', 'bob']), leave('bob', 7));
    expect(shown(state)).toEqual(['bob:left', 'ann:in']);
    expect(state.members.get('bob')).toMatchObject({ status: 'left', since: '2026-11-23T09:30:00Z', leftAt: at(7) });
    expect(size(state)).toBe(1);
  });

  it('lets a customer that left enter again, back on top', () => {
    const state = apply(open(1, ['ann']), enter('cy', 1), leave('cy', 2), enter('cy', 3, ['cart_abandoned.1h = 2']));
    expect(shown(state)).toEqual(['cy:in', 'ann:in']);
    expect(state.members.get('cy')).toMatchObject({ since: at(3), reasons: ['cart_abandoned.1h = 2'] });
    expect(size(state)).toBe(2);
  });

  it('counts a duplicate enter once, keeping the place and taking the newer reasons', () => {
    const state = apply(open(1, ['ann']), enter('cy', 1), enter('ann', 2, ['cart_abandoned.1h = 3']), enter('cy', 3, ['cart_abandoned.1h = 2']));
    expect(shown(state)).toEqual(['cy:in', 'ann:in']);
    expect(state.members.get('cy')).toMatchObject({ since: at(1), reasons: ['cart_abandoned.1h = 2'] });
    expect(state.members.get('ann')?.reasons).toEqual(['cart_abandoned.1h = 3']);
    expect(size(state)).toBe(2);
  });

  it('ignores a second leave', () => {
    const once = pushed(open(2, ['ann', 'bob']), leave('bob', 2));
    expect(pushed(once, leave('bob', 3))).toBe(once);
    expect(size(once)).toBe(1);
  });

  it('ignores a leave of a customer no page listed once every page is here: it was not a member', () => {
    const state = open(2, ['ann', 'bob']);
    expect(pushed(state, leave('zed'))).toBe(state);
    expect(size(state)).toBe(2);
  });

  it('shows and counts a leave of a customer beyond the pages read so far', () => {
    const state = pushed(open(250, ['ann', 'bob'], 'bob'), leave('zed', 4));
    expect(shown(state)).toEqual(['zed:left', 'ann:in', 'bob:in']);
    expect(state.members.get('zed')).toMatchObject({ since: null, leftAt: at(4) });
    expect(size(state)).toBe(249);
  });

  it('merges the first page under pushes that arrived before it: the push keeps its word, nothing is counted twice', () => {
    // WatchSegment answered (size 3, which counts ann and bob's entering), then two pushes, then the page.
    let state = described(opening(NAME), info(3));
    state = apply(state, enter('cy', 1), leave('bob', 2));
    expect(size(state)).toBe(3);
    state = pageArrived(state, page(['ann', 'bob', 'dan']));
    expect(shown(state)).toEqual(['bob:left', 'cy:in', 'ann:in', 'dan:in']);
    expect(state.members.get('bob')).toMatchObject({ since: null, leftAt: at(2) });
    expect(size(state)).toBe(3);
  });

  it('takes pushes that arrive before WatchSegment answers as counted in its size', () => {
    let state = apply(opening(NAME), enter('cy', 1));
    expect(size(state)).toBeNull();
    state = described(state, info(5));
    expect(size(state)).toBe(5);
    state = pageArrived(state, page(['ann', 'cy'], 'cy'));
    expect(shown(state)).toEqual(['cy:in', 'ann:in']);
    expect(size(state)).toBe(5);
    expect(size(pushed(state, leave('cy')))).toBe(4);
  });

  it('reads the size again from a later GET, counting only pushes after it', () => {
    const state = described(apply(open(300, ['ann'], 'ann'), enter('cy')), info(310));
    expect(size(state)).toBe(310);
    expect(size(pushed(state, enter('dan')))).toBe(311);
  });

  it('ignores pushes for another segment', () => {
    const state = open(1, ['ann']);
    expect(pushed(state, { ...enter('cy'), segment: 'other' })).toBe(state);
  });

  it('forgets the oldest changes beyond the limit and then counts from the size, not the list', () => {
    let state = open(0, []);
    for (let i = 0; i <= MAX_CHANGES; i++) state = pushed(state, enter(`c${i}`));
    expect(rows(state)).toHaveLength(MAX_CHANGES);
    expect(state.members.has('c0')).toBe(false);
    expect(size(state)).toBe(MAX_CHANGES + 1);
    expect(size(pushed(state, leave('c0')))).toBe(MAX_CHANGES);
  });
});
