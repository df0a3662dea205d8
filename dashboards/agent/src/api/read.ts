/**
 * A GET of one of the gateway's JSON routes with the agent's hub token as a Bearer credential (never the key): the
 * answer, or an Error that says why not (a problem's detail, as the gateway wrote it).
 */
export function gatewayReader(token: () => Promise<string>, fetchImpl: typeof fetch = fetch): <T>(path: string) => Promise<T> {
  return async <T>(path: string): Promise<T> => {
    let response: Response;
    try {
      response = await fetchImpl(path, { headers: { Authorization: `Bearer ${await token()}` }, cache: 'no-store' });
    } catch {
      throw new Error('The gateway cannot be reached.');
    }
    if (!response.ok) {
      const problem = (await response.json().catch(() => null)) as { detail?: string } | null;
      throw new Error(problem?.detail ?? `The gateway answered ${response.status}.`);
    }
    return (await response.json()) as T;
  };
}
