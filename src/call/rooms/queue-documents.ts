/**
 * The documents a queued caller hears: the `<Enqueue waitUrl>` document, fetched again each time it ends (with the
 * caller's QueuePosition, QueueSid, QueueTime, AvgQueueTime, CurrentQueueSize, MaxQueueSize), and the
 * `<Queue url>` document played to it when it is taken. Only the verbs Twilio allows there run (waitUrl: Say,
 * Play, Pause, Gather, Redirect, Leave, Hangup; Queue url: Say, Play, Pause, Redirect); others are skipped with
 * ERR_QUEUE_WAIT_VERB. These requests do not count against `call.maxRequests` and do not move the call's document
 * base. Without a waitUrl, or when it cannot be fetched, `call.queue.holdMusic` plays in a loop.
 */
import type { HttpMethod, Verb } from '../../twiml/index.js';
import { redactUrl, type RequestExtras } from '../../webhook/index.js';
import { throwIfEnded } from '../call-actions.js';
import type { CallContext } from '../call-context.js';
import { runDocuments, type DocumentPlace } from '../document-runner.js';
import { runStep } from '../media/prompts.js';
import type { Navigation } from '../verbs/index.js';
import { logCode } from '../../log-code.js';

export const WAIT_VERBS: ReadonlySet<Verb['kind']> = new Set(['Say', 'Play', 'Pause', 'Gather', 'Redirect', 'Leave', 'Hangup']);
export const DEQUEUE_VERBS: ReadonlySet<Verb['kind']> = new Set(['Say', 'Play', 'Pause', 'Redirect']);

/** A hold document run shorter than this (in call time) is followed by one round of hold music. */
const MIN_ROUND_MS = 1000;
/** Redirects followed in one `<Queue url>` document chain. */
const MAX_DEQUEUE_REDIRECTS = 10;

const SKIPPED = { code: 'ERR_QUEUE_WAIT_VERB', msg: 'verb not allowed here; skipped' } as const;

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

/** Where the waitUrl documents run; 'music' when hold music is to play from now on, 'left' once `<Leave>` ran. */
function waitPlace(ctx: CallContext, plan: HoldPlan, waitUrl: URL): DocumentPlace<'left' | 'music'> {
  return {
    countsRequests: false,
    allowed: WAIT_VERBS,
    skipped: SKIPPED,
    prepare: async (nav) => ({ ...nav, extras: { ...nav.extras, ...(await plan.params()) } }),
    async fetchFailed(error, failed) {
      logCode(ctx.log, 'ERR_QUEUE_WAIT_URL', { url: redactUrl(failed.url), cause: error.code }, 'waitUrl failed; hold music plays');
      return { done: 'music' };
    },
    async ran(outcome, _nav, started) {
      if (plan.hasLeft()) return { done: 'left' };
      throwIfEnded(ctx);
      const next: Navigation = outcome.type === 'navigate' ? { url: outcome.url, method: outcome.method, extras: outcome.extras }
        : { url: waitUrl, method: plan.method, extras: {} };
      if (performance.now() - started < MIN_ROUND_MS * ctx.settings.timeScale) await holdMusicRound(ctx);
      return { next };
    },
  };
}

/**
 * Plays the hold documents (or music) until `<Leave>` runs (resolves) or the signal of `ctx` aborts (throws its
 * reason: the call ended, or the caller was taken).
 */
export async function holdInQueue(ctx: CallContext, plan: HoldPlan): Promise<void> {
  throwIfEnded(ctx);
  if (plan.waitUrl !== undefined) {
    const first: Navigation = { url: plan.waitUrl, method: plan.method, extras: {} };
    if (await runDocuments(ctx, first, waitPlace(ctx, plan, plan.waitUrl)) === 'left') return;
  }
  for (;;) {
    throwIfEnded(ctx);
    await holdMusicRound(ctx);
  }
}

/** Where the `<Queue url>` documents run: at most {@link MAX_DEQUEUE_REDIRECTS} redirects, each with `extras`. */
function dequeuePlace(ctx: CallContext, extras: RequestExtras): DocumentPlace<'played'> {
  return {
    countsRequests: false,
    allowed: DEQUEUE_VERBS,
    skipped: SKIPPED,
    beforeRequest: (fetches) => (fetches > MAX_DEQUEUE_REDIRECTS ? 'played' : undefined),
    async fetchFailed(_error, failed) {
      logCode(ctx.log, 'ERR_QUEUE_WAIT_URL', { url: redactUrl(failed.url) }, 'Queue url failed; connecting without it');
      return { done: 'played' };
    },
    async ran(outcome) {
      return outcome.type === 'navigate' ? { next: { url: outcome.url, method: outcome.method, extras } } : { done: 'played' };
    },
  };
}

/** Plays the `<Queue url>` document (and the documents it redirects to) to the dequeued caller. */
export async function playDequeueDocument(ctx: CallContext, url: URL, method: HttpMethod, extras: RequestExtras): Promise<void> {
  await runDocuments(ctx, { url, method, extras }, dequeuePlace(ctx, extras));
}
