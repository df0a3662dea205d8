import { HttpError, HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import { KeyRefused } from './auth';
import type { HubEvents, HubPort } from './hubPort';
import { retryDelay } from './retry';
import type { TokenSource } from './tokens';
import type { ActivityMessage, AgentIdentity, ErasedMessage, ProfileView, SegmentChangedMessage, SegmentInfo, ViewersMessage } from './types';

/**
 * The `/hubs/agents` SignalR connection: reconnects by itself, and starts over with backoff if it closes for good.
 * It authenticates with a short-lived token (the WebSocket carries it in its URL), never with the agent key.
 */
export class AgentHub implements HubPort {
  private readonly connection: HubConnection;
  private restartAttempt = 0;
  private restartTimer: number | undefined;
  private stopped = false;

  constructor(tokens: TokenSource, private readonly events: HubEvents) {
    this.connection = new HubConnectionBuilder()
      .withUrl('/hubs/agents', { accessTokenFactory: () => tokens.get() })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => retryDelay(context.previousRetryCount) })
      .configureLogging(LogLevel.Warning)
      .build();

    this.connection.on('profileChanged', (view: ProfileView) => events.profileChanged(view));
    this.connection.on('activity', (message: ActivityMessage) => events.activity(message));
    this.connection.on('viewers', (message: ViewersMessage) => events.viewers(message));
    this.connection.on('profileErased', (message: ErasedMessage) => events.erased(message));
    this.connection.on('segmentChanged', (message: SegmentChangedMessage) => events.segmentChanged(message));
    this.connection.onreconnecting(() => events.state('reconnecting'));
    this.connection.onreconnected(() => {
      events.state('connected');
      events.resync();
      void this.identify();
    });
    this.connection.onclose(() => {
      events.state('disconnected');
      this.scheduleRestart();
    });
  }

  start(): void {
    this.stopped = false;
    void this.tryStart();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    window.clearTimeout(this.restartTimer);
    await this.connection.stop();
  }

  async watch(customerId: string): Promise<ProfileView | null> {
    return (await this.connection.invoke<ProfileView | null>('Watch', customerId)) ?? null;
  }

  async unwatch(customerId: string): Promise<void> {
    if (this.connection.state === HubConnectionState.Connected) await this.connection.invoke('Unwatch', customerId);
  }

  watchSegment(name: string): Promise<SegmentInfo> {
    return this.connection.invoke<SegmentInfo>('WatchSegment', name);
  }

  async unwatchSegment(name: string): Promise<void> {
    if (this.connection.state === HubConnectionState.Connected) await this.connection.invoke('UnwatchSegment', name);
  }

  private async tryStart(): Promise<void> {
    if (this.stopped || this.connection.state !== HubConnectionState.Disconnected) return;
    try {
      await this.connection.start();
      this.restartAttempt = 0;
      this.events.state('connected');
      this.events.resync();
      void this.identify();
    } catch (error) {
      const refused = error instanceof KeyRefused ? error.status
        : error instanceof HttpError && (error.statusCode === 401 || error.statusCode === 403) ? error.statusCode : null;
      if (refused !== null) {
        this.stopped = true;
        this.events.state('disconnected');
        this.events.rejected(refused === 401 ? 'The gateway no longer accepts this key.' : 'This key may not watch customers.');
        return;
      }
      this.events.state('disconnected');
      this.scheduleRestart();
    }
  }

  private async identify(): Promise<void> {
    try {
      this.events.identity(await this.connection.invoke<AgentIdentity>('WhoAmI'));
    } catch {
      // Asked again on the next (re)connect; until then the viewers list just does not single out "you".
    }
  }

  private scheduleRestart(): void {
    if (this.stopped) return;
    window.clearTimeout(this.restartTimer);
    const delay = Math.max(retryDelay(this.restartAttempt++), 1000);
    this.restartTimer = window.setTimeout(() => void this.tryStart(), delay);
  }
}
