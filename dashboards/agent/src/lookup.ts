/**
 * How an agent finds a customer. Only by id for now; `email` joins when the gateway serves
 * `GET /v1/customers?email=…` (its resolver then asks the gateway for the canonical id).
 */
export type LookupKind = 'id';

export interface Lookup {
  kind: LookupKind;
  label: string;
  placeholder: string;
  /** The canonical customer id for the agent's input, or a problem to show. */
  resolve(value: string): { id: string } | { problem: string };
}

// The gateway's rule for customer ids: 1–128 printable ASCII characters without spaces or / \ # ? % :
const CUSTOMER_ID = /^[\x21-\x7e]{1,128}$/;
const FORBIDDEN = /[/\\#?%:]/;

export const LOOKUPS: readonly [Lookup, ...Lookup[]] = [
  {
    kind: 'id',
    label: 'Customer id',
    placeholder: 'e.g. cust-0001',
    resolve(value) {
      if (value === '') return { problem: 'Type a customer id.' };
      if (!CUSTOMER_ID.test(value) || FORBIDDEN.test(value)) {
        return { problem: 'A customer id is up to 128 printable characters, without spaces or / \\ # ? % :' };
      }
      return { id: value };
    },
  },
];

export function lookupOf(kind: LookupKind): Lookup {
  return LOOKUPS.find((lookup) => lookup.kind === kind) ?? LOOKUPS[0];
}
