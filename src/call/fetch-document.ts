/**
 * Fetching the next document of a call: the request (with the call's parameters), the content-type check, the
 * parse. Every failure comes out as an AppError with its code (ERR_WEBHOOK_* for the request, ERR_TWIML_* for the
 * content type and the document), and every request is logged on one line.
 */
import { callEndFields } from '../esl/index.js';
import { type AppError, toAppError } from '../errors.js';
import { classifyContentType, parseTwiml, type TwimlDocument } from '../twiml/index.js';
import { redactUrl } from '../webhook/index.js';
import { isCallEnded, requestParams } from './call-actions.js';
import type { CallContext } from './call-context.js';
import { wasInterrupted } from './live-calls.js';
import type { Navigation } from './verbs/verb-handler.js';
import { logCode } from '../log-code.js';

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

/**
 * Requests `nav` and returns the parsed document (its source is the final URL, after any redirect).
 * @throws CallEndedError when the call ends meanwhile (the request is aborted); AppError with the failure's code.
 */
export async function fetchDocument(ctx: CallContext, nav: Navigation): Promise<TwimlDocument> {
  if (nav.document !== undefined) {
    // Given inline and parsed already: no request.
    ctx.log.info({ verbs: nav.document.verbs.length }, 'inline document');
    return nav.document;
  }
  ctx.state.requests++;
  const started = performance.now();
  const params = requestParams(ctx, nav.extras);
  const line = { url: redactUrl(nav.url), method: nav.method, request: ctx.state.requests };
  let status: number | undefined;
  try {
    const res = await ctx.requests.fetchDocument({ url: nav.url, method: nav.method, params }, ctx.signal);
    status = res.status;
    const kind = classifyContentType(res.contentType, res.body);
    if (kind !== 'twiml') throw kind;
    const document = parseTwiml(res.body, res.url);
    ctx.log.info({ ...line, status, durationMs: elapsed(started), verbs: document.verbs.length }, 'document fetched');
    for (const warning of document.warnings) {
      ctx.log.warn({ code: warning.code, line: warning.line, element: warning.element }, warning.message);
    }
    return document;
  } catch (err) {
    if (isCallEnded(err)) {
      ctx.log.info({ ...line, durationMs: elapsed(started), ...callEndFields(err) }, 'request aborted: the call ended');
      throw err;
    }
    const error = toAppError(err);
    status ??= statusOf(error);
    ctx.log.warn({ ...line, status, durationMs: elapsed(started), code: error.code, twilioCode: error.twilioCode,
      err: error.message }, 'document request failed');
    throw error;
  }
}

/**
 * Makes a request after the caller hung up (the action of a Record): Twilio still makes it, with
 * CallStatus=completed. The reply is not run; the request has its own time limit since the call's signal is over.
 */
export async function requestAfterHangup(ctx: CallContext, nav: Navigation): Promise<void> {
  if (wasInterrupted(ctx.signal)) {
    // The call is up and goes on elsewhere: what the interrupted verb would have reported is not requested.
    ctx.log.info({ url: redactUrl(nav.url) }, 'verb interrupted; its action is not requested');
    return;
  }
  if (ctx.state.requests >= ctx.settings.maxRequests) {
    logCode(ctx.log, 'ERR_CALL_REDIRECT_LIMIT', { url: redactUrl(nav.url) }, 'request limit reached; final request not made');
    return;
  }
  ctx.state.requests++;
  const outcome = await ctx.requests.notify({ url: nav.url, method: nav.method, params: requestParams(ctx, nav.extras) },
    { timeoutMs: ctx.settings.postHangupTimeoutMs });
  const line = { url: redactUrl(nav.url), method: nav.method, request: ctx.state.requests, status: outcome.status,
    durationMs: outcome.debug.timing.totalMs };
  if (outcome.ok) ctx.log.info(line, 'final request made after hangup');
  else ctx.log.warn({ ...line, code: outcome.error?.code, err: outcome.error?.message }, 'final request after hangup failed');
}

function statusOf(error: AppError): number | undefined {
  return 'status' in error && typeof error.status === 'number' ? error.status : undefined;
}
