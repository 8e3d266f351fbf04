/**
 * The one place TwiML documents run: the call's own script, a whisper leg's, the documents of a queued caller
 * (waitUrl, `<Queue url>`) and of a conference member that waits. Each place describes what it allows as data
 * (a {@link RunPolicy}) and what happens between documents as a {@link DocumentPlace}; the loops are here only.
 *
 * A place whose requests do not count towards `call.maxRequests` runs in a child scope ({@link childScope}): its
 * documents have their own document base and request count, and the call's are left as they were.
 */
import { type AppError, toAppError, type ErrorCode } from '../errors.js';
import type { TwimlDocument, Verb } from '../twiml/index.js';
import { onAbort } from '../util/abort.js';
import { redactUrl } from '../webhook/index.js';
import { ensureAnswered, isCallEnded, throwIfEnded } from './call-actions.js';
import type { CallContext, CallState } from './call-context.js';
import { fetchDocument } from './fetch-document.js';
import { wasInterrupted, type CallHandle, type InterruptedError, type Interruption } from './live-calls.js';
import { CONTINUE, type Navigation, type VerbHandler, type VerbOutcome } from './verbs/verb-handler.js';
import type { VerbRegistry } from './verbs/index.js';
import { logCode } from '../log-code.js';

/** What a place that runs TwiML allows. */
export interface RunPolicy {
  /** The verbs that run here; absent: every verb. */
  readonly allowed?: ReadonlySet<Verb['kind']>;
  /** What is logged (warn, with the verb and its line) for a verb that is not allowed; the verb is skipped. */
  readonly skipped?: { readonly code: ErrorCode; readonly msg: string };
  /** Handlers used here in place of the call's own (a waiting conference member hears its prompts through the room). */
  readonly handlers?: Partial<VerbRegistry>;
  /**
   * Whether this place's requests count towards `call.maxRequests` (and move the call's document base). When they
   * do not, the documents run in a child scope.
   */
  readonly countsRequests: boolean;
}

/** What a place does next: request another document, or stop with its result. */
export type NextStep<R> = { readonly next: Navigation } | { readonly done: R };

/** How a place goes from one document to the next. */
export interface DocumentPlace<R> extends RunPolicy {
  /**
   * Asked before each request (`fetches` made so far): a result stops the place (a limit was reached). For a place
   * whose requests count, `call.maxRequests` is checked first (ERR_CALL_REDIRECT_LIMIT, then {@link overLimit}).
   */
  beforeRequest?(fetches: number): R | undefined;
  /** The result when `call.maxRequests` is reached. */
  readonly overLimit?: R;
  /** The request actually made for `nav` (a place adds its own parameters). */
  prepare?(nav: Navigation): Promise<Navigation>;
  /** When a document cannot be fetched (the call still up): the request to make instead, or the result. */
  fetchFailed(error: AppError, nav: Navigation): Promise<NextStep<R>>;
  /** After a document ran (`startedMs`: when it was requested): the next request, or the result. */
  ran(outcome: VerbOutcome, nav: Navigation, startedMs: number): Promise<NextStep<R>>;
  /**
   * The call's interruption point (live-calls.ts), opened around each document, and the result when an
   * interruption ends the call. Absent: the place cannot be interrupted on its own (it is part of a verb).
   */
  readonly interrupts?: { readonly handle: CallHandle; readonly hangup: R };
  /** An interruption sends the place to another document (`to`), requested next. */
  redirected?(to: Exclude<Interruption, 'hangup'>): void;
}

/** The names of the state a child scope keeps for itself. */
type ScopedKey = 'document' | 'requests';

/**
 * A view of `ctx` whose document base and request count are its own (starting from the call's), all other state
 * being the call's: what its documents do to those two is dropped with the scope.
 */
export function childScope(ctx: CallContext): CallContext {
  const own: Pick<CallState, ScopedKey> = { document: ctx.state.document, requests: ctx.state.requests };
  const scoped = (key: PropertyKey): key is ScopedKey => key === 'document' || key === 'requests';
  const state = new Proxy(ctx.state, {
    get: (target, key) => (scoped(key) ? own[key] : Reflect.get(target, key) as unknown),
    set: (target, key, value) => (scoped(key) ? Reflect.set(own, key, value) : Reflect.set(target, key, value)),
  });
  return { ...ctx, state };
}

function handlerOf(ctx: CallContext, verb: Verb, policy: RunPolicy): VerbHandler<Verb> {
  const own = policy.handlers?.[verb.kind];
  return own ?? ctx.verbs[verb.kind];
}

/**
 * Runs the verbs of `document` in order until one navigates or ends the script (its outcome), answering the call
 * just before the first verb that needs media; `continue` when the document runs out. Verbs the policy does not
 * allow are skipped. Throws the call's end (or the reason of the signal of `ctx`) once it has aborted.
 */
