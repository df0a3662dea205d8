import { describe, expect, it } from 'vitest';
import { gatewayDestinations } from './destinations';

describe('the destination routes', () => {
  it('send the hub token, escape names and ids, and read a problem as its detail', async () => {
    const calls: { url: string; auth: string | null }[] = [];
    const answer = (status: number, body: unknown) => async (url: RequestInfo | URL, init?: RequestInit) => {
      calls.push({ url: String(url), auth: new Headers(init?.headers).get('Authorization') });
      return new Response(JSON.stringify(body), { status });
    };
    const told = gatewayDestinations(async () => 't0k', answer(200, { customerId: 'c 1', deliveries: [{ id: 'msg_1' }] }) as typeof fetch);
    expect((await told.told('c 1', 20)).map((d) => d.id)).toEqual(['msg_1']);
    const list = gatewayDestinations(async () => 't0k', answer(200, { destinations: [{ name: 'crm' }] }) as typeof fetch);
    expect((await list.list()).map((d) => d.name)).toEqual(['crm']);
    await list.status('crm');
    expect(calls).toEqual([
      { url: '/v1/customers/c%201/deliveries?limit=20', auth: 'Bearer t0k' },
      { url: '/v1/destinations', auth: 'Bearer t0k' },
      { url: '/v1/destinations/crm/status', auth: 'Bearer t0k' },
    ]);
    await expect(gatewayDestinations(async () => 't', answer(403, { detail: 'This key may not use this route.' }) as typeof fetch).status('x'))
      .rejects.toThrow('This key may not use this route.');
  });
});
