import { describe, expect, it } from 'vitest';
import type { IssuedToken } from './auth';
import { REFRESH_BEFORE_EXPIRY_MS, TokenSource } from './tokens';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const FIVE_MINUTES = 5 * 60_000;

function source(): { tokens: TokenSource; exchanges: () => number; setNow: (ms: number) => void } {
  let now = T0;
  let count = 0;
  const exchange = (): Promise<IssuedToken> => {
    count++;
    return Promise.resolve({ token: `token-${count}`, expiresAt: new Date(now + FIVE_MINUTES).toISOString() });
  };
  return { tokens: new TokenSource(exchange, () => now), exchanges: () => count, setNow: (ms) => { now = ms; } };
}

describe('TokenSource', () => {
  it('exchanges the key once and reuses the token while it has more than a minute left', async () => {
    const { tokens, exchanges, setNow } = source();
    expect(await tokens.get()).toBe('token-1');
    setNow(T0 + FIVE_MINUTES - REFRESH_BEFORE_EXPIRY_MS - 1);
    expect(await tokens.get()).toBe('token-1');
    expect(exchanges()).toBe(1);
  });

  it('renews the token a minute before it expires', async () => {
    const { tokens, exchanges, setNow } = source();
    await tokens.get();
    setNow(T0 + FIVE_MINUTES - REFRESH_BEFORE_EXPIRY_MS);
    expect(await tokens.get()).toBe('token-2');
    expect(exchanges()).toBe(2);
  });

  it('shares one exchange between callers at the same moment', async () => {
    const { tokens, exchanges } = source();
    expect(await Promise.all([tokens.get(), tokens.get(), tokens.get()])).toEqual(['token-1', 'token-1', 'token-1']);
    expect(exchanges()).toBe(1);
  });

  it('tries again after an exchange that failed', async () => {
    let fail = true;
    const tokens = new TokenSource(() => (fail ? Promise.reject(new Error('down')) : Promise.resolve({ token: 't', expiresAt: new Date(T0 + FIVE_MINUTES).toISOString() })), () => T0);
    await expect(tokens.get()).rejects.toThrow('down');
    fail = false;
    expect(await tokens.get()).toBe('t');
  });
});
