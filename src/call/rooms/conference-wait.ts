/**
 * What a `<Conference>` member hears while it waits for the conference to start (it joined with
 * startConferenceOnEnter=false and no startConferenceOnEnter member is in yet), played to that member alone
 * (rooms/member-audio.ts) by its own call while the channel sits in the `conference` application:
 * - a waitUrl TwiML document: its Say, Play and Pause in order, a Redirect follows to the next document, other
 *   verbs are skipped (ERR_CONFERENCE_WAIT_VERB); when the document ends it is requested again (with ConferenceSid
 *   and FriendlyName besides the call's parameters), at most `call.conference.waitUrlMaxFetches` times;
 * - a waitUrl audio file, or the configured hold music without a waitUrl: played again each time it ends;
 * - `waitUrl=""`: nothing.
 * A document that cannot be fetched, or the end of the fetches, falls back to the hold music (ERR_CONFERENCE_WAIT_URL).
 * The documents do not count against `call.maxRequests` and do not move the call's document base.
 */
import { AppError, toAppError } from '../../errors.js';
import type { HttpMethod, TwimlDocument, Verb } from '../../twiml/index.js';
import { resolveUrl } from '../../twiml/index.js';
import { after, onAbort } from '../../util/abort.js';
import { redactUrl, type RequestExtras } from '../../webhook/index.js';
import type { CallContext } from '../call-context.js';
import { fetchDocument } from '../fetch-document.js';
import { mediaUrlAllowed } from '../media/media-url-guard.js';
import { planPrompt, type MediaStep, type PromptPlan } from '../media/prompts.js';
import type { Navigation } from '../verbs/verb-handler.js';
import { ttsPath, type MemberAudio } from './member-audio.js';
import { logCode } from '../../log-code.js';

/** What a waiting member hears. */
export type WaitSource =
  | { readonly kind: 'none' }
  /** `url`: the customer URL FreeSWITCH fetches, checked against the deny list before it is played. */
  | { readonly kind: 'audio'; readonly path: string; readonly url?: URL }
  | { readonly kind: 'document'; readonly url: URL; readonly method: HttpMethod };

/** A document run, or a loop run, shorter than this (call time) is followed by a second of silence. */
const MIN_ROUND_MS = 1000;
/**
 * A run of an endless audio loop shorter than this (call time) means the audio does not play: the loop stops. Well
 * below any real clip, so that a short one (or a timer that fires a tick early) never ends the loop.
 */
const MIN_AUDIO_RUN_MS = 100;

/** Waits `ms` of call time; rejects with the reason of `signal` when it aborts first. */
function pause(ctx: CallContext, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const cancelTimer = after(ms * ctx.settings.timeScale, () => {
      offAbort();
      resolve();
    });
    const offAbort = onAbort(signal, (reason) => {
      cancelTimer();
      reject(reason);
    });
  });
}

function callMs(ctx: CallContext, since: number): number {
  return (performance.now() - since) / ctx.settings.timeScale;
}

/** Plays one step to the member; false when it could not play or was refused (the prompt's loop stops). */
async function runStep(ctx: CallContext, audio: MemberAudio, step: MediaStep, signal: AbortSignal): Promise<boolean> {
  try {
    return await playStep(ctx, audio, step, signal);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'ERR_CALL_MEDIA_REFUSED' || signal.aborted) throw err;
    ctx.log.warn({ code: err.code, app: step.app, err: err.message }, 'wait audio refused; skipped');
    return false;
  }
}

async function playStep(ctx: CallContext, audio: MemberAudio, step: MediaStep, signal: AbortSignal): Promise<boolean> {
  switch (step.app) {
    case 'speak': {
      const [engine = '', voice = ''] = step.arg.split('|', 2);
      const path = ttsPath(engine, voice, step.arg.slice(engine.length + voice.length + 2), ctx.settings.maxTextLength);
      return path === undefined || (await audio.play(path, signal));
    }
    case 'playback':
      if (step.url && !(await mediaUrlAllowed(ctx, step.url))) return false;
      return audio.play(step.arg, signal);
    case 'sleep':
      await pause(ctx, Number(step.arg), signal);
      return true;
    case 'send_dtmf':
      ctx.log.debug({ digits: step.arg }, 'Play digits are not sent to a waiting member');
      return true;
  }
}

async function runPlan(ctx: CallContext, audio: MemberAudio, plan: PromptPlan, signal: AbortSignal): Promise<void> {
  for (const step of plan.once) {
    if (!(await runStep(ctx, audio, step, signal))) return;
  }
  if (!plan.repeated) return;
  for (let i = 0; i < plan.times; i++) {
    const started = performance.now();
    if (!(await runStep(ctx, audio, plan.repeated, signal))) return;
    if (plan.endless && callMs(ctx, started) < MIN_AUDIO_RUN_MS) return;
  }
}

