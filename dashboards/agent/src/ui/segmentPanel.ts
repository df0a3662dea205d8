import type { SegmentBackfill } from '../api/types';
import { rows, size, type SegmentMember, type SegmentState } from '../state/segment';
import type { AppState } from '../state/store';
import { h, reconcile, replaceChildren } from './dom';
import { formatCount, formatDateTime, formatTime } from './format';
import { displayName } from './identity';

export interface SegmentPanel {
  element: HTMLElement;
  render(segment: SegmentState | null, app: AppState): void;
}

/**
 * The open segment, live: its rule, size and back-fill, and its members with the newest changes on top (entering
 * with why, leaving marked as left). A click on a member opens that customer's card.
 */
export function segmentPanel(onOpenCustomer: (id: string) => void, onClose: () => void, onMore: () => void): SegmentPanel {
  const title = h('h2', { class: 'segment-title', id: 'segment-title' });
  const description = h('p', { class: 'segment-description' });
  const rule = h('code', { class: 'segment-rule', 'data-testid': 'segment-rule', title: 'The rule a customer must meet' });
  const sizeValue = h('dd', { class: 'segment-size', 'data-testid': 'segment-size' });
  const backfill = h('dd', { 'data-testid': 'segment-backfill' });
  const defined = h('dd', { class: 'small' });
  const notice = h('div', { class: 'notice', role: 'status' });
  const list = h('ol', { class: 'segment-members', 'data-testid': 'segment-members', 'aria-label': 'Members, newest changes first' });
  const empty = h('p', { class: 'empty-note' });
  const pageNotice = h('p', { class: 'notice notice--error', role: 'status' });
  const more = h('button', { type: 'button', class: 'button button--ghost segment-more', 'data-testid': 'segment-more', onclick: onMore }, 'Show more members');
  const element = h('aside', { class: 'segment-panel', 'data-testid': 'segment-view', 'aria-labelledby': 'segment-title', tabindex: '-1', hidden: true },
    h('div', { class: 'segment-head' },
      h('div', { class: 'segment-heading' }, h('span', { class: 'segment-eyebrow' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), 'Segment'), title),
      h('button', { type: 'button', class: 'button button--ghost', 'data-testid': 'segment-close', onclick: onClose }, 'Close')),
    description,
    rule,
    h('dl', { class: 'facts segment-facts' },
      h('div', { class: 'fact' }, h('dt', {}, 'Members'), sizeValue),
      h('div', { class: 'fact' }, h('dt', {}, 'Back-fill'), backfill),
      h('div', { class: 'fact' }, h('dt', {}, 'Defined'), defined)),
    notice,
    h('h3', { class: 'subhead segment-subhead' }, 'Members', h('span', { class: 'card-hint' }, 'Newest changes first')),
    list, empty, pageNotice, more);

  let drawn: SegmentState | null = null;
  let names: ReadonlyMap<string, unknown> | null = null;

  return {
    element,
    render(segment, app) {
      element.hidden = segment === null;
      if (segment === null || (segment === drawn && app.customers === names)) return;
      if (drawn?.name !== segment.name) list.replaceChildren();
      element.dataset.segment = segment.name;
      const info = segment.info;
      title.textContent = segment.name;
      description.textContent = info?.description ?? '';
      description.hidden = !info?.description;
      rule.textContent = info?.rule ?? '…';
      const count = size(segment);
      sizeValue.textContent = count === null ? '—' : formatCount(count);
      backfill.textContent = info === null ? '—' : backfillText(info.backfill);
      defined.textContent = info === null ? '—' : `${formatDateTime(info.definedAt)} by ${info.definedBy}`;
      const text = segment.status === 'loading' ? `Opening ${segment.name}…` : segment.problem !== null ? `Could not open ${segment.name}: ${segment.problem}` : '';
      notice.textContent = text;
      notice.hidden = text === '';
      notice.className = `notice${segment.problem !== null ? ' notice--error' : ''}`;

      const members = rows(segment);
      const live = new Set(segment.changes);
      reconcile(list, members, (member) => member.customerId, (member) => {
        const item = h('li', { class: `segment-member${live.has(member.customerId) ? ' is-new' : ''}`, 'data-customer-id': member.customerId });
        drawMember(item, member, live.has(member.customerId), app, onOpenCustomer);
        return item;
      }, (item, member) => drawMember(item, member, live.has(member.customerId), app, onOpenCustomer));
      empty.textContent = segment.status !== 'live' || segment.pageProblem !== null ? ''
        : segment.next === undefined ? 'Loading the members…' : 'No members yet. Customers appear here the moment they enter.';
      empty.hidden = members.length > 0 || empty.textContent === '';
      pageNotice.textContent = segment.pageProblem === null ? '' : `Could not read the members: ${segment.pageProblem}`;
      pageNotice.hidden = segment.pageProblem === null;
      more.hidden = typeof segment.next !== 'string' && (segment.pageProblem === null || segment.status !== 'live');
      more.textContent = segment.pageProblem === null ? 'Show more members' : 'Try again';
      drawn = segment;
      names = app.customers;
    },
  };
}

/**
 * Redraws a member's row when what it shows changed: its state, or the name of a customer the agent watches. `live`:
 * the change was pushed while the view was open (else the row is the members page's).
 */
function drawMember(item: HTMLElement, member: SegmentMember, live: boolean, app: AppState, onOpen: (id: string) => void): void {
  const customer = app.customers.get(member.customerId);
  const name = customer === undefined ? member.customerId : displayName(customer);
  const signature = JSON.stringify([member, live, name]);
  if (item.dataset.signature === signature) return;
  item.dataset.signature = signature;
  item.dataset.state = member.status;
  item.classList.toggle('is-left', member.status === 'left');
  replaceChildren(item,
    h('div', { class: 'segment-member-top' },
      h('button', { type: 'button', class: 'link-button segment-customer', title: `Open ${member.customerId}`, onclick: () => onOpen(member.customerId) }, name),
      when(member, live)),
    name !== member.customerId ? h('div', { class: 'watch-id' }, member.customerId) : null,
    member.reasons.length > 0
      ? h('div', { class: 'segment-reasons mono', title: 'why: the values that made the rule true' }, member.reasons.join(' · '))
      : null);
}

function when(member: SegmentMember, live: boolean): HTMLElement {
  if (member.status === 'left') {
    return h('span', { class: 'segment-when' }, h('span', { class: 'badge badge--left' }, 'Left'), member.leftAt === null ? '' : ` ${formatTime(member.leftAt)}`);
  }
  const since = member.since;
  return h('span', { class: 'segment-when', title: since === null ? '' : `Member since ${formatDateTime(since)}` },
    live ? h('span', { class: 'badge badge--entered' }, 'Entered') : null,
    since === null ? '' : `${live ? ' ' : 'Since '}${formatTime(since)}`);
}

function backfillText(backfill: SegmentBackfill): string {
  const visited = `${formatCount(backfill.visited)} ${backfill.visited === 1 ? 'customer' : 'customers'} checked`;
  switch (backfill.state) {
    case 'none': return 'Not run';
    case 'running': return `Running · ${visited}`;
    case 'done': return `Done${backfill.finishedAt ? ` ${formatTime(backfill.finishedAt)}` : ''} · ${visited}`;
    case 'failed': return `Failed · ${backfill.error ?? 'no reason given'}`;
  }
}
