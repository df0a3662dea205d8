import { hubProblem } from '../api/hubError';
import type { ConnectionState, HubPort } from '../api/hubPort';
import type { SegmentSource } from '../api/segments';
import type { SegmentChangedMessage } from '../api/types';
import { described, failed, opening, pageArrived, pageFailed, pushed, type SegmentState } from './segment';

export const PAGE_SIZE = 100;
/** While a back-fill runs, the size and its progress are read again this often (pushes bring its members meanwhile). */
export const BACKFILL_POLL_MS = 3000;

/**
 * The segment the agent has open, at most one: watched on the hub while open, unwatched when closed or when another
 * one is opened, and watched again (from scratch) after every reconnect, since pushes sent meanwhile are lost.
 */
export class SegmentWatch {
  private current: SegmentState | null = null;
  private readonly listeners = new Set<(state: SegmentState | null) => void>();
  private hub: HubPort | null = null;
  private source: SegmentSource | null = null;
  private connected = false;
  /** Bumped whenever the open segment is replaced, so that answers for an earlier one are dropped. */
  private generation = 0;
  private poll: ReturnType<typeof setTimeout> | undefined;
  private paging = false;

  get state(): SegmentState | null {
    return this.current;
  }

  attach(hub: HubPort, source: SegmentSource): void {
    this.hub = hub;
    this.source = source;
  }

  subscribe(listener: (state: SegmentState | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ── the agent's actions ──

  open(name: string): void {
    if (this.current?.name === name && this.current.status !== 'failed') return;
    this.close();
    this.replace(opening(name));
    if (this.connected) void this.load();
  }

  close(): void {
    if (this.current === null) return;
    const { name, status } = this.current;
    this.replace(null);
    if (status !== 'failed') this.hub?.unwatchSegment(name).catch(() => undefined);
  }

  /** The next page of members, after the last one shown (or the first again, when reading it failed). */
  more(): void {
    const state = this.current;
    if (state === null || state.status !== 'live' || state.next === null || this.paging) return;
    if (state.next === undefined && state.pageProblem === null) return;
    void this.page(state.next ?? null);
  }

  // ── the hub's events ──

  connection(state: ConnectionState): void {
    this.connected = state === 'connected';
  }

  /** The connection (re)started: changes may have been missed, so the open segment starts over. */
  resync(): void {
    this.connected = true;
    if (this.current === null) return;
    this.replace(opening(this.current.name));
    void this.load();
  }

  changed(message: SegmentChangedMessage): void {
    if (this.current !== null) this.set(pushed(this.current, message));
  }

  // ── loading ──

  private async load(): Promise<void> {
    const generation = this.generation;
    const name = this.current?.name;
    if (this.hub === null || name === undefined) return;
    try {
      const info = await this.hub.watchSegment(name);
      if (generation !== this.generation || this.current === null) return;
      this.set(described(this.current, info));
    } catch (error) {
      if (generation === this.generation && this.current !== null) this.set(failed(this.current, hubProblem(error, 'The gateway could not watch this segment.')));
      return;
    }
    this.schedulePoll();
    await this.page(null);
  }

  private async page(after: string | null): Promise<void> {
    const generation = this.generation;
    const name = this.current?.name;
    if (this.source === null || name === undefined) return;
    this.paging = true;
    try {
      const page = await this.source.members(name, after, PAGE_SIZE);
      if (generation === this.generation && this.current !== null) this.set(pageArrived(this.current, page));
    } catch (error) {
      if (generation === this.generation && this.current !== null) this.set(pageFailed(this.current, hubProblem(error, 'The members could not be read.')));
    } finally {
      if (generation === this.generation) this.paging = false;
    }
  }

  /** While a back-fill runs its progress and the size are read again; once it is over, pushes alone keep the view. */
  private schedulePoll(): void {
    clearTimeout(this.poll);
    if (this.current?.info?.backfill.state !== 'running' || this.source === null) return;
    const generation = this.generation;
    const name = this.current.name;
    const source = this.source;
    this.poll = setTimeout(() => {
      void source.get(name).then((info) => {
        if (generation !== this.generation || this.current === null) return;
        this.set(described(this.current, info));
        this.schedulePoll();
      }, () => {
        if (generation === this.generation) this.schedulePoll();
      });
    }, BACKFILL_POLL_MS);
  }

  /** Another segment, none, or the same one from scratch: whatever is under way for the previous one is dropped. */
  private replace(state: SegmentState | null): void {
    this.generation++;
    clearTimeout(this.poll);
    this.paging = false;
    this.set(state);
  }

  private set(state: SegmentState | null): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}
