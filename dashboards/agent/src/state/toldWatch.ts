import type { DestinationSource } from '../api/destinations';
import type { CustomerDelivery } from '../api/types';

/** How often the selected customer's deliveries are read again, besides after each change of the profile. */
export const TOLD_POLL_MS = 5000;
/** A change owes its deliveries at once, and they are sent within moments: read again this long after a change. */
export const TOLD_SETTLE_MS = 1000;
/** Deliveries shown on the card, newest first. */
export const TOLD_LIMIT = 20;

export interface ToldState {
  readonly customerId: string;
  /** Null until the first read answers. */
  readonly deliveries: readonly CustomerDelivery[] | null;
  readonly problem: string | null;
}

/**
 * What the selected customer's destinations were told, recently: read when the customer is selected, when its
 * profile changes (its `seq`; once at once and once {@link TOLD_SETTLE_MS} later, when what the change owed has
 * likely been sent) and every {@link TOLD_POLL_MS} meanwhile. One customer at a time; answers for another are dropped.
 */
export class ToldWatch {
  private current: ToldState | null = null;
  private seq: number | null = null;
  private readonly listeners = new Set<(state: ToldState | null) => void>();
  private poll: ReturnType<typeof setTimeout> | undefined;
  private settle: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  constructor(private readonly source: DestinationSource) {}

  get state(): ToldState | null {
    return this.current;
  }

  subscribe(listener: (state: ToldState | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The customer shown (null: none) and its profile's seq (null: not known yet). */
  follow(customerId: string | null, seq: number | null): void {
    if (customerId === null) {
      this.stop();
      return;
    }
    if (this.current?.customerId !== customerId) {
      this.stop();
      this.seq = seq;
      this.set({ customerId, deliveries: null, problem: null });
      void this.read();
      return;
    }
    if (seq !== this.seq) {
      this.seq = seq;
      void this.read();
      clearTimeout(this.settle);
      this.settle = setTimeout(() => void this.read(), TOLD_SETTLE_MS);
    }
  }

  stop(): void {
    this.generation++;
    clearTimeout(this.poll);
    clearTimeout(this.settle);
    this.seq = null;
    if (this.current !== null) this.set(null);
  }

  private async read(): Promise<void> {
    const state = this.current;
    if (state === null) return;
    const generation = ++this.generation;
    clearTimeout(this.poll);
    let next: ToldState;
    try {
      next = { customerId: state.customerId, deliveries: await this.source.told(state.customerId, TOLD_LIMIT), problem: null };
    } catch (error) {
      next = { ...state, problem: error instanceof Error ? error.message : String(error) };
    }
    // A later read (or another customer) took over meanwhile.
    if (generation !== this.generation) return;
    this.set(next);
    this.poll = setTimeout(() => void this.read(), TOLD_POLL_MS);
  }

  private set(state: ToldState | null): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}
