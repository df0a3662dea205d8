import type { ProfileView } from '../api/types';

/** The identity traits whose values are identifiers, and their type (the gateway's `Identifier.Traits`). */
const IDENTIFIER_TRAITS: Readonly<Record<string, string>> = { email: 'email', phone: 'phone' };

/** How many merges the card lists; older ones are only counted. */
export const SHOWN_MERGES = 5;

/** Where an identifier comes from: an identity trait, or the identify that merged a profile in and linked it. */
export type IdentifierOrigin = { trait: string } | { merge: string; at: string; by: string };

export interface IdentifierEntry {
  /** `type:value` as the gateway writes it: `anon:7f3c`, `device:ab12`, `email:a•••@•••` when masked. */
  key: string;
  origin: IdentifierOrigin;
}

export interface MergeEntry {
  from: string;
  at: string;
  by: string;
}

export interface CustomerIdentifiers {
  /** The identifier traits first, then every identifier the merges linked, oldest first; each once. */
  identifiers: IdentifierEntry[];
  /** The latest merges, newest first. */
  merges: MergeEntry[];
  /** How many older merges `merges` leaves out. */
  earlier: number;
}

/** What the card's "Identifiers" part shows of a profile (as the gateway sent it: masked without the `pii` scope). */
export function customerIdentifiers(view: ProfileView | null, shown = SHOWN_MERGES): CustomerIdentifiers {
  const identifiers: IdentifierEntry[] = [];
  const seen = new Set<string>();
  const add = (key: string, origin: IdentifierOrigin): void => {
    if (seen.has(key)) return;
    seen.add(key);
    identifiers.push({ key, origin });
  };

  const identity = view?.traits?.identity ?? {};
  for (const [trait, type] of Object.entries(IDENTIFIER_TRAITS)) {
    const value = identity[trait];
    if (typeof value === 'string' && value !== '') add(`${type}:${value}`, { trait });
  }
  const merges = view?.merges ?? [];
  for (const merge of merges) {
    for (const key of [merge.from, ...merge.identifiers]) add(key, { merge: merge.from, at: merge.at, by: merge.by });
  }

  return {
    identifiers,
    merges: merges.slice(-shown).reverse().map(({ from, at, by }) => ({ from, at, by })),
    earlier: Math.max(0, merges.length - shown),
  };
}
