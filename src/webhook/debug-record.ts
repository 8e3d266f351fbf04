import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorCode } from '../errors.js';
import { REDACTED } from '../util/secrets.js';
import type { Params } from './params.js';

/** Durations of one webhook request, retries and redirects included. */
export interface WebhookTiming {
  /** When the request started, in epoch milliseconds. */
  readonly startedAt: number;
  /** From the start of the last attempt until it had a connection. */
  readonly connectMs: number | undefined;
  /** From the start of the last attempt until its response headers arrived. */
  readonly headersMs: number | undefined;
  /** From the start until the body was read or the request failed. */
  readonly totalMs: number;
}

/**
 * What a per-call debug log keeps about one webhook request. It never holds the auth token, the signature or
 * credentials from the URL.
 */
export interface WebhookDebugRecord {
  readonly method: string;
  /** The URL first requested (with the query a GET adds), without credentials or fragment. */
  readonly url: string;
  readonly params: Params;
  /** Attempts made on the last URL (1 + retries). */
  readonly attempts: number;
  /** The redirect targets followed, in order, without credentials. */
  readonly redirects: readonly string[];
  /** Headers of the last attempt; Authorization and X-Twilio-Signature are replaced by {@link REDACTED}. */
  readonly requestHeaders?: Readonly<Record<string, string>>;
  readonly status?: number;
  readonly responseHeaders?: Readonly<Record<string, string>>;
  /** The start of the response body, decoded as UTF-8. */
  readonly bodyExcerpt?: string;
  readonly timing: WebhookTiming;
  readonly errorCode?: ErrorCode;
  readonly twilioCode?: number;
  readonly errorMessage?: string;
}

/** Receives the debug record of each request once it has finished, successfully or not. */
export type DebugSink = (record: WebhookDebugRecord) => void;

/** Request and response headers whose values are secrets. */
const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization', 'proxy-authorization', 'x-twilio-signature', 'cookie', 'set-cookie',
]);

/** `headers` with the values of secret headers (credentials, signature, cookies) replaced. */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value;
  return out;
}

/** `url` as text without user name, password or fragment. */
export function redactUrl(url: URL): string {
  if (url.username === '' && url.password === '' && url.hash === '') return url.href;
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  copy.hash = '';
  return copy.href;
}

/** Response headers as one string per name (repeated headers joined with `, `). */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The first `maxBytes` of `body` as UTF-8 text (a character cut in half is replaced). */
export function bodyExcerpt(body: Uint8Array, maxBytes: number): string {
  return Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, maxBytes)).toString('utf8');
}
