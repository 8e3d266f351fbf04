/**
 * `<Gather>`: collects keys with FreeSWITCH's `play_and_get_digits` running for the whole input window, the nested
 * Say, Play and Pause prompts being its file (gather-input.ts, media/prompt-file.ts), so that a key is read as soon
 * as the channel sees it. Twilio's timing holds:
 * - with `bargeIn` (the default), the first key stops the prompts; with `bargeIn="false"` the prompts are played
 *   first by their own applications (`playback_terminators=none`: they play to the end, and the keys pressed meanwhile
 *   are kept), and the input application then only waits;
 * - `timeout` starts when the prompts end and starts again after each key;
 * - `finishOnKey` (default `#`, `''` for none) ends the input and is not part of Digits; `numDigits` ends it as
 *   soon as that many keys came;
 * - keys collected: the action URL (default: the current document) is requested with `Digits`; none: the next
 *   verb runs, or with `actionOnEmptyResult` the action is requested with an empty `Digits`.
 * Prompts that cannot be part of a file (`<Play digits>`, `loop="0"`) and every prompt before them run as their own
 * applications first (`playback_terminators=any`), as with `bargeIn="false"`; a key stops them and the input
 * application then only waits.
 * Speech input is not carried out (the parser warns about it); a Gather for speech only waits for keys.
 */
import type { GatherVerb } from '../../twiml/index.js';
import { isInlineBase, resolveUrl } from '../../twiml/index.js';
import { toAppError } from '../../errors.js';
import { afterPreparing, isCallEnded, setTerminators } from '../call-actions.js';
import type { CallContext } from '../call-context.js';
import { isFilePlan, promptFile } from '../media/prompt-file.js';
import { planPrompt, runPlan, type PromptPlan } from '../media/prompts.js';
import { KeyInput, readKeys } from './gather-input.js';
import { CONTINUE, navigate, type VerbHandler, type VerbOutcome } from './verb-handler.js';

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

/** Where the prompts that become the input application's file begin: after the last one that cannot. */
function fileStart(ctx: CallContext, verb: GatherVerb, plans: readonly PromptPlan[]): number {
  if (!verb.bargeIn) return plans.length;
  let start = plans.length;
  while (start > 0 && isFilePlan(ctx, plans[start - 1] as PromptPlan)) start--;
  return start;
}

async function runGather(verb: GatherVerb, ctx: CallContext): Promise<VerbOutcome> {
  const input = new KeyInput(verb);
  const plans = verb.children.map((child) => planPrompt(ctx, child, 'gather')).filter((p): p is PromptPlan => p !== undefined);
  const split = fileStart(ctx, verb, plans);
  let interrupted = false;
  let onKey: ((key: string) => void) | undefined;
  const listen = (fn: (key: string) => void): (() => void) => {
    onKey = fn;
    return () => { if (onKey === fn) onKey = undefined; };
  };
  const offDtmf = ctx.channel.on('dtmf', ({ digit }) => {
    if (!input.push(digit)) return;
    if (verb.bargeIn) interrupted = true;
    onKey?.(digit);
  });
  try {
    if (split > 0) {
      await afterPreparing(setTerminators(ctx, verb.bargeIn ? 'any' : 'none'),
        () => runPrompts(ctx, plans.slice(0, split), () => interrupted, listen));
    }
    if (!input.complete) {
      const file = interrupted ? undefined : await promptFile(ctx, plans.slice(split));
      // A key may have come while the prompt's media addresses were checked.
      if (!input.complete) await readKeys(ctx, verb, input, interrupted ? undefined : file, listen);
    }
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
