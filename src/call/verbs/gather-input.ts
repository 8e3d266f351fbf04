/**
 * The keys of a `<Gather>` and the FreeSWITCH application that reads them.
 *
 * The keys themselves come from the channel's DTMF events ({@link KeyInput}): FreeSWITCH raises one for every key
 * it takes, whoever takes it (the input application, a prompt, or the park loop between applications, which keeps
 * none for the next one: esl.md 1.7), so Digits is exactly the keys pressed since the Gather began.
 *
 * What reads them is `play_and_get_digits` ({@link readKeys}), running for the whole input window: its prompt file
 * (prompt-file.ts) plays, the first key stops it, and keys are then read until `finishOnKey`, `numDigits` or the
 * timeout. A key the channel sees while an input application runs is reported at once (about 20 ms on a real switch);
 * one that arrives while the channel idles in the socket application's park loop takes 70–95 ms.
 *
 * Its arguments model Twilio's timing (esl.md 2.2, switch_ivr_read):
 * - min 0, one try, no invalid-input file and no variable: the keys come from the events, and a try with no keys
 *   ends at once (no invalid prompt);
 * - max: the keys still wanted (numDigits less those already taken), else {@link MAX_KEYS} (its 128-byte buffer);
 * - timeout and digit timeout both the Gather's `timeout`: FreeSWITCH starts the first when the file has played and
 *   the second again after each key, which is Twilio's "from the end of the prompts, and again after each key";
 * - terminators: `finishOnKey` (a terminator pressed during the prompt ends the input too) plus {@link STOP_KEY}.
 *
 * `uuid_break` stops the prompt file but not the wait for keys (switch_ivr_collect_digits_count does not look at
 * the break flag), so the server ends the application by handing it {@link STOP_KEY} (`uuid_recv_dtmf`): when the
 * Gather is interrupted from outside, or when keys the park loop took complete the input before the application
 * could count them.
 */
import type { GatherVerb } from '../../twiml/index.js';
import { toAppError } from '../../errors.js';
import { onAbort } from '../../util/abort.js';
import { Deferred } from '../../util/deferred.js';
import { isCallEnded } from '../call-actions.js';
import type { CallContext } from '../call-context.js';

/** The input application. */
export const INPUT_APP = 'play_and_get_digits';

/** The most keys play_and_get_digits reads (its buffer is 128 bytes, the last one ends the string). */
export const MAX_KEYS = 127;

/** A terminator the caller's keys never are (TwiML keys are 0-9, # and *): the server's way to end the reading. */
export const STOP_KEY = 'D';

/** The keys of one Gather and whether its input is complete. */
export class KeyInput {
  digits = '';
  complete = false;
  readonly #finishOnKey: string;
  readonly #numDigits: number | undefined;

  constructor(verb: GatherVerb) {
    this.#finishOnKey = verb.finishOnKey;
    this.#numDigits = verb.numDigits;
  }

  /** Takes one key; returns false when the input was already complete. */
  push(key: string): boolean {
    if (this.complete) return false;
    if (this.#finishOnKey !== '' && key === this.#finishOnKey) {
      this.complete = true;
    } else {
      this.digits += key;
      if (this.#numDigits !== undefined && this.digits.length >= this.#numDigits) this.complete = true;
    }
    return true;
  }

  /** How many more keys the input takes at most. */
  get wanted(): number {
    return Math.min(MAX_KEYS, (this.#numDigits ?? MAX_KEYS) - this.digits.length);
  }
}

/** The `play_and_get_digits` argument: `file` is the prompt file (prompt-file.ts), undefined for none. */
export function inputAppArg(verb: GatherVerb, wanted: number, file: string | undefined): string {
  const timeoutMs = verb.timeout * 1000;
  return `0 ${wanted} 1 ${timeoutMs} ${verb.finishOnKey}${STOP_KEY} ${file === undefined ? 'silence' : `'${file}'`}`;
}

/** Hands the input application {@link STOP_KEY}; a call already gone is no failure. */
function sendStopKey(ctx: CallContext): void {
  ctx.channel.api(`uuid_recv_dtmf ${ctx.channel.uuid} ${STOP_KEY}`).catch((err: unknown) => {
    if (!isCallEnded(err)) ctx.log.warn({ code: toAppError(err).code }, 'could not stop the key input');
  });
}

/**
 * After the Gather was interrupted: the input application is stopped if it runs, or as soon as it starts; when
 * another application starts first, it never will (the interruption's `uuid_break all` dropped it).
 */
function stopWhenRunning(ctx: CallContext, started: boolean): void {
  if (started) {
    sendStopKey(ctx);
    return;
  }
  const offEnd = onAbort(ctx.channel.signal, () => off());
  const offExecute = ctx.channel.on('execute', ({ application }) => {
    off();
    if (application === INPUT_APP) sendStopKey(ctx);
  });
  function off(): void {
    offExecute();
    offEnd();
  }
}

/**
 * Reads keys into `input` with the input application until it ends: at `finishOnKey`, at `numDigits`, or after
 * `timeout` without a key. `listen` registers the Gather's handler of each key it took. When keys the application
 * did not read (the park loop took them before it started) complete the input, this returns at once, and the
 * application is stopped as soon as it runs.
 */
export async function readKeys(ctx: CallContext, verb: GatherVerb, input: KeyInput, file: string | undefined,
  listen: (onKey: (key: string) => void) => () => void): Promise<void> {
  const wanted = input.wanted;
  let started = false;
  let read = 0;
  let stopped = false;
  const completedElsewhere = new Deferred<void>();
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    sendStopKey(ctx);
  };
  const offExecute = ctx.channel.on('execute', ({ application }) => {
    if (application !== INPUT_APP || started) return;
    started = true;
    if (input.complete) stop();
  });
  const offKey = listen((key) => {
    if (started) read++;
    if (!input.complete) return;
    // The application ends by itself on a key it read that completes the input (numDigits, finishOnKey).
    if (started && (key === verb.finishOnKey || read >= wanted)) return;
    if (started) stop();
    completedElsewhere.resolve();
  });
  const running = ctx.channel.execute(INPUT_APP, inputAppArg(verb, wanted, file), { signal: ctx.signal });
  void running.then(() => true, () => false).then((completed) => {
    offExecute();
    if (!completed && !stopped && ctx.signal.aborted && !ctx.channel.signal.aborted) stopWhenRunning(ctx, started);
  });
  try {
    await Promise.race([running, completedElsewhere.promise]);
  } finally {
    offKey();
  }
}
