import type { ConsentDetail, SegmentMembership, ValueScores } from '../api/types';
import type { CustomerState } from '../state/customer';
import { h } from './dom';
import { channelLabel } from './eventTypes';
import { formatDateTime, formatRelative, formatValue, humanize, initials, isScalar } from './format';
import { customerIdentifiers, type CustomerIdentifiers, type IdentifierEntry } from './identifiers';
import { displayName, planOf } from './identity';

const SHOWN_IN_HEADER = new Set(['name', 'email']);

/** Who the customer is: identity, identifiers and merges, the other traits, consent, first/last seen and channels. */
export function profileCard(customer: CustomerState): HTMLElement {
  const view = customer.view;
  const name = displayName(customer);
  const identity = view?.traits?.identity ?? {};
  const email = typeof identity.email === 'string' ? identity.email : null;
  const plan = planOf(customer);

  return h('section', { class: 'card profile-card', 'data-testid': 'profile-card', 'aria-label': 'Profile' },
    h('div', { class: 'profile-head' },
      h('span', { class: 'avatar avatar--lg', 'aria-hidden': 'true' }, initials(name)),
      h('div', { class: 'profile-who' },
        h('div', { class: 'profile-name' }, name),
        email !== null ? h('div', { class: 'profile-email' }, email) : null,
        h('div', { class: 'profile-tags' },
          plan !== null ? h('span', { class: `badge badge--plan plan-${plan.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` }, humanize(plan)) : null,
          h('span', { class: 'mono muted' }, customer.id)))),
    view === null
      ? h('p', { class: 'empty-note' }, 'Nothing is known about this customer yet. The profile fills in as soon as their first event or trait arrives.')
      : null,
    view !== null ? section('Activity', h('dl', { class: 'facts' },
      fact('First seen', seen(view.firstSeen)),
      fact('Last seen', seen(view.lastSeen)),
      fact('Channels', (view.channels ?? []).length === 0 ? '—' : h('span', { class: 'chips' },
        ...(view.channels ?? []).map((c) => h('span', { class: 'chip' }, channelLabel(c))))))) : null,
    view?.value ? valueSection(view.value) : null,
    view !== null ? segmentSection(view.segments ?? []) : null,
    view !== null ? consentSection(view.consent ?? {}, view.consentDetails ?? {}) : null,
    identifiersSection(customerIdentifiers(view)),
    traitSection('Identity', identity, SHOWN_IN_HEADER),
    traitSection('Details', view?.traits?.descriptive ?? {}, new Set(['plan'])),
    traitSection('Feedback & preferences', view?.traits?.qualitative ?? {}, new Set()));
}

