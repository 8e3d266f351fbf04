/**
 * Redaction of a debug record before it is kept: besides what the client never records (auth token, signature,
 * URL credentials), parameter values, query values and TwiML attributes whose names speak of secrets, and
 * secret response headers.
 */
import { REDACTED, redactQuery, SECRET_NAME } from '../util/secrets.js';
import { redactHeaders, type WebhookDebugRecord } from './debug-record.js';
import type { Params } from './params.js';

/** `password="…"` style attributes in a TwiML body (a `<Sip password>`, for example). */
const SECRET_ATTRIBUTE = /([\w:-]*(?:pass(?:word|wd)?|secret|token|auth|credential|api[-_]?key)[\w:-]*\s*=\s*)("[^"]*"|'[^']*')/gi;

function redactParams(params: Params): Params {
  return params.map(([name, value]) => [name, SECRET_NAME.test(name) ? REDACTED : value] as const);
}

/** A `<Variable>` (or `<Set>` pair) element, whose value is a secret when its key names one. */
const VARIABLE_ELEMENT = /<(?:Variable|Set)\b[^>]*>/g;
const KEY_ATTRIBUTE = /\bkey\s*=\s*("[^"]*"|'[^']*')/;
const VALUE_ATTRIBUTE = /(\bvalue\s*=\s*)("[^"]*"|'[^']*')/;

/** Secret attribute values in a body excerpt replaced, and the values of variables with secret keys. */
export function redactBody(text: string): string {
  const attributes = text.replace(SECRET_ATTRIBUTE, (_match, name: string, quoted: string) => `${name}${quoted[0]}${REDACTED}${quoted[0]}`);
  return attributes.replace(VARIABLE_ELEMENT, (element) => {
    const key = KEY_ATTRIBUTE.exec(element)?.[1];
    if (key === undefined || !SECRET_NAME.test(key)) return element;
    return element.replace(VALUE_ATTRIBUTE, (_match, name: string, quoted: string) => `${name}${quoted[0]}${REDACTED}${quoted[0]}`);
  });
}

/** The record as a debug log keeps it. */
export function redactDebugRecord(record: WebhookDebugRecord): WebhookDebugRecord {
  return {
    ...record,
    url: redactQuery(record.url),
    redirects: record.redirects.map(redactQuery),
    params: redactParams(record.params),
    ...(record.requestHeaders && { requestHeaders: redactHeaders(record.requestHeaders) }),
    ...(record.responseHeaders && { responseHeaders: redactHeaders(record.responseHeaders) }),
    ...(record.bodyExcerpt !== undefined && { bodyExcerpt: redactBody(record.bodyExcerpt) }),
  };
}
