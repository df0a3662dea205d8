// Our own name is the hub's answer to WhoAmI (the store's `self`); the viewers list names every agent, us included.

export type Presence = { kind: 'alone' } | { kind: 'others'; names: string[] } | { kind: 'unsure'; names: string[] };

/** Who else watches: the list without one occurrence of our own name (several tabs may share a name). */
export function presence(viewers: readonly string[], self: string | null): Presence {
  if (self === null) return viewers.length <= 1 ? { kind: 'alone' } : { kind: 'unsure', names: [...viewers] };
  const names = [...viewers];
  const index = names.indexOf(self);
  if (index >= 0) names.splice(index, 1);
  return names.length === 0 ? { kind: 'alone' } : { kind: 'others', names };
}
