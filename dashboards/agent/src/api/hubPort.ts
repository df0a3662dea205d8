import type { ActivityMessage, AgentIdentity, ErasedMessage, ProfileView, SegmentChangedMessage, SegmentInfo, ViewersMessage } from './types';

export type ConnectionState = 'connected' | 'reconnecting' | 'disconnected';

/** What the dashboard needs from the agents hub; the real SignalR client and the demo feed both provide it. */
export interface HubPort {
  start(): void;
  stop(): Promise<void>;
  watch(customerId: string): Promise<ProfileView | null>;
  unwatch(customerId: string): Promise<void>;
  /** Watches a segment: its definition, size and back-fill now, and `segmentChanged` from then on. */
  watchSegment(name: string): Promise<SegmentInfo>;
  unwatchSegment(name: string): Promise<void>;
}

export interface HubEvents {
  state(state: ConnectionState): void;
  /** The connection came back (or started): every watched customer must be watched again. */
  resync(): void;
  /** The server refused the key (401/403) while connecting. */
  rejected(message: string): void;
  /** Who this dashboard is signed in as, as the hub says (`WhoAmI`), after every (re)connect. */
  identity(me: AgentIdentity): void;
  profileChanged(view: ProfileView): void;
  activity(message: ActivityMessage): void;
  viewers(message: ViewersMessage): void;
  erased(message: ErasedMessage): void;
  segmentChanged(message: SegmentChangedMessage): void;
}