export async function runDocument(ctx: CallContext, document: TwimlDocument, policy: RunPolicy): Promise<VerbOutcome> {
  ctx.state.document = document.source;
  for (const verb of document.verbs) {
    throwIfEnded(ctx);
    if (policy.allowed && !policy.allowed.has(verb.kind)) {
      const skipped = policy.skipped ?? { code: 'ERR_TWIML_SKIPPED', msg: 'verb not allowed here; skipped' };
      logCode(ctx.log, skipped.code, { verb: verb.kind, line: verb.position.line }, skipped.msg);
      continue;
    }
    const handler = handlerOf(ctx, verb, policy);
    if (handler.needsAnswer) await ensureAnswered(ctx);
    ctx.log.debug({ verb: verb.kind, line: verb.position.line }, 'verb');
    const started = ctx.observer ? performance.now() : 0;
    try {
      const outcome = await handler.run(verb, ctx);
      if (outcome.type !== 'continue') return outcome;
    } finally {
      ctx.observer?.verbRun(verb.kind, (performance.now() - started) / 1000);
    }
  }
  return CONTINUE;
}

/**
 * Stops the channel's media (and drops its queued applications) as soon as `point` is interrupted, so that a verb
 * waiting on an application ends now; returns the function that stops watching.
 */
function breakOnInterrupt(ctx: CallContext, point: AbortSignal | undefined): { stop(): void; broken(): Promise<void> } {
  let breaking: Promise<void> | undefined;
  const off = onAbort(point, () => {
    // The scope aborts at the call's end as well: only an interruption breaks the media of a call still up.
    if (!wasInterrupted(point!)) return;
    breaking = ctx.channel.breakMedia(true).catch((err: unknown) => {
      if (!isCallEnded(err)) ctx.log.warn({ code: toAppError(err).code }, 'could not stop the media of an interrupted document');
    });
  });
  return { stop: off, broken: async () => breaking };
}

/** The step to a document given inline: no request is made, its text was parsed already (twiml/inline.ts). */
export function inlineNavigation(document: TwimlDocument): Navigation {
  return { url: document.source, method: 'POST', extras: {}, document };
}

/** After an interruption, once the media is stopped: where the call goes. */
function interruptedTo(ctx: CallContext, point: AbortSignal): Interruption {
  const { next } = point.reason as InterruptedError;
  const to = next === 'hangup' ? next : 'document' in next ? 'inline TwiML' : redactUrl(next.url);
  logCode(ctx.log, 'ERR_CALL_INTERRUPTED', { next: to }, 'document interrupted');
  return next;
}

/**
 * Requests and runs documents from `first` on, as `place` says, until it gives its result. Throws when the call
 * ends (or the signal of `ctx` aborts) while a document is requested or runs.
 */
export async function runDocuments<R>(ctx: CallContext, first: Navigation, place: DocumentPlace<R>): Promise<R> {
  const scope = place.countsRequests ? ctx : childScope(ctx);
  let next = first;
  for (let fetches = 0; ; fetches++) {
    if (place.countsRequests && scope.state.requests >= scope.settings.maxRequests && place.overLimit !== undefined) {
      logCode(scope.log, 'ERR_CALL_REDIRECT_LIMIT', { limit: scope.settings.maxRequests, url: redactUrl(next.url) },
        'too many requests in one call; hanging up');
      return place.overLimit;
    }
    const limited = place.beforeRequest?.(fetches);
    if (limited !== undefined) return limited;
    const started = performance.now();
    // The point's signal is the channel's scope: it aborts with the call's end too (see live-calls.ts).
    const point = place.interrupts?.handle.open();
    const current = point ? { ...scope, signal: point } : scope;
    const media = breakOnInterrupt(scope, point);
    let request = next;
    let document: TwimlDocument | undefined;
    let outcome: VerbOutcome | undefined;
    let failure: unknown;
    try {
      request = place.prepare ? await place.prepare(next) : next;
      document = await fetchDocument(current, request);
      outcome = await runDocument(current, document, place);
    } catch (err) {
      failure = err;
    } finally {
      if (point) place.interrupts?.handle.close(point);
      media.stop();
    }
    // An interrupted verb may end as on a hangup, or return: either way the call goes where the interruption says.
    if (point?.aborted && !scope.signal.aborted) {
      await media.broken();
      const to = interruptedTo(scope, point);
      if (to === 'hangup') return place.interrupts!.hangup;
      place.redirected?.(to);
      next = 'document' in to ? inlineNavigation(to.document) : { url: to.url, method: to.method, extras: {} };
      continue;
    }
    if (outcome === undefined) {
      if (document !== undefined || isCallEnded(failure) || scope.signal.aborted) throw failure;
      const step = await place.fetchFailed(toAppError(failure), request);
      if ('done' in step) return step.done;
      next = step.next;
      continue;
    }
    const step = await place.ran(outcome, request, started);
    if ('done' in step) return step.done;
    next = step.next;
  }
}
