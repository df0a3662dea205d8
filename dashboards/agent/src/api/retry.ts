/** Reconnect delays: immediately, then 1, 2, 5 seconds, then every 10 seconds for ever. */
export const RETRY_DELAYS_MS = [0, 1000, 2000, 5000, 10000] as const;

export function retryDelay(previousRetryCount: number): number {
  const index = Math.min(Math.max(previousRetryCount, 0), RETRY_DELAYS_MS.length - 1);
  return RETRY_DELAYS_MS[index] ?? 10000;
}