/** Runs a document's verbs; the Redirect it ends with, if any. */
async function runDocument(ctx: CallContext, audio: MemberAudio, doc: TwimlDocument, signal: AbortSignal)
  : Promise<Navigation | undefined> {
  for (const verb of doc.verbs) {
    if (signal.aborted) return undefined;
    if (verb.kind === 'Redirect') return { url: resolveUrl(verb.url, doc.source), method: verb.method, extras: {} };
    if (verb.kind !== 'Say' && verb.kind !== 'Play' && verb.kind !== 'Pause') {
      skipped(ctx, verb);
      continue;
    }
    // Play URLs resolve against the wait document; the call's own document base is put back at once.
    const base = ctx.state.document;
    ctx.state.document = doc.source;
    let plan: PromptPlan | undefined;
    try {
      plan = planPrompt(ctx, verb, 'verb');
    } finally {
      ctx.state.document = base;
    }
    if (plan) await runPlan(ctx, audio, plan, signal);
  }
  return undefined;
}

function skipped(ctx: CallContext, verb: Verb): void {
  logCode(ctx.log, 'ERR_CONFERENCE_WAIT_VERB', { verb: verb.kind, line: verb.position.line },
    'verb not played to a waiting conference member; skipped');
}

/** Plays `path` again each time it ends. */
async function loopAudio(ctx: CallContext, audio: MemberAudio, path: string, signal: AbortSignal): Promise<void> {
  for (;;) {
    const started = performance.now();
    if (!(await audio.play(path, signal))) return;
    if (callMs(ctx, started) < MIN_AUDIO_RUN_MS) return;
  }
}

async function holdMusic(ctx: CallContext, audio: MemberAudio, signal: AbortSignal): Promise<void> {
  const music = ctx.settings.conference.holdMusic;
  if (music !== '') await loopAudio(ctx, audio, music, signal);
}

/** What the document loop needs. */
export interface WaitDocuments {
  readonly url: URL;
  readonly method: HttpMethod;
  /** Parameters added to every waitUrl request. */
  readonly params: RequestExtras;
}

async function loopDocuments(ctx: CallContext, audio: MemberAudio, docs: WaitDocuments, signal: AbortSignal): Promise<void> {
  const first: Navigation = { url: docs.url, method: docs.method, extras: docs.params };
  const fetchCtx: CallContext = { ...ctx, signal: AbortSignal.any([ctx.signal, signal]) };
  let next = first;
  for (let fetches = 0; ; fetches++) {
    if (fetches >= ctx.settings.conference.waitUrlMaxFetches) {
      logCode(ctx.log, 'ERR_CONFERENCE_WAIT_URL', { fetches }, 'waitUrl requested as often as allowed; hold music plays');
      return holdMusic(ctx, audio, signal);
    }
    const started = performance.now();
    const requests = ctx.state.requests;
    let doc: TwimlDocument;
    try {
      doc = await fetchDocument(fetchCtx, next);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (ctx.signal.aborted) throw err;
      logCode(ctx.log, 'ERR_CONFERENCE_WAIT_URL', { url: redactUrl(next.url), cause: err instanceof AppError ? err.code : undefined },
        'waitUrl failed; hold music plays');
      return await holdMusic(ctx, audio, signal);
    } finally {
      ctx.state.requests = requests;
    }
    const redirect = await runDocument(ctx, audio, doc, signal);
    next = redirect === undefined ? first : { ...redirect, extras: docs.params };
    if (callMs(ctx, started) < MIN_ROUND_MS) await pause(ctx, MIN_ROUND_MS, signal);
  }
}

/**
 * Plays `source` to the member until `signal` aborts (the conference started, the member left) or the call ends.
 * Never rejects: the wait ending is its normal end, and a failure is logged (the member stays in the room).
 */
export async function playWhileWaiting(ctx: CallContext, audio: MemberAudio, source: WaitSource, params: RequestExtras,
  signal: AbortSignal): Promise<void> {
  const both = AbortSignal.any([ctx.signal, signal]);
  try {
    if (source.kind === 'audio' && source.url && !(await mediaUrlAllowed(ctx, source.url))) {
      logCode(ctx.log, 'ERR_CONFERENCE_WAIT_URL', {}, 'waitUrl audio refused; hold music plays');
      await holdMusic(ctx, audio, both);
    } else if (source.kind === 'audio') await loopAudio(ctx, audio, source.path, both);
    else if (source.kind === 'document') await loopDocuments(ctx, audio, { url: source.url, method: source.method, params }, both);
  } catch (err) {
    if (both.aborted) return;
    const code = toAppError(err).code;
    ctx.log.warn({ code, err: err instanceof Error ? err.message : String(err) }, 'wait audio stopped');
  }
}
