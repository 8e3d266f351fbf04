/**
 * `<Dial>`: connects the caller to a conference, a queue, or ringing endpoints (dial/ring-dial.ts), then, from the
 * outcome, requests `action` (method, default POST) with DialCallStatus, DialCallSid, DialCallDuration and the
 * outcome's extras, or goes on with the next verb when there is no action. The caller stays up after the bridge
 * whatever happened, as Twilio does (Kazoo Pivot hangs up). When the caller hung up during the dial, the action is
 * still requested (CallStatus=completed) and the call's script ends.
 *
 * The caller is answered first unless `answerOnBridge` is set: then the bridge answers it when a callee answers,
 * and it hears the callee's ringing (or the ringTone) meanwhile.
 */
import { resolveUrl, type DialVerb, type RingNoun } from '../../twiml/index.js';
import type { RequestExtras } from '../../webhook/index.js';
import { ensureAnswered } from '../call-actions.js';
import type { CallContext } from '../call-context.js';
import { dialConference } from '../dial/dial-conference.js';
import type { DialOutcome } from '../dial/dial-outcome.js';
import { dialQueue } from '../dial/dial-queue.js';
import { ringNouns } from '../dial/ring-dial.js';
import { requestAfterHangup } from '../fetch-document.js';
import { CONTINUE, END, navigate, type VerbHandler, type VerbOutcome } from './verb-handler.js';

function isRingNoun(noun: DialVerb['nouns'][number]): noun is RingNoun {
  return noun.kind !== 'Conference' && noun.kind !== 'Queue';
}

async function connect(verb: DialVerb, ctx: CallContext): Promise<DialOutcome> {
  const first = verb.nouns[0];
  if (first?.kind === 'Conference') return dialConference(verb, first, ctx);
  if (first?.kind === 'Queue') return dialQueue(verb, first, ctx);
  return ringNouns(verb, verb.nouns.filter(isRingNoun), ctx);
}

function extrasOf(outcome: DialOutcome): RequestExtras {
  return {
    ...outcome.extras,
    dialCallStatus: outcome.status,
    ...(outcome.callSid === undefined ? {} : { dialCallSid: outcome.callSid }),
    ...(outcome.duration === undefined ? {} : { dialCallDuration: outcome.duration }),
  };
}

async function runDial(verb: DialVerb, ctx: CallContext): Promise<VerbOutcome> {
  if (!verb.answerOnBridge) await ensureAnswered(ctx);
  const outcome = await connect(verb, ctx);
  if (verb.action === undefined) return ctx.signal.aborted ? END : CONTINUE;
  const url = resolveUrl(verb.action, ctx.state.document);
  if (!ctx.signal.aborted) return navigate(url, verb.method, extrasOf(outcome));
  await requestAfterHangup(ctx, { url, method: verb.method, extras: extrasOf(outcome) });
  return END;
}

/** The `<Dial>` handler; it answers the caller itself (or leaves it to the bridge with answerOnBridge). */
export const dial: VerbHandler<DialVerb> = {
  needsAnswer: false,
  run: runDial,
};
