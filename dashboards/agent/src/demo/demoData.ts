import type { ActivityEvent, CounterWindows, Json, MergeRecord, ProfileView } from '../api/types';

// Canned customers for `?demo=…`: plausible enough to judge the layout, nothing more.

interface Person {
  id: string; traits: Record<string, Json>; descriptive: Record<string, Json>; qualitative: Record<string, Json>; consent: Record<string, boolean>;
  merges?: MergeRecord[];
}

export const PEOPLE: Person[] = [
  {
    id: 'cust-0001', consent: { email: true, sms: false, phone: true },
    traits: { name: 'Ann Lee', email: 'ann.lee@example.com', phone: '+44 20 7946 0958', accountId: 'ACC-204981' },
    descriptive: { plan: 'gold', city: 'Leeds', lifestyle: 'Outdoor & cycling', household: { adults: 2, children: 1 } },
    qualitative: { rating: 5, feedback: 'Loves the express delivery', preferredContact: 'phone' },
    merges: [
      { from: 'anon:3f9c2e71-5b0a-4d8e-9a41-7c2d1e6b8f05', at: '2026-10-02T18:41:09Z', by: 'Webshop', identifiers: ['anon:3f9c2e71-5b0a-4d8e-9a41-7c2d1e6b8f05'] },
      { from: 'anon:ios-8d21f0', at: '2026-11-20T07:12:44Z', by: 'Mobile app', identifiers: ['anon:ios-8d21f0', 'device:ios-8d21f0'] },
    ],
  },
  {
    id: 'cust-0002', consent: { email: true, sms: true },
    traits: { name: 'Marco Rossi', email: 'marco.rossi@example.com' },
    descriptive: { plan: 'silver', city: 'Bristol' }, qualitative: { rating: 3 },
  },
  {
    id: 'cust-0042', consent: { email: false },
    traits: { name: 'Priya Natarajan', email: 'priya.n@example.com' },
    descriptive: { plan: 'free', city: 'Manchester' }, qualitative: {},
  },
];

const TYPES: [type: string, channel: string, value: () => number | null, props: () => Record<string, Json>][] = [
  ['page_view', 'web', () => null, () => ({ path: pick(['/bikes/gravel', '/helmets', '/checkout', '/account/orders']) })],
  ['email_open', 'email', () => null, () => ({ campaign: pick(['autumn-sale', 'back-in-stock']) })],
  ['cart_add', 'web', () => price(), () => ({ sku: pick(['GR-220', 'HL-014', 'LK-330']), qty: 1 })],
  ['cart_abandon', 'web', () => price(), () => ({ items: 2 })],
  ['purchase', pick(['web', 'pos']), () => price(), () => ({ order: `ORD-${Math.floor(10000 + Math.random() * 89999)}` })],
  ['support_call', 'call_centre', () => null, () => ({ reason: pick(['delivery', 'returns']), minutes: 6 })],
];

export function randomEvent(at: Date, weights = [8, 3, 3, 1, 1, 1]): ActivityEvent {
  const total = weights.reduce((a, b) => a + b, 0);
  let roll = Math.random() * total;
  const index = weights.findIndex((w) => (roll -= w) < 0);
  const [type, channel, value, props] = TYPES[Math.max(0, index)] ?? TYPES[0]!;
  return { id: crypto.randomUUID(), type, timestamp: at.toISOString(), value: value(), channel, properties: props() };
}

export function initialView(person: Person, busy: number, now = Date.now()): ProfileView {
  const events = Array.from({ length: busy }, (_, i) => randomEvent(new Date(now - (busy - i) * (3_400_000 / busy) - Math.random() * 60_000)));
  let view: ProfileView = {
    customerId: person.id, seq: 0, asOf: new Date(now).toISOString(),
    traits: { identity: person.traits, descriptive: person.descriptive, qualitative: person.qualitative },
    consent: person.consent, firstSeen: new Date(now - 86_400_000 * 412).toISOString(), lastSeen: null,
    channels: [], counters: seedHistory(), recentActivity: [], value: null, segments: [], consentDetails: {}, merges: person.merges ?? null,
  };
  for (const event of events) view = applyEvent(view, event, now);
  return view;
}

/** The view after one more event: counters, channels, last seen and the recent activity ring. */
export function applyEvent(view: ProfileView, event: ActivityEvent, now = Date.now()): ProfileView {
  const counters: Record<string, CounterWindows> = structuredClone(view.counters ?? {});
  const windows = counters[event.type] ?? empty();
  const add = (w: '1h' | '24h' | '7d' | '30d' | 'total'): void => {
    const current = windows[w] ?? { count: 0, sum: 0 };
    windows[w] = { count: current.count + 1, sum: (current.sum ?? 0) + (event.value ?? 0) };
  };
  const age = now - Date.parse(event.timestamp);
  if (age < 3_600_000) {
    add('1h');
    const minutes = windows.lastHourByMinute ?? new Array<number>(60).fill(0);
    const slot = 59 - Math.floor(age / 60_000);
    minutes[slot] = (minutes[slot] ?? 0) + 1;
    windows.lastHourByMinute = minutes;
  }
  (['24h', '7d', '30d', 'total'] as const).forEach(add);
  counters[event.type] = windows;
  const channels = event.channel && !(view.channels ?? []).includes(event.channel) ? [...(view.channels ?? []), event.channel] : view.channels;
  return {
    ...view, seq: view.seq + 1, asOf: new Date(now).toISOString(), lastSeen: event.timestamp, channels, counters,
    recentActivity: [event, ...(view.recentActivity ?? [])].slice(0, 25),
  };
}

function seedHistory(): Record<string, CounterWindows> {
  const older = (count: number, each: number): CounterWindows => ({
    ...empty(), '7d': { count, sum: count * each }, '30d': { count: count * 3, sum: count * 3 * each }, total: { count: count * 9, sum: count * 9 * each },
  });
  return { page_view: older(40, 0), purchase: older(2, 64.5), email_open: older(4, 0) };
}

function empty(): CounterWindows {
  const none = { count: 0, sum: 0 };
  return { '1h': none, '24h': none, '7d': none, '30d': none, total: none, lastHourByMinute: new Array<number>(60).fill(0), lastAt: null };
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

function price(): number {
  return Math.round((12 + Math.random() * 180) * 100) / 100;
}
