/**
 * `<Hangup>`: ends the call. Like Twilio, it answers first: only `<Reject>` ends a call without answering it.
 */
import type { HangupVerb } from '../../twiml/index.js';
import { HangupCause } from '../../esl/index.js';
import { hangupCall } from '../call-actions.js';
import { END, type VerbHandler } from './verb-handler.js';

/** The `<Hangup>` handler. */
export const hangup: VerbHandler<HangupVerb> = {
  needsAnswer: true,
  async run(_verb, ctx) {
    await hangupCall(ctx, HangupCause.NormalClearing);
    return END;
  },
};