function valueSection(value: ValueScores): HTMLElement {
  const money = (amount: number) => amount.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return section('Value', h('dl', { class: 'facts', 'data-testid': 'value-scores' },
    fact('Tier', h('span', { class: `badge badge--tier tier-${value.tier.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, 'data-testid': 'value-tier' }, humanize(value.tier))),
    fact('Lifetime value', h('span', { 'data-testid': 'value-clv' }, money(value.clv.historic),
      h('span', { class: 'fact-sub' }, `predicted ${money(value.clv.predicted)} · ${value.orders} ${value.orders === 1 ? 'order' : 'orders'}`))),
    fact('RFM', h('span', { class: 'mono', 'data-testid': 'value-rfm', title: 'recency, frequency, monetary: 1–5 each' },
      `R${value.rfm.recency} F${value.rfm.frequency} M${value.rfm.monetary}`))));
}

function segmentSection(segments: SegmentMembership[]): HTMLElement {
  return section('Segments', segments.length === 0
    ? h('p', { class: 'muted small' }, 'In no segment right now.')
    : h('ul', { class: 'segments', 'data-testid': 'segments' }, ...segments.map((segment) =>
      h('li', { class: 'segment', 'data-segment': segment.name },
        h('span', { class: 'chip' }, humanize(segment.name)),
        h('span', { class: 'fact-sub mono', title: 'why: the values that make the rule true' }, segment.reasons.join(' · '))))));
}

function consentSection(consent: Record<string, boolean>, details: Record<string, ConsentDetail>): HTMLElement {
  const entries = Object.entries(consent);
  return section('Consent', entries.length === 0
    ? h('p', { class: 'muted small' }, 'No consent recorded.')
    : h('ul', { class: 'consent', 'data-testid': 'consent' }, ...entries.map(([purpose, granted]) =>
      h('li', { class: `consent-item ${granted ? 'is-granted' : 'is-denied'}`, title: consentOrigin(details[purpose]), 'data-purpose': purpose },
        h('span', { class: 'consent-mark', 'aria-hidden': 'true' }, granted ? '✓' : '✕'),
        h('span', {}, humanize(purpose)),
        h('span', { class: 'sr-only' }, granted ? ': granted' : ': not granted')))));
}

/** "Since 3 Dec 2026, 10:26 · by webshop · from checkout", for the flag's tooltip. */
function consentOrigin(detail: ConsentDetail | undefined): string {
  if (detail === undefined || detail.at === null || detail.at === undefined) return 'When and where this was given is not recorded.';
  const parts = [`Since ${formatDateTime(detail.at)}`];
  if (detail.by) parts.push(`by ${detail.by}`);
  if (detail.source) parts.push(`from ${detail.source}`);
  return parts.join(' · ');
}

/** The identifiers the customer is found and linked by, and which profiles were merged in when, by which producer. */
function identifiersSection({ identifiers, merges, earlier }: CustomerIdentifiers): HTMLElement | null {
  if (identifiers.length === 0 && merges.length === 0) return null;
  return section('Identifiers', h('div', { class: 'identifiers-body' },
    h('ul', { class: 'identifiers', 'data-testid': 'identifiers' }, ...identifiers.map((identifier) =>
      h('li', { class: 'identifier mono', 'data-identifier': identifier.key, title: identifierOrigin(identifier) }, identifier.key))),
    merges.length === 0 ? null : h('div', { class: 'merges-wrap' },
      h('div', { class: 'muted small' }, 'Merged in, newest first'),
      h('ol', { class: 'merges', 'data-testid': 'merges' }, ...merges.map((merge) =>
        h('li', { class: 'merge', 'data-merge-from': merge.from },
          h('span', { class: 'mono' }, merge.from),
          h('span', { class: 'fact-sub' }, `${formatDateTime(merge.at)} · by ${merge.by || 'an unnamed producer'}`))),
        earlier > 0 ? h('li', { class: 'muted small' }, `and ${earlier} earlier ${earlier === 1 ? 'merge' : 'merges'}`) : null))));
}

function identifierOrigin({ origin }: IdentifierEntry): string {
  return 'trait' in origin
    ? `The ${origin.trait} trait`
    : `Linked when ${origin.merge} was merged in, ${formatDateTime(origin.at)}${origin.by ? ` by ${origin.by}` : ''}`;
}

function traitSection(title: string, traits: Record<string, unknown>, skip: ReadonlySet<string>): HTMLElement | null {
  const entries = Object.entries(traits).filter(([key]) => !skip.has(key));
  if (entries.length === 0) return null;
  return section(title, h('dl', { class: 'facts' }, ...entries.map(([key, value]) => fact(humanize(key), traitValue(value)))));
}

function traitValue(value: unknown): HTMLElement {
  const text = formatValue(value);
  const structured = Array.isArray(value) ? !value.every(isScalar) : value !== null && typeof value === 'object' && !Object.values(value).every(isScalar);
  return h('span', { class: structured ? 'mono value-json' : 'value-text', title: text }, text);
}

function seen(iso: string | null | undefined): HTMLElement | string {
  if (iso === null || iso === undefined) return '—';
  return h('span', {}, h('span', { 'data-rel': iso }, formatRelative(iso)), h('span', { class: 'fact-sub' }, formatDateTime(iso)));
}

function section(title: string, body: HTMLElement): HTMLElement {
  return h('div', { class: 'profile-section' }, h('h3', { class: 'subhead' }, title), body);
}

function fact(label: string, value: HTMLElement | string): HTMLElement {
  return h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value));
}
