/**
 * `<Gather>`: collects DTMF while the nested Say, Play and Pause prompts run, with our own DTMF handling (the
 * channel's DTMF events) so that Twilio's timing holds exactly:
 * - the prompts run with `playback_terminators=any` when `bargeIn` (the default), so the first key stops the
 *   prompt playing and the prompts after it are skipped; with `bargeIn="false"` keys are collected and the prompts
 *   play to the end;
 * - `timeout` starts when the prompts end and starts again after each key;
 * - `finishOnKey` (default `#`, `''` for none) ends the input and is not part of Digits; `numDigits` ends it as
 *   soon as that many keys came;
 * - keys collected: the action URL (default: the current document) is requested with `Digits`; none: the next
 *   verb runs, or with `actionOnEmptyResult` the action is requested with an empty `Digits`.
 * Speech input is not carried out (the parser warns about it); a Gather for speech only waits for keys.
 */
import type { GatherVerb } from '../../twiml/index.js';
import { isInlineBase, resolveUrl } from '../../twiml/index.js';
import { toAppError } from '../../errors.js';
import { after, onAbort } from '../../util/abort.js';
import { Deferred } from '../../util/deferred.js';
import { afterPreparing, isCallEnded, setTerminators } from '../call-actions.js';
import type { CallContext } from '../call-context.js';
import { planPrompt, runPlan, type PromptPlan } from '../media/prompts.js';
import { CONTINUE, navigate, type VerbHandler, type VerbOutcome } from './verb-handler.js';

/** The keys of one Gather and whether its input is complete. */
class KeyInput {
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
}

/**
 * Runs the prompts until they end or input stops them. A key FreeSWITCH's park loop took between two prompts
 * (its DTMF event comes before the next prompt's CHANNEL_EXECUTE) cannot stop that prompt by itself: it is broken
 * with `uuid_break` as soon as it starts. A key the prompt itself read has already stopped it.
 */
async function runPrompts(ctx: CallContext, plans: readonly PromptPlan[], stopped: () => boolean,
  listen: (onKeyDuringPrompt: () => void) => () => void): Promise<void> {
  let sent = false;
  let started = false;
  let breakPending = false;
  let breaking: Promise<void> | undefined;
  const breakNow = (): void => {
    breakPending = false;
    breaking = ctx.channel.breakMedia().catch((err: unknown) => {
      if (!isCallEnded(err)) ctx.log.warn({ code: toAppError(err).code }, 'could not stop the prompt');
    });
  };
  const offKey = listen(() => {
    if (stopped() && sent && !started) breakPending = true;
  });
  const offExecute = ctx.channel.on('execute', () => {
    if (!sent) return;
    started = true;
    if (breakPending) breakNow();
  });
  try {
    for (const plan of plans) {
      if (stopped()) break;
      await runPlan(ctx, plan, {
        shouldStop: stopped,
        onStep: (phase) => {
          sent = phase === 'sent';
          started = false;
          breakPending = false;
        },
      });
    }
  } finally {
    offKey();
    offExecute();
    await breaking;
  }
}

/** Waits for the input to complete, or for `timeoutMs` without a key (restarted by each key). */
async function waitForKeys(ctx: CallContext, input: KeyInput, timeoutMs: number,
  listen: (onKey: () => void) => () => void): Promise<void> {
  if (input.complete) return;
  const done = new Deferred<void>();
  let disposeTimer = after(timeoutMs, () => done.resolve());
  const offKey = listen(() => {
    disposeTimer();
    if (input.complete) done.resolve();
    else disposeTimer = after(timeoutMs, () => done.resolve());
  });
  const offAbort = onAbort(ctx.signal, (reason) => done.reject(reason));
  try {
    await done.promise;
  } finally {
    disposeTimer();
    offKey();
    offAbort();
  }
}

async function runGather(verb: GatherVerb, ctx: CallContext): Promise<VerbOutcome> {
  const input = new KeyInput(verb);
  const plans = verb.children.map((child) => planPrompt(ctx, child, 'gather')).filter((p): p is PromptPlan => p !== undefined);
  let interrupted = false;
  let onKey: (() => void) | undefined;
  const listen = (fn: () => void): (() => void) => {
    onKey = fn;
    return () => { if (onKey === fn) onKey = undefined; };
  };
  const offDtmf = ctx.channel.on('dtmf', ({ digit }) => {
    if (!input.push(digit)) return;
    if (verb.bargeIn) interrupted = true;
    onKey?.();
  });
  try {
    if (plans.length > 0) {
      await afterPreparing(setTerminators(ctx, verb.bargeIn ? 'any' : 'none'),
        () => runPrompts(ctx, plans, () => interrupted, listen));
    }
    await waitForKeys(ctx, input, verb.timeout * 1000 * ctx.settings.timeScale, listen);
  } finally {
    offDtmf();
  }
  ctx.log.debug({ verb: 'Gather', digits: input.digits.length, complete: input.complete }, 'gather ended');
  if (input.digits === '' && !verb.actionOnEmptyResult) return CONTINUE;
  // TwiML given inline has no URL of its own to post the input back to: the next verb runs (twiml/inline.ts).
  if (verb.action === undefined && isInlineBase(ctx.state.document)) return CONTINUE;
  const action = verb.action === undefined ? ctx.state.document : resolveUrl(verb.action, ctx.state.document);
  return navigate(action, verb.method, { digits: input.digits });
}

/** The `<Gather>` handler. */
export const gather: VerbHandler<GatherVerb> = {
  needsAnswer: true,
  run: runGather,
};
