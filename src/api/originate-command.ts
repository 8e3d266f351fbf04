/**
 * The `originate` of a call created through the API, as one `bgapi` line:
 *
 *   originate '{origination_uuid=<uuid>,origination_caller_id_number=<from>,originate_timeout=<s>,
 *     ignore_early_media=true[,execute_on_answer_pivot_limit=sched_hangup +N+2 ALLOTTED_TIMEOUT]}[leg vars]<endpoint>'
 *     '&socket(<this server's outbound socket> async full)'
 *
 * The endpoint and its leg variables come from the `call.dial.*` templates and the same checks as `<Dial>`
 * (dial-endpoints.ts); the variable lists are written by the dial-string writer, which escapes or refuses every
 * value; nothing from the request becomes FreeSWITCH syntax. `ignore_early_media` makes the originate return on
 * the answer only (early media would otherwise count as one), so the socket application starts on an answered call.
 * mod_commands splits the originate line on spaces outside single quotes (switch_separate_string, which removes the
 * quotes and leaves `\,` alone): the call url, whose values may hold spaces (the backstop's), and the `&socket(...)`
 * word are each quoted whole. Neither can hold a quote: values with one are refused (var-list-value.ts), and so
 * are endpoints (dial-values.ts).
 */
import { type DialEndpoint, dialString, timeLimitBackstop, type VarList } from '../call/index.js';
import { AppError } from '../errors.js';

/** What one originate is made of, checked already. */
export interface OriginateSpec {
  readonly uuid: string;
  readonly endpoint: DialEndpoint;
  /** The checked caller id number (callerIdNumber). */
  readonly callerId: string;
  /** Ring seconds before NO_ANSWER. */
  readonly timeoutSeconds: number;
  /** Seconds the call may last once answered: FreeSWITCH's backstop for this server's own timer. */
  readonly timeLimitSeconds?: number | undefined;
  /** `host:port[|host:port…]` of this server's outbound socket as the node reaches it. */
  readonly socket: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SOCKET = /^[A-Za-z0-9.:_[\]-]+:\d{1,5}(\|[A-Za-z0-9.:_[\]-]+:\d{1,5})*$/;

/**
 * The originate command (without `bgapi`).
 * @throws AppError ERR_INTERNAL when a value that should have been checked is not safe to write
 */
export function originateCommand(spec: OriginateSpec): string {
  if (!UUID.test(spec.uuid)) throw new AppError('ERR_INTERNAL', 'the origination uuid is not a lower-case uuid');
  if (!SOCKET.test(spec.socket)) throw new AppError('ERR_INTERNAL', `the socket target ${spec.socket.slice(0, 80)} is not host:port`);
  const integer = (n: number): string => {
    if (!Number.isInteger(n) || n < 1) throw new AppError('ERR_INTERNAL', `${n} is not a whole number of seconds`);
    return String(n);
  };
  const vars: VarList = [
    ['origination_uuid', spec.uuid],
    ['origination_caller_id_number', spec.callerId],
    ['originate_timeout', integer(spec.timeoutSeconds)],
    ['ignore_early_media', 'true'],
    ...(spec.timeLimitSeconds === undefined ? [] : [timeLimitBackstop(Number(integer(spec.timeLimitSeconds)))]),
  ];
  return `originate '${dialString(vars, [spec.endpoint])}' '&socket(${spec.socket} async full)'`;
}
