import type { CustomerState } from '../state/customer';

/** The name to show for a customer: the `name` trait, else first + last name, else the email, else the id. */
export function displayName(customer: CustomerState): string {
  const identity = customer.view?.traits?.identity ?? {};
  const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
  const full = [text(identity.firstName ?? identity.first_name), text(identity.lastName ?? identity.last_name)].filter(Boolean).join(' ');
  return text(identity.name) ?? (full !== '' ? full : null) ?? text(identity.email) ?? customer.id;
}

export function planOf(customer: CustomerState): string | null {
  const plan = customer.view?.traits?.descriptive?.plan ?? customer.view?.traits?.identity?.plan;
  return typeof plan === 'string' && plan !== '' ? plan : null;
}
