/**
 * The hub names every agent watching a customer, this one included, but not which name is this agent's.
 * A list with one name while we watch is ours; so is the only name common to the lists of several customers.
 */
export function learnSelf(known: string | null, lists: readonly (readonly string[])[]): string | null {
  if (known !== null) return known;
  for (const list of lists) {
    const names = new Set(list);
    if (names.size === 1) return [...names][0] ?? null;
  }
  const populated = lists.filter((list) => list.length > 0);
  if (populated.length < 2) return null;
  const common = populated.map((list) => new Set(list)).reduce((a, b) => new Set([...a].filter((name) => b.has(name))));
  return common.size === 1 ? ([...common][0] ?? null) : null;
}

export type Presence = { kind: 'alone' } | { kind: 'others'; names: string[] } | { kind: 'unsure'; names: string[] };

/** Who else watches: the list without one occurrence of our own name (several tabs may share a name). */
export function presence(viewers: readonly string[], self: string | null): Presence {
  if (self === null) return viewers.length <= 1 ? { kind: 'alone' } : { kind: 'unsure', names: [...viewers] };
  const names = [...viewers];
  const index = names.indexOf(self);
  if (index >= 0) names.splice(index, 1);
  return names.length === 0 ? { kind: 'alone' } : { kind: 'others', names };
}
