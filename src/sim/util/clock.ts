/**
 * Scaled time for one simulated call. Every duration the simulator models is a real FreeSWITCH
 * duration multiplied by `timeScale`; every timer is tracked so that ending a call leaves nothing
 * behind.
 */

/** A pending timer, cancellable with {@link Clock.cancel}. */
export interface TimerHandle {
  readonly id: number;
}

type NodeTimer = ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate>;

/** Tracks the timers of one call. */
export class Clock {
  readonly timeScale: number;
  readonly #start = performance.now();
  readonly #timers = new Map<number, NodeTimer>();
  #nextId = 1;
  #closed = false;

  constructor(timeScale: number) {
    this.timeScale = timeScale;
  }

  /** FreeSWITCH milliseconds elapsed since the clock started. */
  nowMs(): number {
    const real = performance.now() - this.#start;
    return this.timeScale > 0 ? real / this.timeScale : real;
  }

  /** Runs `fn` after `fsMs` FreeSWITCH milliseconds (scaled); never runs after {@link clearAll}. */
  after(fsMs: number, fn: () => void): TimerHandle {
    const id = this.#nextId++;
    if (this.#closed) return { id };
    const run = (): void => {
      this.#timers.delete(id);
      if (!this.#closed) fn();
    };
    const realMs = fsMs * this.timeScale;
    const t = realMs <= 0 ? setImmediate(run) : setTimeout(run, realMs);
    this.#timers.set(id, t);
    return { id };
  }

  /** Cancels a timer (no-op if it already ran). */
  cancel(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = this.#timers.get(handle.id);
    if (t === undefined) return;
    this.#timers.delete(handle.id);
    clearTimeout(t as ReturnType<typeof setTimeout>);
    clearImmediate(t as ReturnType<typeof setImmediate>);
  }

  /** Number of timers still pending. */
  get pending(): number {
    return this.#timers.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Cancels every timer and refuses new ones. */
  clearAll(): void {
    this.#closed = true;
    for (const t of this.#timers.values()) {
      clearTimeout(t as ReturnType<typeof setTimeout>);
      clearImmediate(t as ReturnType<typeof setImmediate>);
    }
    this.#timers.clear();
  }
}
