import type { IssuedToken } from './auth';

/** A token is renewed this long before it expires, so a (re)connect never presents one that lapses on the way. */
export const REFRESH_BEFORE_EXPIRY_MS = 60_000;

/**
 * The hub's token, for SignalR's `accessTokenFactory` (called on every connect, reconnect and long poll): the
 * current one while it has more than a minute left, else a fresh one from `exchange`. Callers at the same moment
 * share one exchange.
 */
export class TokenSource {
  private current: { token: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly exchange: () => Promise<IssuedToken>,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<string> {
    if (this.current !== null && this.current.expiresAt - this.now() > REFRESH_BEFORE_EXPIRY_MS) return Promise.resolve(this.current.token);
    this.pending ??= this.renew().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async renew(): Promise<string> {
    const issued = await this.exchange();
    this.current = { token: issued.token, expiresAt: Date.parse(issued.expiresAt) };
    return issued.token;
  }
}
