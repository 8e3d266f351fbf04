/**
 * The media side of a channel: the caller's DTMF queue and the "waits" media applications block
 * on. A DTMF event fires when a digit is *dequeued*, not when it arrives (esl.md 1.7): by the
 * running media app, or by the park loop when no app runs, in which case the digit is lost
 * (esl-captures/more/pagd-max-digits: the 4th digit's DTMF comes after EXECUTE_COMPLETE and does
 * not reach the next playback). Apps that do not read media (set, answer, sleep) leave digits queued.
 *
 * How soon a digit is taken depends on who reads (real FreeSWITCH 1.10.12, SIP with RFC 2833, measured from the
 * wire): an input application (play_and_get_digits, read, a playing prompt) takes it at once (the ~20 ms the field
 * saw from key to DTMF event is the socket's own event polling, which the simulator does not model), while the park
 * loop takes 70-95 ms to recognise a digit that arrives while no application runs: the simulator's park loop takes
 * a digit {@link PARK_DIGIT_MS} after it arrived, unless an application that reads digits starts first.
 */
import type { Clock, TimerHandle } from '../util/clock.js';

/** FreeSWITCH milliseconds the park loop takes to report a digit that arrived while it ran (field: 70-95 ms). */
export const PARK_DIGIT_MS = 80;

/** A digit as the DTMF event reports it. */
export interface Digit {
  readonly digit: string;
  /** In 8 kHz samples (2000 = 250 ms). */
  readonly duration: number;
  readonly source: string;
}

/** Who took a digit, and when (FreeSWITCH milliseconds on the call's clock). */
export interface DigitTaken {
  readonly digit: string;
  /** Whether the park loop took it (no application was reading digits). */
  readonly byPark: boolean;
  readonly arrivedMs: number;
  readonly takenMs: number;
}

interface QueuedDigit extends Digit {
  readonly arrivedMs: number;
}

/** Why a wait ended. */
export type WaitReason = 'done' | 'digit' | 'break' | 'hangup';

/** The end of a wait. */
export interface WaitOutcome {
  readonly reason: WaitReason;
  /** FreeSWITCH milliseconds the wait lasted. */
  readonly elapsedMs: number;
  readonly digit?: string;
}

/** What a media app waits for. */
export interface WaitSpec {
  /** FreeSWITCH milliseconds; `Infinity` waits until stopped. */
  readonly ms: number;
  /** Receives each dequeued digit; returning true ends the wait with reason `digit`. */
  readonly onDigit?: (digit: string) => boolean;
  /** Whether `uuid_break` ends it (default true). */
  readonly breakable?: boolean;
}

interface ActiveWait {
  readonly spec: WaitSpec;
  readonly start: number;
  timer: TimerHandle | undefined;
  finish(reason: WaitReason, digit?: string): void;
}

/** DTMF queue plus the current wait of one channel. */
export class MediaControl {
  readonly #clock: Clock;
  readonly #onDequeue: (d: Digit, taken: DigitTaken) => void;
  readonly #queue: QueuedDigit[] = [];
  #parkTimer: TimerHandle | undefined;
  #wait: ActiveWait | undefined;
  #parked = false;
  #down = false;
  readonly #onDown: Array<() => void> = [];

  constructor(clock: Clock, onDequeue: (d: Digit, taken: DigitTaken) => void) {
    this.#clock = clock;
    this.#onDequeue = onDequeue;
  }

  /** Digits the caller sent, waiting to be dequeued. */
  get queuedDigits(): string {
    return this.#queue.map((d) => d.digit).join('');
  }

  /** Queues the caller's digits and lets whoever reads media dequeue them. */
  enqueue(digits: readonly Digit[]): void {
    if (this.#down) return;
    const arrivedMs = this.#clock.nowMs();
    this.#queue.push(...digits.map((d) => ({ ...d, arrivedMs })));
    this.pump();
  }

  /** True while the park loop runs (no app executing): it eats digits. */
  setParked(parked: boolean): void {
    this.#parked = parked;
    if (parked) this.pump();
  }

  /** Dequeues digits for the current reader, if any. */
  pump(): void {
    while (this.#queue.length && !this.#down) {
      const w = this.#wait;
      if (w && w.spec.onDigit) {
        const d = this.#take(false);
        if (this.#wait === w && w.spec.onDigit(d.digit)) w.finish('digit', d.digit);
        continue;
      }
      if (!w && this.#parked) {
        const head = this.#queue[0] as QueuedDigit;
        const dueMs = head.arrivedMs + PARK_DIGIT_MS;
        if (this.#clock.nowMs() < dueMs) {
          this.#parkTimer ??= this.#clock.after(dueMs - this.#clock.nowMs(), () => {
            this.#parkTimer = undefined;
            this.pump();
          });
          return;
        }
        this.#take(true);
        continue;
      }
      return;
    }
  }

  #take(byPark: boolean): Digit {
    const d = this.#queue.shift() as QueuedDigit;
    const { arrivedMs, ...digit } = d;
    this.#onDequeue(digit, { digit: d.digit, byPark, arrivedMs, takenMs: this.#clock.nowMs() });
    return digit;
  }

  /** Blocks a media app until its time is up, a digit handler stops it, a break or a hangup. */
  wait(spec: WaitSpec): Promise<WaitOutcome> {
    return new Promise((resolve) => {
      if (this.#down) {
        resolve({ reason: 'hangup', elapsedMs: 0 });
        return;
      }
      const w: ActiveWait = {
        spec,
        start: this.#clock.nowMs(),
        timer: undefined,
        finish: (reason, digit) => {
          if (this.#wait !== w) return;
          this.#wait = undefined;
          this.#clock.cancel(w.timer);
          const elapsed = reason === 'done' ? spec.ms : Math.min(spec.ms, this.#clock.nowMs() - w.start);
          resolve(digit === undefined ? { reason, elapsedMs: elapsed } : { reason, elapsedMs: elapsed, digit });
        },
      };
      this.#wait = w;
      if (Number.isFinite(spec.ms)) w.timer = this.#clock.after(spec.ms, () => w.finish('done'));
      this.pump();
    });
  }

  /** `uuid_break`: ends the current breakable wait. Returns whether one was running. */
  breakWait(): boolean {
    const w = this.#wait;
    if (!w || w.spec.breakable === false) return false;
    w.finish('break');
    return true;
  }

  /** Ends the current wait whatever it is (the app itself was told to stop). */
  interrupt(): void {
    this.#wait?.finish('break');
  }

  /** Runs `fn` when the channel goes down (media bugs close their files then). */
  onHangup(fn: () => void): void {
    if (this.#down) fn();
    else this.#onDown.push(fn);
  }

  /** The channel went down: every wait ends, no more digits. */
  hangup(): void {
    this.#down = true;
    this.#queue.length = 0;
    this.#clock.cancel(this.#parkTimer);
    this.#parkTimer = undefined;
    this.#wait?.finish('hangup');
    for (const fn of this.#onDown.splice(0)) fn();
  }
}
