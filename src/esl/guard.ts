/**
 * The guards of an operation on FreeSWITCH: what it may send (one line, a variable's name), and while it waits, its
 * caller's signal and its time limit.
 */
import { AppError, EslError } from '../errors.js';
import { after, noop, onAbort } from '../util/abort.js';
import type { Settleable } from './pending-execute.js';

/**
 * Rejects `deferred` when `signal` aborts (ERR_ABORTED, or the signal's own AppError) or after `timeoutMs`
 * (ERR_ESL_TIMEOUT); both guards are removed once it settles, however it settles.
 */
export function guard<T>(deferred: Settleable<T>, signal: AbortSignal | undefined, timeoutMs: number | undefined,
  timeoutMessage: () => string): void {
  if (signal === undefined && timeoutMs === undefined) return;
  const offAbort = onAbort(signal, (reason) => deferred.reject(abortedBy(reason)));
  const offTimer = timeoutMs === undefined ? noop
    : after(timeoutMs, () => deferred.reject(new EslError('ERR_ESL_TIMEOUT', timeoutMessage())));
  const dispose = (): void => {
    offAbort();
    offTimer();
  };
  deferred.promise.then(dispose, dispose);
}

export function abortedBy(reason: unknown): AppError {
  if (reason instanceof AppError) return reason;
  return new AppError('ERR_ABORTED', undefined, { cause: reason });
}

export function assertOneLine(text: string): void {
  if (/[\r\n]/.test(text)) throw new EslError('ERR_ESL_COMMAND_FAILED', 'a command cannot contain a line break');
}

export function assertVariableName(name: string): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new EslError('ERR_ESL_COMMAND_FAILED', `invalid variable name ${name}`);
}
