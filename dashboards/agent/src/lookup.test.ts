import { describe, expect, it } from 'vitest';
import { gatewayResolver, resolveCustomer, type IdentifierResolver } from './lookup';

const known: IdentifierResolver = async (type, value) =>
  type === 'email' && value === 'ann@example.com' ? 'cust-ann' : type === 'phone' && value === '+45 1234 5678' ? 'cust-phone' : null;

describe('finding a customer', () => {
  it('takes an id as it is and refuses what is not one', async () => {
    expect(await resolveCustomer('cust-0001', known)).toEqual({ id: 'cust-0001' });
    expect(await resolveCustomer('has space', known)).toHaveProperty('problem');
    expect(await resolveCustomer('', known)).toHaveProperty('problem');
  });

  it('asks the gateway for the customer of an email or a phone number', async () => {
    expect(await resolveCustomer('ann@example.com', known)).toEqual({ id: 'cust-ann' });
    expect(await resolveCustomer('+45 1234 5678', known)).toEqual({ id: 'cust-phone' });
    expect(await resolveCustomer('bob@example.com', known)).toEqual({ problem: 'No customer has the email bob@example.com.' });
    expect(await resolveCustomer('ann@example.com', null)).toHaveProperty('problem');
  });

  it('sends the hub token and reads the id, a 404 as nobody, a problem as its detail', async () => {
    const calls: { url: string; auth: string | null }[] = [];
    const answer = (status: number, body: unknown) => async (url: RequestInfo | URL, init?: RequestInit) => {
      calls.push({ url: String(url), auth: new Headers(init?.headers).get('Authorization') });
      return new Response(JSON.stringify(body), { status });
    };
    expect(await gatewayResolver(async () => 't0k', answer(200, { customerId: 'cust-ann' }) as typeof fetch)('email', 'a b@x')).toBe('cust-ann');
    expect(calls[0]).toEqual({ url: '/v1/customers?email=a%20b%40x', auth: 'Bearer t0k' });
    expect(await gatewayResolver(async () => 't', answer(404, {}) as typeof fetch)('phone', '+451')).toBeNull();
    await expect(gatewayResolver(async () => 't', answer(400, { detail: 'bad phone' }) as typeof fetch)('phone', '+4')).rejects.toThrow('bad phone');
  });
});
