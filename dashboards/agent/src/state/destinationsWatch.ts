import type { DestinationSource } from '../api/destinations';
import type { DestinationInfo, DestinationStatus } from '../api/types';

/** How often the open destinations view reads every destination's status again. */
export const DESTINATIONS_POLL_MS = 3000;

export interface DestinationRow {
  readonly name: string;
  readonly url: string;
  /** Null until read; the last one read when a later read failed. */
  readonly status: DestinationStatus | null;
  readonly problem: string | null;
}

export interface DestinationsState {
  /** Null until the first list arrives. */
  readonly rows: readonly DestinationRow[] | null;
  /** Why the list could not be read, the last time it was tried. */
  readonly problem: string | null;
  /** When the figures were last read (ms since the epoch). */
  readonly readAt: number | null;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The admins' destinations view while it is open: the destinations as defined, each with its status, read when it
 * opens and every {@link DESTINATIONS_POLL_MS} after each read completes (never two reads at once), until it closes.
 */
export class DestinationsWatch {
  private current: DestinationsState | null = null;
  private readonly listeners = new Set<(state: DestinationsState | null) => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped on every open and close, so a read of an earlier opening is dropped. */
  private generation = 0;

  constructor(private readonly source: DestinationSource) {}

  /** Null while closed. */
  get state(): DestinationsState | null {
    return this.current;
  }

  get isOpen(): boolean {
    return this.current !== null;
  }

  subscribe(listener: (state: DestinationsState | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  open(): void {
    if (this.current !== null) return;
    this.set({ rows: null, problem: null, readAt: null });
    void this.read(++this.generation);
  }

  close(): void {
    if (this.current === null) return;
    this.generation++;
    clearTimeout(this.timer);
    this.set(null);
  }

  toggle(): void {
    if (this.current === null) this.open();
    else this.close();
  }

  private async read(generation: number): Promise<void> {
    let next: DestinationsState;
    try {
      const defined = await this.source.list();
      const rows = await Promise.all(defined.map((destination) => this.status(destination)));
      next = { rows: rows.sort((a, b) => a.name.localeCompare(b.name)), problem: null, readAt: Date.now() };
    } catch (error) {
      next = { ...(this.current ?? { rows: null, readAt: null }), problem: message(error) };
    }
    if (generation !== this.generation) return;
    this.set(next);
    this.timer = setTimeout(() => void this.read(generation), DESTINATIONS_POLL_MS);
  }

  private async status(destination: DestinationInfo): Promise<DestinationRow> {
    const before = this.current?.rows?.find((row) => row.name === destination.name)?.status ?? null;
    try {
      return { name: destination.name, url: destination.url, status: await this.source.status(destination.name), problem: null };
    } catch (error) {
      return { name: destination.name, url: destination.url, status: before, problem: message(error) };
    }
  }

  private set(state: DestinationsState | null): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}
