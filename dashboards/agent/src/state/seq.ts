/**
 * How a pushed sequence number relates to the last one seen for that customer:
 * `stale` (already seen, ignore), `next` (exactly one more), or `gap` (changes were missed: re-fetch the snapshot).
 * Without a last sequence number nothing can be missed yet, so any push is `next`.
 */
export type SeqVerdict = 'stale' | 'next' | 'gap';

export function judgeSeq(last: number | undefined, pushed: number): SeqVerdict {
  if (last === undefined) return 'next';
  if (pushed <= last) return 'stale';
  return pushed === last + 1 ? 'next' : 'gap';
}
