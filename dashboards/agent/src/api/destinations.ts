import { gatewayReader } from './read';
import type { CustomerDelivery, DestinationInfo, DestinationStatus } from './types';

/** What the dashboard reads of destinations: the definitions and their status (admins), a customer's deliveries (agents). */
export interface DestinationSource {
  list(): Promise<DestinationInfo[]>;
  status(name: string): Promise<DestinationStatus>;
  /** What the destinations were told about the customer, and what waits to be told, newest first. */
  told(customerId: string, limit: number): Promise<CustomerDelivery[]>;
}

/** The gateway's `/v1/destinations` routes and `GET /v1/customers/{id}/deliveries`, with the hub token as a Bearer credential. */
export function gatewayDestinations(token: () => Promise<string>, fetchImpl: typeof fetch = fetch): DestinationSource {
  const read = gatewayReader(token, fetchImpl);
  return {
    list: async () => (await read<{ destinations: DestinationInfo[] }>('/v1/destinations')).destinations,
    status: (name) => read<DestinationStatus>(`/v1/destinations/${encodeURIComponent(name)}/status`),
    told: async (customerId, limit) =>
      (await read<{ deliveries: CustomerDelivery[] }>(`/v1/customers/${encodeURIComponent(customerId)}/deliveries?limit=${limit}`)).deliveries,
  };
}
