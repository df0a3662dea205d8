import { describe, expect, it } from 'vitest';
import type { Json, MergeRecord, ProfileView } from '../api/types';
import { customerIdentifiers } from './identifiers';
import { profileView } from '../testing/views';

const view = (identity: Record<string, Json>, merges?: MergeRecord[]): ProfileView =>
  profileView({ customerId: 'ann', seq: 4, asOf: '2026-11-23T10:30:00Z', traits: { identity, descriptive: {}, qualitative: {} }, merges });
const merge = (from: string, minute: number, ...identifiers: string[]): MergeRecord =>
  ({ from, at: `2026-11-23T10:${String(minute).padStart(2, '0')}:00Z`, by: 'webshop', identifiers: [from, ...identifiers] });

describe('customerIdentifiers', () => {
  it('lists the email and phone traits as identifiers, not the other identity traits', () => {
    const { identifiers, merges, earlier } = customerIdentifiers(view({ name: 'Ann Lee', email: 'ann@example.com', phone: '+4512345678', accountId: 'ACC-1' }));
    expect(identifiers).toEqual([
      { key: 'email:ann@example.com', origin: { trait: 'email' } },
      { key: 'phone:+4512345678', origin: { trait: 'phone' } },
    ]);
    expect(merges).toEqual([]);
    expect(earlier).toBe(0);
  });

  it('shows masked traits as the gateway sent them', () => {
    expect(customerIdentifiers(view({ email: 'a•••@•••', phone: 42 })).identifiers.map((i) => i.key)).toEqual(['email:a•••@•••']);
  });

  it('adds every identifier the merges linked, once, with the merge that linked it', () => {
    const { identifiers } = customerIdentifiers(view({ email: 'a•••@•••' }, [
      merge('anon:7f3c', 1, 'device:ab12', 'email:a•••@•••'),
      merge('anon:9e01', 2, 'device:ab12', 'account:981'),
    ]));
    expect(identifiers.map((i) => i.key)).toEqual(['email:a•••@•••', 'anon:7f3c', 'device:ab12', 'anon:9e01', 'account:981']);
    expect(identifiers[2]?.origin).toEqual({ merge: 'anon:7f3c', at: '2026-11-23T10:01:00Z', by: 'webshop' });
  });

  it('keeps a short history of merges, newest first, and counts the older ones', () => {
    const merges = [1, 2, 3, 4, 5, 6, 7].map((minute) => merge(`anon:a${minute}`, minute));
    const model = customerIdentifiers(view({}, merges), 5);
    expect(model.merges.map((m) => m.from)).toEqual(['anon:a7', 'anon:a6', 'anon:a5', 'anon:a4', 'anon:a3']);
    expect(model.merges[0]).toEqual({ from: 'anon:a7', at: '2026-11-23T10:07:00Z', by: 'webshop' });
    expect(model.earlier).toBe(2);
    expect(model.identifiers).toHaveLength(7);
  });

  it('has nothing to show for an unknown customer or one without identifiers', () => {
    expect(customerIdentifiers(null)).toEqual({ identifiers: [], merges: [], earlier: 0 });
    expect(customerIdentifiers(view({ name: 'Ann' }))).toEqual({ identifiers: [], merges: [], earlier: 0 });
  });
});
