/**
 * When a call was answered and when it hung up, as its channel's events say (FreeSWITCH's clock), for
 * CallDuration. Should FreeSWITCH's hangup never reach this server (the socket was lost), the duration is
 * estimated from this server's clock since the answer was seen.
 *
 * Watching may start after the answer (a status callback given on an update of a call that had none): the answer
 * time is then not in the channel data of the call's start, and is taken from the hangup's events, which carry it
 * (`Caller-Channel-Answered-Time`, and CHANNEL_HANGUP_COMPLETE's `variable_answer_uepoch`).
 */
import type { EslChannel } from '../../esl/index.js';
import { answeredAtUs, hungUpAtUs, scaledSeconds, type Timestamped, wholeSeconds } from '../durations.js';

/** Watches one channel's answer and hangup; {@link dispose} removes its listeners. */
export class CallTimes {
  readonly #timeScale: number;
  readonly #offs: Array<() => void>;
  #answeredUs: number | undefined;
  /** `performance.now()` when the answer was seen. */
  #answerSeenMs: number | undefined;
  #hungUpUs: number | undefined;

  /** `timeScale`: the engine's (1 in production), for the estimate only. */
  constructor(channel: EslChannel, timeScale: number) {
    this.#timeScale = timeScale;
    if (channel.answered) this.#answered(answeredAtUs(channel.data));
    this.#offs = [
      channel.on('answer', ({ event }) => this.#answered(answeredAtUs(event))),
      channel.on('hangup', ({ event }) => this.#hungUp(event)),
      channel.on('hangupComplete', ({ event }) => this.#hungUp(event)),
    ];
  }

  /** Whole seconds from the answer to the hangup (0 for a call never answered). */
  seconds(): number {
    if (this.#answerSeenMs === undefined) return 0;
    if (this.#answeredUs !== undefined && this.#hungUpUs !== undefined) return wholeSeconds(this.#answeredUs, this.#hungUpUs);
    return scaledSeconds(performance.now() - this.#answerSeenMs, this.#timeScale);
  }

  /** Stops watching the channel. */
  dispose(): void {
    for (const off of this.#offs.splice(0)) off();
  }

  #hungUp(event: Timestamped): void {
    this.#hungUpUs ??= hungUpAtUs(event);
    // An answer seen without its time (watched from after it): the hangup says when it was.
    if (this.#answerSeenMs !== undefined) this.#answeredUs ??= answeredAtUs(event);
  }

  #answered(atUs: number | undefined): void {
    if (this.#answerSeenMs !== undefined) return;
    this.#answerSeenMs = performance.now();
    this.#answeredUs = atUs;
  }
}
