/**
 * The coroutine of one call: fetch a document, run its verbs, follow where they lead, until the call ends.
 * - At most `maxRequests` document requests per call (ERR_CALL_REDIRECT_LIMIT, then hangup).
 * - A document that cannot be fetched or run goes to the fallback URL once per call, with ErrorCode and ErrorUrl;
 *   without one (or when it fails too), the error prompt plays and the call is hung up. A redirect from outside
 *   that brings a fallback of its own (an update through the Calls API) makes it the call's fallback, usable once
 *   more: the redirected document falls back to it as the first one does.
 * - A document that runs out hangs the call up.
 * - The caller hanging up at any moment is a normal end: the pending request or application is aborted by the
 *   call's signal and the coroutine returns.
 */
import { callEndFields, HangupCause } from '../esl/index.js';
import { type AppError, toAppError } from '../errors.js';
import { redactUrl } from '../webhook/index.js';
import { hangupCall, isCallEnded } from './call-actions.js';
import type { CallContext } from './call-context.js';
import { inlineNavigation, runDocuments, type DocumentPlace } from './document-runner.js';
import { failCall } from './fail-call.js';
import type { CallHandle, Fallback } from './live-calls.js';
import type { Navigation } from './verbs/index.js';

/** Twilio's numbers for a failure when the error has none of its own: retrieval (11200) or document (12100). */
function errorCodeOf(error: AppError): number {
  return error.twilioCode ?? (error.code.startsWith('ERR_TWIML_') ? 12100 : 11200);
}

/** The fallback request for a failed one, or undefined when there is none (left). */
function fallbackFor(ctx: CallContext, fallback: Fallback | undefined, error: AppError, failed: Navigation):
  Navigation | undefined {
  if (fallback === undefined || ctx.state.fallbackUsed) return undefined;
  ctx.state.fallbackUsed = true;
  const extra = [...(failed.extras.extra ?? []), ['ErrorCode', String(errorCodeOf(error))] as const,
    ['ErrorUrl', redactUrl(failed.url)] as const];
  ctx.log.info({ url: redactUrl(fallback.url), code: error.code }, 'trying the fallback URL');
  return { url: fallback.url, method: fallback.method, extras: { ...failed.extras, extra } };
}

/**
 * Where the call's own documents run: every verb, every request counted; the fallback URL once on a failure (the
 * call's, until a redirect brings another).
 */
function callPlace(ctx: CallContext, handle: CallHandle | undefined): DocumentPlace<'hangup' | 'failed'> {
  const { fallbackUrl, fallbackMethod } = ctx.source;
  let fallback: Fallback | undefined = fallbackUrl && { url: fallbackUrl, method: fallbackMethod ?? 'POST' };
  return {
    countsRequests: true,
    overLimit: 'hangup',
    ...(handle && { interrupts: { handle, hangup: 'hangup' as const } }),
    redirected(to) {
      if (to.fallback === undefined) return;
      fallback = to.fallback;
      ctx.state.fallbackUsed = false;
    },
    async fetchFailed(error, failed) {
      const next = fallbackFor(ctx, fallback, error, failed);
      if (next) return { next };
      await failCall(ctx, error);
      return { done: 'failed' };
    },
    async ran(outcome) {
      return outcome.type === 'navigate' ? { next: outcome } : { done: 'hangup' };
    },
  };
}

/**
 * Runs the call's script from its first document to the end of the call; `handle`, when given, interrupts the
 * running document from outside (live-calls.ts). Never throws.
 */
export async function runCall(ctx: CallContext, handle?: CallHandle): Promise<void> {
  const { source } = ctx;
  const first: Navigation = source.document ? inlineNavigation(source.document)
    : { url: source.voiceUrl, method: source.method, extras: {} };
  try {
    const end = await runDocuments(ctx, first, callPlace(ctx, handle));
    if (end === 'hangup') await hangupCall(ctx, HangupCause.NormalClearing);
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
