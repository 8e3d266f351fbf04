/**
 * DialCallStatus from what the `bridge` application left on the A-leg (esl.md, bridge result variables):
 * a leg was bridged → completed; otherwise `originate_disposition` (USER_BUSY → busy; NO_ANSWER, NO_USER_RESPONSE
 * → no-answer; ORIGINATOR_CANCEL → canceled; anything else → failed). A caller who hung up before the bridge
 * reported anything cancelled the dial.
 */
import type { DialCallStatus } from './dial-outcome.js';

/** What was seen of one bridge. */
export interface BridgeReport {
  /** The uuid of the leg that was bridged, if one was. */
  readonly bridgedUuid: string | undefined;
  /** `originate_disposition` from the bridge's completion, if it came. */
  readonly disposition: string | undefined;
  /** The caller hung up before the bridge application finished. */
  readonly callerHungUp: boolean;
}

const BY_CAUSE: Readonly<Record<string, DialCallStatus>> = {
  SUCCESS: 'completed',
  'call accepted': 'completed',
  USER_BUSY: 'busy',
  NO_ANSWER: 'no-answer',
  NO_USER_RESPONSE: 'no-answer',
  ORIGINATOR_CANCEL: 'canceled',
};

/** The outcome of an originate that failed with `cause` (USER_BUSY: busy, NO_ANSWER: no-answer...); undefined for others. */
export function failedOriginateStatus(cause: string): Exclude<DialCallStatus, 'completed' | 'answered'> | undefined {
  const status = BY_CAUSE[cause];
  return status === 'completed' || status === 'answered' ? undefined : status;
}

/** The DialCallStatus of a bridge. */
export function dialCallStatus(report: BridgeReport): DialCallStatus {
  if (report.bridgedUuid !== undefined) return 'completed';
  const status = report.disposition === undefined ? undefined : failedOriginateStatus(report.disposition);
  if (status !== undefined) return status;
  return report.callerHungUp ? 'canceled' : 'failed';
}
