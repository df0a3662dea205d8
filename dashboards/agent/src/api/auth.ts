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

/** What `POST /v1/auth/token` answers: a token for the hub, good until `expiresAt`. */
export interface IssuedToken {
  token: string;
  expiresAt: string;
}

/** The gateway refused the key itself (401 unknown, 403 not an agent key): signing in again is the only way on. */
export class KeyRefused extends Error {
  constructor(readonly status: 401 | 403) {
    super(status === 401 ? 'This key is unknown to the gateway.' : 'This key is not an agent key: it may not watch customers.');
  }
}

/**
 * Exchanges the agent key (in the `X-Api-Key` header, never in a URL) for a short-lived token that the hub's
 * WebSocket carries instead of the key. Throws {@link KeyRefused} for a key the gateway refuses, and an Error
 * saying what went wrong otherwise.
 */
export async function exchangeKey(key: string, fetchImpl: typeof fetch = fetch): Promise<IssuedToken> {
  let response: Response;
  try {
    response = await fetchImpl('/v1/auth/token', { method: 'POST', headers: { 'X-Api-Key': key }, cache: 'no-store' });
  } catch {
    throw new Error('The gateway cannot be reached. Check your network and try again.');
  }
  if (response.status === 401 || response.status === 403) throw new KeyRefused(response.status);
  if (!response.ok) throw new Error(`The gateway answered ${response.status}. Try again in a moment.`);
  return (await response.json()) as IssuedToken;
}

export type KeyCheck = { ok: true } | { ok: false; message: string };

/** Sign-in: the key is good when the gateway exchanges it for a token. */
export async function checkAgentKey(key: string, fetchImpl: typeof fetch = fetch): Promise<KeyCheck> {
  if (key.length < MIN_KEY_LENGTH) return { ok: false, message: `An API key has at least ${MIN_KEY_LENGTH} characters.` };
  try {
    await exchangeKey(key, fetchImpl);
    return { ok: true };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
