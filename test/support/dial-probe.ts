/**
 * A Dial handler for tests of the conference and queue targets: it hands a Dial holding a Conference or a Queue to
 * dialConference / dialQueue and makes the action request from their outcome (DialCallStatus, DialCallSid,
 * DialCallDuration and the outcome's extras), or goes on with the next verb. Other Dials are skipped.
 */
import { dialConference } from '../../src/call/dial/dial-conference.js';
import type { DialOutcome } from '../../src/call/dial/dial-outcome.js';
import { dialQueue } from '../../src/call/dial/dial-queue.js';
import { requestAfterHangup } from '../../src/call/fetch-document.js';
import { CONTINUE, END, navigate, type VerbHandler } from '../../src/call/verbs/index.js';
import { resolveUrl, type DialVerb } from '../../src/twiml/index.js';

/** Outcomes seen by the probe, by CallSid, in order. */
export const dialOutcomes = new Map<string, DialOutcome[]>();

export const dialProbe: VerbHandler<DialVerb> = {
  needsAnswer: false,
  async run(verb, ctx) {
    const noun = verb.nouns[0];
    let outcome: DialOutcome;
    if (noun?.kind === 'Conference') outcome = await dialConference(verb, noun, ctx);
    else if (noun?.kind === 'Queue') outcome = await dialQueue(verb, noun, ctx);
    else return CONTINUE;
    const seen = dialOutcomes.get(ctx.identity.callSid) ?? [];
    seen.push(outcome);
    dialOutcomes.set(ctx.identity.callSid, seen);
    if (verb.action === undefined) return ctx.signal.aborted ? END : CONTINUE;
    const extras = {
      ...outcome.extras,
      dialCallStatus: outcome.status,
      ...(outcome.callSid === undefined ? {} : { dialCallSid: outcome.callSid }),
      ...(outcome.duration === undefined ? {} : { dialCallDuration: outcome.duration }),
    };
    const url = resolveUrl(verb.action, ctx.state.document);
    if (!ctx.signal.aborted) return navigate(url, verb.method, extras);
    await requestAfterHangup(ctx, { url, method: verb.method, extras });
    return END;
  },
};
