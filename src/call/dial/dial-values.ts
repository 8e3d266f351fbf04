/**
 * The customer values that end up in a `bridge` dial string, checked one by one. A dial string is
 * `{global vars}[leg vars]endpoint,[leg vars]endpoint|...`: FreeSWITCH expands `${...}` in it, splits legs on `,`
 * and `|`, variable lists on `,`, reads `{`, `}`, `[`, `]` and `<`, `>` as list brackets, `^^` as a delimiter switch
 * and quotes as grouping. Numbers, ids and endpoints must hold none of these (nothing there can be escaped); a value
 * inside a variable list (a SIP credential, a header value) is escaped for its list instead, and refused only when
 * it cannot be carried intact (var-list-value.ts).
 */
import { AppError, type ErrorCode } from '../../errors.js';
import { uncarriable } from './var-list-value.js';

/** Characters FreeSWITCH would read as dial-string syntax, whitespace and control characters. */
const DIAL_SYNTAX = /[\s,|^'"`\\[\]{}<>$\u0000-\u001f\u007f-\u009f]/;

/** What a phone number may contain besides digits: formatting people write and Twilio accepts. */
const NUMBER_FORMATTING = /[\s().-]/g;
const E164ISH = /^\+?[0-9]{1,20}$/;
const CALLER_ID = /^\+?[A-Za-z0-9_.-]{1,64}$/;
const DIRECTORY_ID = /^[A-Za-z0-9_.@+-]{1,128}$/;

function refuse(code: ErrorCode, what: string, value: string, why?: string): never {
  throw new AppError(code, `${what} ${JSON.stringify(value.slice(0, 60))} is refused${why === undefined ? '' : `: ${why}`}`);
}

/**
 * A number to dial: spaces, dots, dashes and brackets are dropped; what is left must be digits with an optional
 * leading `+`.
 * @throws AppError ERR_DIAL_NUMBER_REFUSED
 */
export function dialNumber(text: string): string {
  const number = text.replace(NUMBER_FORMATTING, '');
  if (!E164ISH.test(number)) refuse('ERR_DIAL_NUMBER_REFUSED', 'the number', text);
  return number;
}

/**
 * A caller id number for the dialled legs: a number or a SIP user part of letters, digits, `_ . -`.
 * @throws AppError ERR_DIAL_CALLER_ID_REFUSED
 */
export function callerIdNumber(text: string): string {
  const value = text.trim();
  if (!CALLER_ID.test(value)) refuse('ERR_DIAL_CALLER_ID_REFUSED', 'the callerId', text);
  return value;
}

/**
 * A User or Device id (Kazoo ids are 32 hex digits; user names with `@`, `.`, `-` are accepted too).
 * @throws AppError ERR_DIAL_ENDPOINT_REFUSED
 */
export function directoryId(text: string): string {
  if (!DIRECTORY_ID.test(text)) refuse('ERR_DIAL_ENDPOINT_REFUSED', 'the id', text);
  return text;
}

/**
 * A value that goes into a leg's `[...]` variable list (a SIP credential, a header value): kept as it is when it can
 * be carried intact (the dial string escapes it), else refused.
 * @throws AppError ERR_DIAL_ENDPOINT_REFUSED
 */
export function legValue(text: string, what: string): string {
  const why = uncarriable(text, 'leg');
  if (why !== undefined) refuse('ERR_DIAL_ENDPOINT_REFUSED', what, text, why);
  return text;
}

/**
 * A whole endpoint (after its template was filled in): nothing in it may split the dial string or expand.
 * @throws AppError ERR_DIAL_ENDPOINT_REFUSED
 */
export function endpointValue(text: string): string {
  if (text === '' || DIAL_SYNTAX.test(text)) refuse('ERR_DIAL_ENDPOINT_REFUSED', 'the endpoint', text);
  return text;
}
