import { describe, expect, it } from 'vitest';
import { gatewaySegments } from './segments';

describe('the segment routes', () => {
  it('send the hub token, page with after and limit, and read a problem as its detail', async () => {
    const calls: { url: string; auth: string | null }[] = [];
    const answer = (status: number, body: unknown) => async (url: RequestInfo | URL, init?: RequestInit) => {
      calls.push({ url: String(url), auth: new Headers(init?.headers).get('Authorization') });
      return new Response(JSON.stringify(body), { status });
    };
    const list = gatewaySegments(async () => 't0k', answer(200, { segments: [{ name: 'vip', rule: 'clv > 500' }] }) as typeof fetch);
    expect((await list.list()).map((s) => s.name)).toEqual(['vip']);
    const page = gatewaySegments(async () => 't0k', answer(200, { segment: 'vip', members: [], next: null }) as typeof fetch);
    await page.members('vip', null, 100);
    await page.members('vip', 'cust a', 50);
    expect(calls).toEqual([
      { url: '/v1/segments', auth: 'Bearer t0k' },
      { url: '/v1/segments/vip/members?limit=100', auth: 'Bearer t0k' },
      { url: '/v1/segments/vip/members?limit=50&after=cust%20a', auth: 'Bearer t0k' },
    ]);
    await expect(gatewaySegments(async () => 't', answer(404, { detail: "No segment 'x' is defined." }) as typeof fetch).get('x'))
      .rejects.toThrow("No segment 'x' is defined.");
  });
});
