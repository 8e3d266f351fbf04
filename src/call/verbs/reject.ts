/**
 * `<Reject>`: refuses the call without answering it. `reason="rejected"` (default) hangs up with CALL_REJECTED,
 * which FreeSWITCH sends as SIP 603; `reason="busy"` with USER_BUSY, SIP 486. On a call that is already answered
 * (Kazoo may answer before the hand-off) FreeSWITCH simply hangs up with that cause.
 */
import type { RejectVerb } from '../../twiml/index.js';
import { HangupCause } from '../../esl/index.js';
import { hangupCall } from '../call-actions.js';
import { END, type VerbHandler } from './verb-handler.js';

/** The `<Reject>` handler. */
export const reject: VerbHandler<RejectVerb> = {
  needsAnswer: false,
  async run(verb, ctx) {
    await hangupCall(ctx, verb.reason === 'busy' ? HangupCause.UserBusy : HangupCause.CallRejected);
    return END;
  },
};
