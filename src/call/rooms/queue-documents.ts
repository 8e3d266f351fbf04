/**
 * The documents a queued caller hears: the `<Enqueue waitUrl>` document, fetched again each time it ends (with the
 * caller's QueuePosition, QueueSid, QueueTime, AvgQueueTime, CurrentQueueSize, MaxQueueSize), and the
 * `<Queue url>` document played to it when it is taken. Only the verbs Twilio allows there run (waitUrl: Say,
 * Play, Pause, Gather, Redirect, Leave, Hangup; Queue url: Say, Play, Pause, Redirect); others are skipped with
 * ERR_QUEUE_WAIT_VERB. These requests do not count against `call.maxRequests` and do not move the call's document
 * base. Without a waitUrl, or when it cannot be fetched, `call.queue.holdMusic` plays in a loop.
 */
import { AppError, CallEndedError } from '../../errors.js';
import type { HttpMethod, TwimlDocument, Verb } from '../../twiml/index.js';
import { redactUrl, type RequestExtras } from '../../webhook/index.js';
import { ensureAnswered, isCallEnded } from '../call-actions.js';
import type { CallContext } from '../call-context.js';
import { fetchDocument } from '../fetch-document.js';
import { runStep } from '../media/prompts.js';
import { handlerFor, type Navigation, type VerbOutcome } from '../verbs/index.js';
import { logCode } from '../../log-code.js';

export const WAIT_VERBS: ReadonlySet<Verb['kind']> = new Set(['Say', 'Play', 'Pause', 'Gather', 'Redirect', 'Leave', 'Hangup']);
export const DEQUEUE_VERBS: ReadonlySet<Verb['kind']> = new Set(['Say', 'Play', 'Pause', 'Redirect']);

/** A hold document run shorter than this (in call time) is followed by one round of hold music. */
const MIN_ROUND_MS = 1000;
/** Redirects followed in one `<Queue url>` document chain. */
const MAX_DEQUEUE_REDIRECTS = 10;

/** Throws the reason the signal of `ctx` (the call's, or the hold's) was aborted for. */
function throwIfStopped(ctx: CallContext): void {
  if (!ctx.signal.aborted) return;
  const reason: unknown = ctx.signal.reason;
  throw reason instanceof AppError ? reason : new CallEndedError('ERR_CALL_HANGUP');
}

/** Fetches a hold document without counting it as one of the call's requests. */
async function fetchHold(ctx: CallContext, nav: Navigation): Promise<TwimlDocument> {
  const requests = ctx.state.requests;
  try {
    return await fetchDocument(ctx, nav);
  } finally {
    ctx.state.requests = requests;
  }
}

/** Runs the allowed verbs of a hold document; its outcome (continue = ran out). */
async function runAllowed(ctx: CallContext, doc: TwimlDocument, allowed: ReadonlySet<Verb['kind']>): Promise<VerbOutcome> {
  ctx.state.document = doc.source;
  for (const verb of doc.verbs) {
    throwIfStopped(ctx);
    if (!allowed.has(verb.kind)) {
      logCode(ctx.log, 'ERR_QUEUE_WAIT_VERB', { verb: verb.kind, line: verb.position.line }, 'verb not allowed here; skipped');
      continue;
    }
    const handler = handlerFor(verb);
    if (handler.needsAnswer) await ensureAnswered(ctx);
    const outcome = await handler.run(verb, ctx);
    if (outcome.type !== 'continue') return outcome;
  }
  return { type: 'continue' };
}

/** One round of the configured hold music (or a second of silence when it does not play). */
async function holdMusicRound(ctx: CallContext): Promise<void> {
  const music = ctx.settings.queue.holdMusic;
  const played = music !== '' && (await runStep(ctx, { app: 'playback', arg: music }));
  if (!played) await runStep(ctx, { app: 'sleep', arg: '1000' });
}

/** What the waiting loop needs from the Enqueue verb. */
export interface HoldPlan {
  readonly waitUrl: URL | undefined;
  readonly method: HttpMethod;
  /** The queue parameters of the next waitUrl request. */
  params(): Promise<RequestExtras>;
  /** True once `<Leave>` ran. */
  hasLeft(): boolean;
}

/**
 * Plays the hold documents (or music) until `<Leave>` runs (resolves) or the signal of `ctx` aborts (throws its
 * reason: the call ended, or the caller was taken).
 */
export async function holdInQueue(ctx: CallContext, plan: HoldPlan): Promise<void> {
  let next: Navigation | undefined = plan.waitUrl && { url: plan.waitUrl, method: plan.method, extras: {} };
  for (;;) {
    throwIfStopped(ctx);
    if (next === undefined) {
      await holdMusicRound(ctx);
      continue;
    }
    const started = performance.now();
    let doc: TwimlDocument;
    try {
      doc = await fetchHold(ctx, { ...next, extras: { ...next.extras, ...(await plan.params()) } });
    } catch (err) {
      if (isCallEnded(err) || ctx.signal.aborted) throw err;
      logCode(ctx.log, 'ERR_QUEUE_WAIT_URL', { url: redactUrl(next.url), cause: err instanceof AppError ? err.code : undefined },
        'waitUrl failed; hold music plays');
      next = undefined;
      continue;
    }
    const outcome = await runAllowed(ctx, doc, WAIT_VERBS);
    if (plan.hasLeft()) return;
    throwIfStopped(ctx);
    if (outcome.type === 'navigate') next = { url: outcome.url, method: outcome.method, extras: outcome.extras };
    else if (plan.waitUrl) next = { url: plan.waitUrl, method: plan.method, extras: {} };
    if (performance.now() - started < MIN_ROUND_MS * ctx.settings.timeScale) await holdMusicRound(ctx);
  }
}

/** Plays the `<Queue url>` document (and the documents it redirects to) to the dequeued caller. */
export async function playDequeueDocument(ctx: CallContext, url: URL, method: HttpMethod, extras: RequestExtras): Promise<void> {
  let next: Navigation | undefined = { url, method, extras };
  for (let i = 0; next !== undefined && i <= MAX_DEQUEUE_REDIRECTS; i++) {
    let doc: TwimlDocument;
    try {
      doc = await fetchHold(ctx, next);
    } catch (err) {
      if (isCallEnded(err)) throw err;
      logCode(ctx.log, 'ERR_QUEUE_WAIT_URL', { url: redactUrl(next.url) }, 'Queue url failed; connecting without it');
      return;
    }
    const outcome = await runAllowed(ctx, doc, DEQUEUE_VERBS);
    next = outcome.type === 'navigate' ? { url: outcome.url, method: outcome.method, extras } : undefined;
  }
}
