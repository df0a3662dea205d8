import type { SegmentSource } from '../api/segments';
import type { SegmentDefinition } from '../api/types';
import { h } from './dom';

export interface SegmentPicker {
  element: HTMLElement;
  /** The segment shown as open (null: none), so the list offers it as chosen. */
  setOpen(name: string | null): void;
  /** Reads the defined segments again (after a reconnect, or when the agent comes back to the list). */
  refresh(): void;
}

/** "Segment [cart_abandoners ▾] [Open]": the segments defined now, as `GET /v1/segments` lists them. */
export function segmentPicker(source: SegmentSource | null, onOpen: (name: string) => void): SegmentPicker {
  const select = h('select', { id: 'segment-select', class: 'input segment-select', 'data-testid': 'segment-select', 'aria-describedby': 'segment-picker-note' });
  const note = h('p', { id: 'segment-picker-note', class: 'sidebar-empty', role: 'status' });
  const button = h('button', { type: 'submit', class: 'button button--ghost', 'data-testid': 'segment-open' }, 'Open');
  const form = h('form', { class: 'segment-form' }, h('label', { class: 'sr-only', for: 'segment-select' }, 'Segment'), select, button);
  const element = h('section', { class: 'segment-picker', 'aria-labelledby': 'segments-title' },
    h('h2', { class: 'section-title', id: 'segments-title' }, 'Segments'), form, note);

  let open: string | null = null;
  let loading = 0;
  let drawn = '';

  const fill = (segments: readonly SegmentDefinition[]): void => {
    // Options replaced under an open drop-down would close it: they are only when the list changed.
    const signature = JSON.stringify(segments.map((segment) => [segment.name, segment.description ?? segment.rule]));
    if (signature === drawn) return;
    drawn = signature;
    const chosen = select.value || open || '';
    select.replaceChildren(
      h('option', { value: '', disabled: true }, segments.length === 0 ? 'No segments defined' : 'Choose a segment…'),
      ...[...segments].sort((a, b) => a.name.localeCompare(b.name)).map((segment) =>
        h('option', { value: segment.name, title: segment.description ?? segment.rule }, segment.name)));
    select.value = segments.some((segment) => segment.name === chosen) ? chosen : '';
    button.disabled = segments.length === 0;
  };

  const refresh = (): void => {
    if (source === null) return;
    const call = ++loading;
    source.list().then((segments) => {
      if (call !== loading) return;
      fill(segments);
      note.textContent = segments.length === 0 ? 'An administrator defines segments (PUT /v1/segments/{name}).' : '';
    }, (error: unknown) => {
      if (call === loading) note.textContent = `Could not list the segments: ${error instanceof Error ? error.message : String(error)}`;
    });
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (select.value !== '') onOpen(select.value);
  });
  // Segments are defined while agents work: the list is read again whenever the agent turns to it.
  select.addEventListener('focus', refresh);
  select.append(h('option', { value: '', disabled: true }, source === null ? 'No segments here' : 'Loading segments…'));
  select.value = '';
  button.disabled = true;

  return {
    element,
    setOpen(name) {
      open = name;
    },
    refresh,
  };
}
