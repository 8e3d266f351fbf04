import { ERROR_CATALOGUE, type ErrorCode } from './errors.js';
import type { Logger } from './log.js';

/** Fields of a coded log line; `code` is given apart, so it is always one of the catalogue's. */
export type CodedFields = Readonly<Record<string, unknown>> & { readonly code?: never };

/**
 * Logs one line that reports `code`, at the level the catalogue gives it: `{ code, ...fields }` with `msg`. Every log
 * line that carries a code written in the source goes through here, so the level and the code cannot disagree.
 */
export function logCode(log: Logger, code: ErrorCode, fields: CodedFields, msg: string): void {
  log[ERROR_CATALOGUE[code].level]({ code, ...fields }, msg);
}
