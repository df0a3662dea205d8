import { HttpError, HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import type { HubEvents, HubPort } from './hubPort';
import { retryDelay } from './retry';
import type { ActivityMessage, ProfileView, ViewersMessage } from './types';

/** The `/hubs/agents` SignalR connection: reconnects by itself, and starts over with backoff if it closes for good. */
export class AgentHub implements HubPort {
  private readonly connection: HubConnection;
  private restartAttempt = 0;
  private restartTimer: number | undefined;
  private stopped = false;

  constructor(key: string, private readonly events: HubEvents) {
    this.connection = new HubConnectionBuilder()
      .withUrl('/hubs/agents', { accessTokenFactory: () => key })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => retryDelay(context.previousRetryCount) })
      .configureLogging(LogLevel.Warning)
      .build();

    this.connection.on('profileChanged', (view: ProfileView) => events.profileChanged(view));
    this.connection.on('activity', (message: ActivityMessage) => events.activity(message));
    this.connection.on('viewers', (message: ViewersMessage) => events.viewers(message));
    this.connection.onreconnecting(() => events.state('reconnecting'));
    this.connection.onreconnected(() => {
      events.state('connected');
      events.resync();
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

  private async tryStart(): Promise<void> {
    if (this.stopped || this.connection.state !== HubConnectionState.Disconnected) return;
    try {
      await this.connection.start();
      this.restartAttempt = 0;
      this.events.state('connected');
      this.events.resync();
    } catch (error) {
      if (error instanceof HttpError && (error.statusCode === 401 || error.statusCode === 403)) {
        this.stopped = true;
        this.events.state('disconnected');
        this.events.rejected(error.statusCode === 401 ? 'The gateway no longer accepts this key.' : 'This key may not watch customers.');
        return;
      }
      this.events.state('disconnected');
      this.scheduleRestart();
    }
  }

  private scheduleRestart(): void {
    if (this.stopped) return;
    window.clearTimeout(this.restartTimer);
    const delay = Math.max(retryDelay(this.restartAttempt++), 1000);
    this.restartTimer = window.setTimeout(() => void this.tryStart(), delay);
  }
}
