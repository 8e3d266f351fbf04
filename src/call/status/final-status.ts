/**
 * The CallStatus of a call that has ended, as Twilio reports it in the `completed` status callback:
 * - an answered call is `completed`, whoever hung up and however;
 * - an unanswered call ends `busy`, `no-answer`, `canceled` or `failed` (Twilio uses these only for calls that
 *   were never answered):
 *   - `<Reject reason="busy">` (USER_BUSY) is `busy`, `<Reject>` / `reason="rejected"` (CALL_REJECTED) is
 *     `no-answer`: Twilio's `<Reject>` ends the call "with a status of busy or no-answer, depending on the reason";
 *   - a call refused before its script ran (no voice URL, account over its limit) or whose script failed, and a
 *     call whose Event Socket connection was lost or shut down, is `failed`;
 *   - the caller hanging up before the answer (ORIGINATOR_CANCEL, or any cause we did not ask for) is `canceled`,
 *     except NO_ANSWER / NO_USER_RESPONSE / ALLOTTED_TIMEOUT (`no-answer`) and USER_BUSY (`busy`);
 *   - a script that ran out before anything answered (only `<Set>`, say) and was hung up by us is `completed`.
 */
import type { CallEndedError } from '../../errors.js';
import type { CallEndStatus } from '../call-lifecycle.js';

/** How a call ended, as the engine saw it. */
export interface CallEnding {
  readonly answered: boolean;
  /** The call was refused before its script, or its script failed. */
  readonly failed: boolean;
  /** The hangup cause this server asked for, if it hung the call up. */
  readonly requestedCause: string | undefined;
  /** The reason of the call's signal, if it fired. */
  readonly endReason: CallEndedError | undefined;
}

const NO_ANSWER_CAUSES: ReadonlySet<string> = new Set(['NO_ANSWER', 'NO_USER_RESPONSE', 'ALLOTTED_TIMEOUT', 'CALL_REJECTED']);

/** The final CallStatus of a call. */
export function finalCallStatus(ending: CallEnding): CallEndStatus {
  if (ending.answered) return 'completed';
  if (ending.failed) return 'failed';
  const cause = ending.requestedCause ?? ending.endReason?.hangupCause;
  if (cause === 'USER_BUSY') return 'busy';
  if (cause !== undefined && NO_ANSWER_CAUSES.has(cause)) return 'no-answer';
  if (ending.requestedCause !== undefined) return 'completed';
  if (ending.endReason === undefined || ending.endReason.code !== 'ERR_CALL_HANGUP') return 'failed';
  return 'canceled';
}
