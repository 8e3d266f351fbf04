/**
 * The policy around single attempts: the total time budget, retries per the connection overrides, and redirects.
 * Redirects are followed here rather than by undici's redirect interceptor because each hop must be re-checked
 * (http/https only), re-signed for its own URL, limited to GET, and recorded in the debug record.
 */
import type { Dispatcher } from 'undici';
import { AppError } from '../errors.js';
import { after, onAbort } from '../util/abort.js';
import { attempt, type AttemptResponse, type AttemptSpec } from './attempt.js';
import type { ConnectionOverrides, RetryCondition } from './connection-overrides.js';
import { bodyExcerpt, flattenHeaders, redactHeaders, redactUrl, type WebhookDebugRecord } from './debug-record.js';
import type { Params } from './params.js';
import { WebhookError } from './webhook-error.js';

/** What one hop sends: its URL without credentials, its headers and its body. */
export interface HopRequest {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: AttemptBody;
}

type AttemptBody = NonNullable<AttemptSpec['body']>;

/** A request together with the policy it is sent under. */
export interface SendSpec {
  readonly dispatcher: Dispatcher;
  readonly method: 'GET' | 'POST' | 'PUT';
  /** The first URL, fragment already removed; it may carry credentials. */
  readonly url: URL;
  /** The parameters, for the debug record only. */
  readonly params: Params;
  readonly overrides: ConnectionOverrides;
  /** Builds the request for a URL (signature, credentials, body). Called once per attempt. */
  readonly prepare: (url: URL) => HopRequest;
  /** Whether a failed attempt may be sent again (false for a one-shot stream body). */
  readonly repeatable: boolean;
  readonly maxRedirects: number;
  /** Keep the 2xx body (a document): it must then be non-empty and at most `maxBodyBytes`. */
  readonly keepBody: boolean;
  readonly maxBodyBytes: number;
  readonly excerptBytes: number;
  /** The caller's signal; its reason is thrown when it aborts (wrapped as ERR_ABORTED unless an AppError). */
  readonly signal: AbortSignal | undefined;
}

