const KEY_ITEM = 'profilegrid.agentKey';
export const MIN_KEY_LENGTH = 16;

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_ITEM);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(KEY_ITEM, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY_ITEM);
}

export type KeyCheck = { ok: true } | { ok: false; message: string };

/**
 * Asks the gateway whether the key may read profiles: a probe for a customer that never exists
 * answers 404 to an agent key, 401 to an unknown key and 403 to a key of another role.
 */
export async function checkAgentKey(key: string, fetchImpl: typeof fetch = fetch): Promise<KeyCheck> {
  if (key.length < MIN_KEY_LENGTH) return { ok: false, message: `An API key has at least ${MIN_KEY_LENGTH} characters.` };
  let status: number;
  try {
    const response = await fetchImpl('/v1/customers/__probe__', { headers: { 'X-Api-Key': key }, cache: 'no-store' });
    status = response.status;
  } catch {
    return { ok: false, message: 'The gateway cannot be reached. Check your network and try again.' };
  }
  switch (status) {
    case 404:
    case 200:
      return { ok: true };
    case 401:
      return { ok: false, message: 'This key is unknown to the gateway.' };
    case 403:
      return { ok: false, message: 'This key is not an agent key: it may not read customer profiles.' };
    default:
      return { ok: false, message: `The gateway answered ${status}. Try again in a moment.` };
  }
}
