/**
 * How the end of a call is reported: the `outcome` label of `pivot_calls_ended_total` and of the log lines about the
 * end. A hangup (the caller's, or the one that ends the script: a document that runs out, `<Hangup/>`, `<Reject>`) is
 * the normal end of a call: its lines carry the outcome and no error code, so that alerts on `ERR_*` codes fire on
 * failures only. Any other end (the connection lost, the server stopping, a failure) keeps the code of what ended it.
 */
import { type AppError, ERROR_CATALOGUE, type ErrorCode } from '../errors.js';

export type CallOutcome = 'completed' | 'hangup' | 'disconnected' | 'shutdown' | 'error';

/** The outcome of an ended call, from the reason its signal fired (none: the script ran out). */
export function outcomeOf(reason: AppError | undefined): CallOutcome {
  switch (reason?.code) {
    case undefined: return 'completed';
    case 'ERR_CALL_HANGUP': return 'hangup';
    case 'ERR_ESL_DISCONNECTED': return 'disconnected';
    case 'ERR_SHUTDOWN': return 'shutdown';
    default: return 'error';
  }
}

/** The fields a log line gives the end of a call: its outcome, and the code of what ended it unless it is normal. */
export function callEndFields(reason: AppError | undefined): { outcome: CallOutcome; code?: ErrorCode } {
  const outcome = outcomeOf(reason);
  return reason === undefined || isNormalEnd(outcome) ? { outcome } : { outcome, code: reason.code };
}

/** The level of the line that reports the end of a call: info for a normal end, else the catalogue's level. */
export function callEndLevel(reason: AppError | undefined): 'info' | 'warn' | 'error' {
  if (reason === undefined || isNormalEnd(outcomeOf(reason))) return 'info';
  const level = ERROR_CATALOGUE[reason.code].level;
  return level === 'debug' || level === 'info' ? 'info' : level === 'warn' ? 'warn' : 'error';
}

function isNormalEnd(outcome: CallOutcome): boolean {
  return outcome === 'completed' || outcome === 'hangup';
}
