/**
 * Simulated time. One {@link SwitchClock} per simulator is the switch's own clock: the epoch time every channel
 * timestamp and `Event-Date-Timestamp` shows. It starts at the real time the simulator starts and then runs at
 * FreeSWITCH speed (real time divided by `timeScale`), so that a duration computed from two timestamps is a
 * FreeSWITCH duration whatever the scale. Each call has a {@link Clock} on it for its timers: every duration the
 * simulator models is a real FreeSWITCH duration multiplied by `timeScale`, and every timer is tracked so that
 * ending a call leaves nothing behind.
 */

/** A pending timer, cancellable with {@link Clock.cancel}. */
export interface TimerHandle {
  readonly id: number;
}

type NodeTimer = ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate>;

/** The switch's clock: epoch microseconds on the simulated time line, never going back. */
export class SwitchClock {
  readonly timeScale: number;
  readonly #startMs = performance.now();
  readonly #originUs = Math.floor((performance.timeOrigin + this.#startMs) * 1000);
  #reachedUs = 0;

  constructor(timeScale: number) {
    this.timeScale = timeScale;
  }

  /** FreeSWITCH epoch microseconds now. */
  nowUs(): number {
    const realMs = performance.now() - this.#startMs;
    const fsMs = this.timeScale > 0 ? realMs / this.timeScale : realMs;
    return Math.max(this.#reachedUs, this.#originUs + Math.floor(fsMs * 1000));
  }

  /**
   * Time has reached at least `us`: a timer due then has fired. Node may run a timer up to a millisecond early,
   * which scaled down is many FreeSWITCH milliseconds; a switch never sees its own timer fire early.
   */
  reach(us: number): void {
    if (us > this.#reachedUs) this.#reachedUs = us;
  }
}

/** Tracks the timers of one call, on the switch's clock. */
export class Clock {
  readonly timeScale: number;
  readonly #switch: SwitchClock;
  readonly #startUs: number;
  readonly #timers = new Map<number, NodeTimer>();
  #nextId = 1;
  #closed = false;

  constructor(switchClock: SwitchClock) {
    this.#switch = switchClock;
    this.timeScale = switchClock.timeScale;
    this.#startUs = switchClock.nowUs();
  }

  /** FreeSWITCH milliseconds elapsed since the clock started. */
  nowMs(): number {
    return (this.#switch.nowUs() - this.#startUs) / 1000;
  }

  /** FreeSWITCH epoch microseconds now (channel timestamps). */
  epochUs(): number {
    return this.#switch.nowUs();
  }

  /** Runs `fn` after `fsMs` FreeSWITCH milliseconds (scaled); never runs after {@link clearAll}. */
  after(fsMs: number, fn: () => void): TimerHandle {
    const id = this.#nextId++;
    if (this.#closed) return { id };
    const dueUs = this.#switch.nowUs() + Math.max(0, fsMs) * 1000;
    const run = (): void => {
      this.#timers.delete(id);
      if (this.#closed) return;
      this.#switch.reach(Math.floor(dueUs));
      fn();
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
