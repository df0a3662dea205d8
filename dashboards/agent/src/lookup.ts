/**
 * How an agent finds a customer: by id, or by an identifier its traits hold (an email address, an international
 * phone number), which the gateway resolves to the customer's id (`GET /v1/customers?email=…`).
 */
export type Resolved = { id: string } | { problem: string };

/** Asks the gateway for the customer an identifier belongs to; null when none does. */
export type IdentifierResolver = (type: 'email' | 'phone', value: string) => Promise<string | null>;

// The gateway's rule for customer ids: 1–128 printable ASCII characters without spaces or / \ # ? % :
const CUSTOMER_ID = /^[\x21-\x7e]{1,128}$/;
const FORBIDDEN = /[/\\#?%:]/;
const PHONE = /^\+[\d\s().-]{7,24}$/;

export const LOOKUP = { label: 'Customer', placeholder: 'id, email or +phone, e.g. cust-0001' } as const;

/** What the agent typed, as the id of the customer to watch. */
export async function resolveCustomer(value: string, resolve: IdentifierResolver | null): Promise<Resolved> {
  if (value === '') return { problem: 'Type a customer id, an email address or a phone number.' };
  const type = value.includes('@') ? 'email' : PHONE.test(value) ? 'phone' : null;
  if (type !== null) {
    if (resolve === null) return { problem: 'Looking customers up by email or phone needs the gateway.' };
    try {
      const id = await resolve(type, value);
      return id === null ? { problem: `No customer has the ${type} ${value}.` } : { id };
    } catch (error) {
      return { problem: error instanceof Error ? error.message : `Could not look up the ${type}.` };
    }
  }
  if (!CUSTOMER_ID.test(value) || FORBIDDEN.test(value)) {
    return { problem: 'A customer id is up to 128 printable characters, without spaces or / \\ # ? % :' };
  }
  return { id: value };
}

/** The resolver that asks the gateway, with the agent's hub token as a Bearer credential. */
export function gatewayResolver(token: () => Promise<string>, fetchImpl: typeof fetch = fetch): IdentifierResolver {
  return async (type, value) => {
    const response = await fetchImpl(`/v1/customers?${type}=${encodeURIComponent(value)}`, {
      headers: { Authorization: `Bearer ${await token()}` },
    });
    if (response.status === 404) return null;
    if (!response.ok) {
      const problem = (await response.json().catch(() => null)) as { detail?: string } | null;
      throw new Error(problem?.detail ?? `The gateway answered ${response.status}.`);
    }
    return ((await response.json()) as { customerId: string }).customerId;
  };
}
