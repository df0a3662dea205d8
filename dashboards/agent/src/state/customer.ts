import type { ActivityEvent, ActivityMessage, ProfileView } from '../api/types';
import { judgeSeq } from './seq';

const MAX_LIVE_EVENTS = 200;

/** What the dashboard knows about one watched customer. Replaced, never mutated, so renders can compare. */
export interface CustomerState {
  readonly id: string;
  /**
   * `loading` until the first Watch answers; `unknown` while the gateway knows nothing about the customer; `erased`
   * once an administrator erased it while it was watched.
   */
  readonly status: 'loading' | 'unknown' | 'live' | 'failed' | 'erased';
  readonly problem: string | null;
  readonly view: ProfileView | null;
  /** The highest seq seen, from a view or an activity push. */
  readonly lastSeq: number | undefined;
  /** Events pushed after the current view was taken, newest first. */
  readonly liveEvents: readonly LiveEvent[];
  readonly viewers: readonly string[];
}

export interface LiveEvent {
  readonly seq: number;
  readonly event: ActivityEvent;
}

export type Outcome = { state: CustomerState; newEvents: ActivityEvent[]; refetch: boolean };

export function watching(id: string): CustomerState {
  return { id, status: 'loading', problem: null, view: null, lastSeq: undefined, liveEvents: [], viewers: [] };
}

/**
 * The snapshot a Watch call answered. Pushes newer than it are kept, unless `replace` (after a reconnect the server
 * may have moved on or even back, e.g. a restarted in-memory cluster, so nothing from before counts).
 */
export function snapshot(state: CustomerState, view: ProfileView | null, replace = false): CustomerState {
  if (view === null) return { ...state, status: 'unknown', problem: null, view: null, lastSeq: 0, liveEvents: [] };
  const liveEvents = replace ? [] : liveAfter(state.liveEvents, view);
  const lastSeq = Math.max(view.seq, ...liveEvents.map((live) => live.seq));
  return { ...state, status: 'live', problem: null, view, lastSeq, liveEvents };
}

/** The customer was erased: everything shown of it goes at once. */
export function erased(state: CustomerState, seq: number): CustomerState {
  return { ...state, status: 'erased', problem: null, view: null, lastSeq: Math.max(state.lastSeq ?? 0, seq), liveEvents: [] };
}

export function failed(state: CustomerState, problem: string): CustomerState {
  return state.view === null ? { ...state, status: 'failed', problem } : { ...state, problem };
}

/** A pushed full view: newer than the current one is applied even across a gap, since it is itself a snapshot. */
export function viewPushed(state: CustomerState, view: ProfileView): Outcome {
  if (state.view !== null && view.seq <= state.view.seq) return { state, newEvents: [], refetch: false };
  const known = knownIds(state);
  const newEvents = state.status === 'loading' ? [] : (view.recentActivity ?? []).filter((e) => !known.has(e.id));
  const lastSeq = Math.max(state.lastSeq ?? 0, view.seq);
  return { state: { ...state, status: 'live', view, lastSeq, liveEvents: liveAfter(state.liveEvents, view) }, newEvents, refetch: false };
}

/** A pushed activity: stale ones are dropped; one after a gap is kept and asks for a fresh snapshot. */
export function activityPushed(state: CustomerState, message: ActivityMessage): Outcome {
  const verdict = judgeSeq(state.lastSeq, message.seq);
  if (verdict === 'stale' || knownIds(state).has(message.event.id)) {
    return { state: verdict === 'stale' ? state : { ...state, lastSeq: message.seq }, newEvents: [], refetch: false };
  }
  const liveEvents = [{ seq: message.seq, event: message.event }, ...state.liveEvents].slice(0, MAX_LIVE_EVENTS);
  return { state: { ...state, lastSeq: message.seq, liveEvents }, newEvents: [message.event], refetch: verdict === 'gap' };
}

/** The timeline: the view's recent activity and what was pushed since, newest first, each event once. */
export function timeline(state: CustomerState): ActivityEvent[] {
  const byId = new Map<string, ActivityEvent>();
  for (const live of state.liveEvents) byId.set(live.event.id, live.event);
  for (const event of state.view?.recentActivity ?? []) byId.set(event.id, event);
  return [...byId.values()].sort(newestFirst);
}

export function newestFirst(a: ActivityEvent, b: ActivityEvent): number {
  return Date.parse(b.timestamp) - Date.parse(a.timestamp);
}

function knownIds(state: CustomerState): Set<string> {
  const ids = new Set(state.liveEvents.map((live) => live.event.id));
  for (const event of state.view?.recentActivity ?? []) ids.add(event.id);
  return ids;
}

function liveAfter(events: readonly LiveEvent[], view: ProfileView): LiveEvent[] {
  return events.filter((live) => live.seq > view.seq);
}
