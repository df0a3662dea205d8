
const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const sumFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

export const formatCount = (n: number): string => numberFormat.format(n);
export const formatSum = (n: number): string => sumFormat.format(n);

/** `10:02:11` for today, `23 Nov, 10:02` before. */
export function formatTime(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toDateString() === now.toDateString() ? timeFormat.format(date) : dateTimeFormat.format(date);
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

/** `just now`, `3 min. ago`, `2 days ago`. */
export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (Number.isNaN(seconds)) return '';
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relativeFormat.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relativeFormat.format(Math.round(seconds / 3600), 'hour');
  return relativeFormat.format(Math.round(seconds / 86400), 'day');
}

const ACRONYMS = new Set(['sms', 'pos', 'id', 'url', 'vip', 'crm', 'nps', 'sku', 'utm']);

/** `plan_tier` → `Plan tier`, `sms` → `SMS`. */
export function humanize(name: string): string {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_.-]+/g, ' ').trim().toLowerCase().split(/\s+/)
    .map((word) => (ACRONYMS.has(word) ? word.toUpperCase() : word));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A trait or property value for reading: text as is, numbers localized, anything structured as compact JSON. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberFormat.format(value);
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value) && value.every(isScalar)) return value.map((v) => formatValue(v)).join(', ');
  if (typeof value === 'object' && !Array.isArray(value) && Object.values(value).every(isScalar)) {
    return Object.entries(value).map(([k, v]) => `${humanize(k)}: ${formatValue(v)}`).join(' · ');
  }
  return JSON.stringify(value);
}

/** Whether a value reads well inline (not a nested object or array). */
export function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

export function initials(name: string): string {
  const parts = name.split(/[\s@._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase();
}

/** A latency for reading: `—` when none, `12 ms`, `1.2 s`, `4 min`. */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${numberFormat.format(Math.round(ms / 100) / 10)} s`;
  return `${numberFormat.format(Math.round(ms / 6000) / 10)} min`;
}
