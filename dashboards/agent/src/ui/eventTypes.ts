import { humanize } from './format';

/** The colour family an event type is shown in; unknown types are neutral. */
export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger' | 'accent';

const KNOWN: Record<string, { label: string; tone: Tone }> = {
  page_view: { label: 'Page view', tone: 'neutral' },
  email_open: { label: 'Email opened', tone: 'info' },
  email_click: { label: 'Email clicked', tone: 'info' },
  cart_add: { label: 'Added to cart', tone: 'accent' },
  cart_abandon: { label: 'Cart abandoned', tone: 'warning' },
  cart_abandoned: { label: 'Cart abandoned', tone: 'warning' },
  purchase: { label: 'Purchase', tone: 'success' },
  refund: { label: 'Refund', tone: 'danger' },
  support_call: { label: 'Support call', tone: 'danger' },
};

export function eventLabel(type: string): string {
  return KNOWN[type]?.label ?? humanize(type);
}

export function eventTone(type: string): Tone {
  return KNOWN[type]?.tone ?? 'neutral';
}

const CHANNELS: Record<string, string> = { web: 'Web', email: 'Email', pos: 'In store', call_centre: 'Call centre', sms: 'SMS', app: 'App' };

export function channelLabel(channel: string): string {
  return CHANNELS[channel] ?? humanize(channel);
}
