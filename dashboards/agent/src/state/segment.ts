import type { MembersPage, SegmentChangedMessage, SegmentInfo } from '../api/types';

/**
 * At most this many live changes stay listed; older ones are forgotten (a back-fill may push a member a millisecond).
 * A forgotten customer the pages listed stays, as the page's row.
 */
export const MAX_CHANGES = 500;

/** One customer in the segment view: a member, or one that left while the view was open. */
export interface SegmentMember {
  readonly customerId: string;
  readonly status: 'in' | 'left';
  /** Since when it is (or was) a member, as the members page or the entering push says; null if not known. */
  readonly since: string | null;
  /** When it left; null while it is in. */
  readonly leftAt: string | null;
  /** The values that made the rule true when it entered; only pushes carry them. */
  readonly reasons: readonly string[];
}

/** The segment the agent has open. Replaced, never mutated, so renders can compare. */
export interface SegmentState {
  readonly name: string;
  /** `loading` until WatchSegment answers; `failed` when it threw (no such segment, not connected). */
  readonly status: 'loading' | 'live' | 'failed';
  readonly problem: string | null;
  /** The definition, size and back-fill as last read (WatchSegment, then GET while a back-fill runs). */
  readonly info: SegmentInfo | null;
  /** Entering (+1) and leaving (−1) pushed after `info` was read: its size cannot include them. */
  readonly delta: number;
  readonly members: ReadonlyMap<string, SegmentMember>;
  /** Customers that entered or left while the view was open, newest change first. */
  readonly changes: readonly string[];
  /** Customers from the members pages, in their order (customer id). */
  readonly paged: readonly string[];
  /** The next page's `after`: undefined before the first page, null once every page is here. */
  readonly next: string | null | undefined;
  readonly pageProblem: string | null;
  /** Whether a member was forgotten (MAX_CHANGES): the list then no longer holds every member there is. */
  readonly forgot: boolean;
}

export function opening(name: string): SegmentState {
  return {
    name, status: 'loading', problem: null, info: null, delta: 0,
    members: new Map(), changes: [], paged: [], next: undefined, pageProblem: null, forgot: false,
  };
}

/** The segment as WatchSegment (or a later GET) read it: its size counts every change pushed before, none after. */
export function described(state: SegmentState, info: SegmentInfo): SegmentState {
  return { ...state, status: 'live', problem: null, info, delta: 0 };
}

export function failed(state: SegmentState, problem: string): SegmentState {
  return { ...state, status: 'failed', problem };
}

export function pageFailed(state: SegmentState, problem: string): SegmentState {
  return { ...state, pageProblem: problem };
}

/**
 * A page of members, merged under what pushes said: a customer a push named keeps the push's word (the page may have
 * been read before that change, or after it — the push is never older than what the page could miss).
 */
export function pageArrived(state: SegmentState, page: MembersPage): SegmentState {
  if (page.segment !== state.name) return state;
  const members = new Map(state.members);
  const added: string[] = [];
  for (const { customerId, since } of page.members) {
    if (members.has(customerId)) continue;
    members.set(customerId, { customerId, status: 'in', since, leftAt: null, reasons: [] });
    added.push(customerId);
  }
  return { ...state, members, paged: [...state.paged, ...added], next: page.next ?? null, pageProblem: null };
}

/**
 * A customer entered or left. Entering puts it on top with its reasons; leaving keeps it on top, marked as left, so
 * the agent sees who just dropped out. The size moves only when the push changes what is known: entering again
 * while in, or leaving again once left, is no news; nor is leaving for a customer that no page listed once every page
 * is here (it was not a member).
 */
export function pushed(state: SegmentState, message: SegmentChangedMessage): SegmentState {
  if (message.segment !== state.name) return state;
  const known = state.members.get(message.customerId);
  const counts = state.info !== null;
  if (message.entered) {
    if (known?.status === 'in') {
      return message.reasons.length === 0 ? state : withMember(state, { ...known, reasons: [...message.reasons] });
    }
    const member: SegmentMember = { customerId: message.customerId, status: 'in', since: message.at, leftAt: null, reasons: [...message.reasons] };
    return changed(state, member, counts ? 1 : 0);
  }
  if (known?.status === 'left' || (known === undefined && knowsEveryMember(state))) return state;
  const member: SegmentMember = { customerId: message.customerId, status: 'left', since: known?.since ?? null, leftAt: message.at, reasons: known?.reasons ?? [] };
  return changed(state, member, counts ? -1 : 0);
}

/** How many customers are in the segment: counted from the list once every page is here, else the size read plus the pushes since. */
export function size(state: SegmentState): number | null {
  if (state.info === null) return null;
  if (knowsEveryMember(state)) {
    let count = 0;
    for (const member of state.members.values()) if (member.status === 'in') count++;
    return count;
  }
  return Math.max(0, state.info.size + state.delta);
}

/** The list as shown: the changes seen live, newest first, then the paged members no push has named. */
export function rows(state: SegmentState): SegmentMember[] {
  const live = new Set(state.changes);
  const ids = [...state.changes, ...state.paged.filter((id) => !live.has(id))];
  return ids.map((id) => state.members.get(id)).filter((member): member is SegmentMember => member !== undefined);
}

/** Every page is here and nothing was forgotten: whoever the list does not show as in is not a member. */
function knowsEveryMember(state: SegmentState): boolean {
  return state.next === null && !state.forgot;
}

function withMember(state: SegmentState, member: SegmentMember): SegmentState {
  return { ...state, members: new Map(state.members).set(member.customerId, member) };
}

function changed(state: SegmentState, member: SegmentMember, delta: number): SegmentState {
  const members = new Map(state.members).set(member.customerId, member);
  const changes = [member.customerId, ...state.changes.filter((id) => id !== member.customerId)];
  let forgot = state.forgot;
  for (const id of changes.splice(MAX_CHANGES)) {
    if (state.paged.includes(id)) continue;
    forgot ||= members.get(id)?.status === 'in';
    members.delete(id);
  }
  return { ...state, members, changes, delta: state.delta + delta, forgot };
}
