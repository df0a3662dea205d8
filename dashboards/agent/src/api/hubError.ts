/** What went wrong, for the agent: SignalR prefixes a server's HubException with the invocation details; the last sentence is the gateway's. */
export function hubProblem(error: unknown, fallback: string): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^.*HubException:\s*/, '') || fallback;
}
