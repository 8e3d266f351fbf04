/**
 * `<Dial timeLimit>` of ringing nouns: the bridge may last timeLimit seconds, counted from the moment the caller's
 * socket sees CHANNEL_BRIDGE. This server's own timer then hangs the bridged leg up (`uuid_kill <leg>
 * ALLOTTED_TIMEOUT`), which ends the bridge; the caller goes on with the Dial's action.
 *
 * FreeSWITCH's `sched_hangup +N` cannot do it alone: it works in whole seconds of the switch's clock (it is due when
 * the epoch second reaches the current one plus N, so it fires between N-1 and N s after it was run: a 5 s limit
 * cut the bridge at 4.5 s). It stays as the backstop for a server that lost the call's socket, run on the answering
 * leg by `execute_on_answer` with two seconds more: `+N+1` could fall due a millisecond after N s (an answer just
 * before a second boundary) and race this server's timer, whereas `+N+2` fires between N+1 and N+2 s. (A leg with
 * a whisper answers before it is bridged: its backstop counts the whisper too.)
 */
import { HangupCause } from '../../esl/index.js';
import { afterAtLeast } from '../../util/abort.js';
import { isCallEnded } from '../call-actions.js';
import type { CallContext } from '../call-context.js';
import { ON_ANSWER } from './dial-legs.js';
import { logCode } from '../../log-code.js';

/** The leg variable of the backstop: `sched_hangup` at least one second past the limit, run when the leg answers. */
export function timeLimitBackstop(seconds: number): readonly [string, string] {
  return [`${ON_ANSWER}_limit`, `sched_hangup +${seconds + 2} ${HangupCause.AllottedTimeout}`];
}

/** The timer of one bridge: started when it is bridged, stopped when it ends; no timer outlives the bridge. */
export class BridgeTimeLimit {
  readonly #ctx: CallContext;
  readonly #seconds: number;
  #cancel: (() => void) | undefined;
  #kill: Promise<void> | undefined;

  constructor(ctx: CallContext, seconds: number) {
    this.#ctx = ctx;
    this.#seconds = seconds;
  }

  /** The leg `legUuid` is bridged: it is hung up timeLimit seconds from now. */
  start(legUuid: string): void {
    this.stop();
    const ms = this.#seconds * 1000 * this.#ctx.settings.timeScale;
    this.#cancel = afterAtLeast(ms, () => {
      this.#cancel = undefined;
      this.#kill = this.#hangUp(legUuid);
    });
  }

  /** The bridge ended: the timer is cleared. */
  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  /** Clears the timer and waits for a hangup it started. Never rejects. */
  async finish(): Promise<void> {
    this.stop();
    await this.#kill;
  }

  async #hangUp(legUuid: string): Promise<void> {
    const ctx = this.#ctx;
    ctx.log.info({ verb: 'Dial', timeLimit: this.#seconds, leg: legUuid }, 'timeLimit reached; the callee is hung up');
    try {
      const out = await ctx.channel.api(`uuid_kill ${legUuid} ${HangupCause.AllottedTimeout}`);
      if (out.startsWith('-ERR')) ctx.log.debug({ leg: legUuid, reply: out.trim() }, 'the callee had already hung up');
    } catch (err) {
      if (!isCallEnded(err)) logCode(ctx.log, 'ERR_ESL_COMMAND_FAILED', { leg: legUuid, err: (err as Error).message }, 'timeLimit hangup failed');
    }
  }
}
