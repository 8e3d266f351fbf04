/**
 * The coroutine of one call: fetch a document, run its verbs, follow where they lead, until the call ends.
 * - At most `maxRequests` document requests per call (ERR_CALL_REDIRECT_LIMIT, then hangup).
 * - A document that cannot be fetched or run goes to the fallback URL once per call, with ErrorCode and ErrorUrl;
 *   without one (or when it fails too), the error prompt plays and the call is hung up.
 * - A document that runs out hangs the call up.
 * - The caller hanging up at any moment is a normal end: the pending request or application is aborted by the
 *   call's signal and the coroutine returns.
 */
import { callEndFields, HangupCause } from '../esl/index.js';
import { type AppError, toAppError } from '../errors.js';
import { redactUrl } from '../webhook/index.js';
import { hangupCall, isCallEnded } from './call-actions.js';
import type { CallContext } from './call-context.js';
import { executeDocument } from './execute-document.js';
import { failCall } from './fail-call.js';
import { fetchDocument } from './fetch-document.js';
import type { Navigation } from './verbs/index.js';
import { logCode } from '../log-code.js';

/** Twilio's numbers for a failure when the error has none of its own: retrieval (11200) or document (12100). */
function errorCodeOf(error: AppError): number {
  return error.twilioCode ?? (error.code.startsWith('ERR_TWIML_') ? 12100 : 11200);
}

/** The fallback request for a failed one, or undefined when there is none (left). */
function fallbackFor(ctx: CallContext, error: AppError, failed: Navigation): Navigation | undefined {
  const url = ctx.source.fallbackUrl;
  if (url === undefined || ctx.state.fallbackUsed) return undefined;
  ctx.state.fallbackUsed = true;
  const extra = [...(failed.extras.extra ?? []), ['ErrorCode', String(errorCodeOf(error))] as const,
    ['ErrorUrl', redactUrl(failed.url)] as const];
  ctx.log.info({ url: redactUrl(url), code: error.code }, 'trying the fallback URL');
  return { url, method: 'POST', extras: { ...failed.extras, extra } };
}

/** Runs the call's script from its first document to the end of the call. Never throws. */
export async function runCall(ctx: CallContext): Promise<void> {
  let next: Navigation = { url: ctx.source.voiceUrl, method: ctx.source.method, extras: {} };
  try {
    for (;;) {
      if (ctx.state.requests >= ctx.settings.maxRequests) {
        logCode(ctx.log, 'ERR_CALL_REDIRECT_LIMIT', { limit: ctx.settings.maxRequests, url: redactUrl(next.url) },
          'too many requests in one call; hanging up');
        break;
      }
      let document;
      try {
        document = await fetchDocument(ctx, next);
      } catch (err) {
        if (isCallEnded(err)) throw err;
        const error = toAppError(err);
        const fallback = fallbackFor(ctx, error, next);
        if (fallback) {
          next = fallback;
          continue;
        }
        await failCall(ctx, error);
        return;
      }
      const outcome = await executeDocument(ctx, document);
      if (outcome.type !== 'navigate') break;
      next = outcome;
    }
    await hangupCall(ctx, HangupCause.NormalClearing);
  } catch (err) {
    if (isCallEnded(err)) {
      ctx.log.info({ ...callEndFields(err), hangupCause: err.hangupCause }, 'call ended during its script');
      return;
    }
    const error = toAppError(err);
    ctx.log.error({ code: error.code, err: error }, 'call script failed; hanging up');
    ctx.state.failed = true;
    await hangupCall(ctx, HangupCause.NormalClearing);
  }
}