/** The final successful reply and the URL it came from. */
export interface SendResult extends AttemptResponse {
  readonly url: URL;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface SendState {
  attempts: number;
  redirects: string[];
  last: AttemptResponse | undefined;
  connectMs: number | undefined;
  /** Headers of the last attempt, credentials and signature redacted. */
  requestHeaders: Readonly<Record<string, string>> | undefined;
}

/** What {@link send} produces: a debug record always, and either the 2xx reply or the error. */
export interface SendOutcome {
  readonly result?: SendResult;
  readonly error?: AppError;
  readonly debug: WebhookDebugRecord;
}

/** Sends per `spec`; always produces a debug record, and either a 2xx reply or the error. */
export async function send(spec: SendSpec): Promise<SendOutcome> {
  const startedAt = Date.now();
  const t0 = performance.now();
  const budget = new AbortController();
  let current = spec.url;
  const stopCaller = onAbort(spec.signal, (reason) =>
    budget.abort(reason instanceof AppError ? reason : new AppError('ERR_ABORTED', undefined, { cause: reason })),
  );
  const stopTotal = after(spec.overrides.totalTimeoutMs, () =>
    budget.abort(new WebhookError('ERR_WEBHOOK_TIMEOUT', redactUrl(current), {
      message: `no complete reply within the total time of ${spec.overrides.totalTimeoutMs} ms`,
    })),
  );
  const state: SendState = { attempts: 0, redirects: [], last: undefined, connectMs: undefined, requestHeaders: undefined };
  let result: SendResult | undefined;
  let error: AppError | undefined;
  try {
    for (let hop = 0; ; hop++) {
      const res = await sendWithRetries(spec, current, budget.signal, state);
      const location = res.headers.location;
      if (REDIRECTS.has(res.status) && typeof location === 'string') {
        if (spec.method !== 'GET') throw statusError(current, res.status, `a ${spec.method} request is not redirected`);
        if (hop >= spec.maxRedirects) {
          throw new WebhookError('ERR_WEBHOOK_TOO_MANY_REDIRECTS', redactUrl(current), { status: res.status });
        }
        current = redirectTarget(current, location);
        state.redirects.push(redactUrl(current));
        continue;
      }
      if (res.status < 200 || res.status >= 300) throw statusError(current, res.status);
      if (spec.keepBody && res.body.length === 0) {
        throw new WebhookError('ERR_WEBHOOK_EMPTY_BODY', redactUrl(current), { status: res.status });
      }
      result = { ...res, url: current };
      break;
    }
  } catch (err) {
    error = err instanceof AppError ? err : new AppError('ERR_INTERNAL', String(err), { cause: err });
  } finally {
    stopTotal();
    stopCaller();
  }
  const last = state.last;
  const status = last?.status ?? (error instanceof WebhookError ? error.status : undefined);
  const debug: WebhookDebugRecord = {
    method: spec.method,
    url: redactUrl(spec.url),
    params: spec.params,
    attempts: state.attempts,
    redirects: state.redirects,
    ...(state.requestHeaders && { requestHeaders: state.requestHeaders }),
    ...(status !== undefined && { status }),
    ...(last && {
      responseHeaders: flattenHeaders(last.headers),
      bodyExcerpt: bodyExcerpt(last.body, spec.excerptBytes),
    }),
    timing: { startedAt, connectMs: state.connectMs, headersMs: last?.headersMs, totalMs: performance.now() - t0 },
    ...(error && { errorCode: error.code, twilioCode: error.twilioCode, errorMessage: error.message }),
  };
  return { ...(result && { result }), ...(error && { error }), debug };
}

async function sendWithRetries(
  spec: SendSpec,
  url: URL,
  signal: AbortSignal,
  state: SendState,
): Promise<AttemptResponse> {
  for (let made = 0; ; ) {
    const hop = spec.prepare(url);
    state.requestHeaders = redactHeaders(hop.headers);
    made++;
    state.last = undefined;
    state.attempts = made;
    const retriesLeft = spec.repeatable && made <= spec.overrides.retryCount;
    const outcome = await attempt({
      dispatcher: spec.dispatcher,
      url: hop.url,
      method: spec.method,
      headers: hop.headers,
      ...(hop.body !== undefined && { body: hop.body }),
      connectTimeoutMs: spec.overrides.connectTimeoutMs,
      readTimeoutMs: spec.overrides.readTimeoutMs,
      signal,
      maxBodyBytes: spec.maxBodyBytes,
      keepBody: spec.keepBody,
      excerptBytes: spec.excerptBytes,
    });
    if (outcome.ok) {
      const res = outcome.response;
      state.last = res;
      state.connectMs = res.connectMs;
      const condition: RetryCondition | undefined = res.status >= 500 ? '5xx' : res.status >= 400 ? '4xx' : undefined;
      if (condition && retriesLeft && !signal.aborted && spec.overrides.retryPolicy.has(condition)) continue;
      return res;
    }
    state.connectMs = outcome.connectMs;
    const condition = retryConditionOf(outcome.error);
    if (condition && retriesLeft && !signal.aborted && spec.overrides.retryPolicy.has(condition)) continue;
    throw outcome.error;
  }
}

/** Connect failures (refused, reset, connect timeout) count as `ct`; read timeouts as `rt`. */
function retryConditionOf(error: AppError): RetryCondition | undefined {
  if (error.code === 'ERR_WEBHOOK_NETWORK' || error.code === 'ERR_WEBHOOK_CONNECT_TIMEOUT') return 'ct';
  if (error.code === 'ERR_WEBHOOK_TIMEOUT') return 'rt';
  return undefined;
}

function statusError(url: URL, status: number, message?: string): WebhookError {
  return new WebhookError('ERR_WEBHOOK_HTTP_STATUS', redactUrl(url), {
    status,
    message: message ?? `the webhook server answered ${status}`,
  });
}

function redirectTarget(from: URL, location: string): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch (cause) {
    throw new WebhookError('ERR_WEBHOOK_BAD_URL', redactUrl(from), { message: 'redirect to an invalid URL', cause });
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new WebhookError('ERR_WEBHOOK_BAD_URL', redactUrl(next), { message: 'redirect to a non-http(s) URL' });
  }
  next.hash = '';
  return next;
}
