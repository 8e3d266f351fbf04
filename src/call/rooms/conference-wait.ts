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
import type { HttpMethod, PauseVerb, PlayVerb, RedirectVerb, SayVerb, Verb } from '../../twiml/index.js';
import { resolveUrl } from '../../twiml/index.js';
import { after, onAbort } from '../../util/abort.js';
import { redactUrl, type RequestExtras } from '../../webhook/index.js';
import type { CallContext } from '../call-context.js';
import { runDocuments, type DocumentPlace } from '../document-runner.js';
import { ttsPath } from '../media/fs-args.js';
import { mediaUrlAllowed } from '../media/media-url-guard.js';
import { planPrompt, runPlan, type MediaStep } from '../media/prompts.js';
import { CONTINUE, navigate, type Navigation, type VerbHandler } from '../verbs/verb-handler.js';
import type { MemberAudio } from './member-audio.js';
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
async function playStep(ctx: CallContext, audio: MemberAudio, step: MediaStep): Promise<boolean> {
  try {
    return await playToMember(ctx, audio, step);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'ERR_CALL_MEDIA_REFUSED' || ctx.signal.aborted) throw err;
    ctx.log.warn({ code: err.code, app: step.app, err: err.message }, 'wait audio refused; skipped');
    return false;
  }
}

async function playToMember(ctx: CallContext, audio: MemberAudio, step: MediaStep): Promise<boolean> {
  switch (step.app) {
    case 'speak': {
      const { engine = '', voice = '', text = '' } = step.speech ?? {};
      const path = ttsPath(engine, voice, text, ctx.settings.maxTextLength);
      return path === undefined || (await audio.play(path, ctx.signal));
    }
    case 'playback':
      if (step.url && !(await mediaUrlAllowed(ctx, step.url))) return false;
      return audio.play(step.arg, ctx.signal);
    case 'sleep':
      await pause(ctx, Number(step.arg), ctx.signal);
      return true;
    case 'send_dtmf':
      ctx.log.debug({ digits: step.arg }, 'Play digits are not sent to a waiting member');
      return true;
  }
}

/** Say, Play and Pause as the member hears them: played through the room to it alone. */
function memberPrompt(audio: MemberAudio): VerbHandler<SayVerb | PlayVerb | PauseVerb> {
  return {
    needsAnswer: false,
    async run(verb, ctx) {
      const plan = planPrompt(ctx, verb, 'verb');
      if (plan) await runPlan(ctx, plan, { play: (step) => playStep(ctx, audio, step), minEndlessRunMs: MIN_AUDIO_RUN_MS });
      return CONTINUE;
    },
  };
}

/** `<Redirect>` in a wait document: the next document (its `<Variable>`s are not the call's). */
const waitRedirect: VerbHandler<RedirectVerb> = {
  needsAnswer: false,
  run: async (verb, ctx) => navigate(resolveUrl(verb.url, ctx.state.document), verb.method),
};

const WAIT_VERBS: ReadonlySet<Verb['kind']> = new Set(['Say', 'Play', 'Pause', 'Redirect']);

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

/** Where the wait documents run; resolves when the hold music has taken over. */
function waitPlace(ctx: CallContext, audio: MemberAudio, first: Navigation): DocumentPlace<'music'> {
  const prompt = memberPrompt(audio);
  return {
    countsRequests: false,
    allowed: WAIT_VERBS,
    skipped: { code: 'ERR_CONFERENCE_WAIT_VERB', msg: 'verb not played to a waiting conference member; skipped' },
    handlers: { Say: prompt, Play: prompt, Pause: prompt, Redirect: waitRedirect },
    beforeRequest(fetches) {
      if (fetches < ctx.settings.conference.waitUrlMaxFetches) return undefined;
      logCode(ctx.log, 'ERR_CONFERENCE_WAIT_URL', { fetches }, 'waitUrl requested as often as allowed; hold music plays');
      return 'music';
    },
    async fetchFailed(error, failed) {
      logCode(ctx.log, 'ERR_CONFERENCE_WAIT_URL', { url: redactUrl(failed.url), cause: error.code }, 'waitUrl failed; hold music plays');
      return { done: 'music' };
    },
    async ran(outcome, _nav, started) {
      const next = outcome.type === 'navigate' ? { url: outcome.url, method: outcome.method, extras: first.extras } : first;
      if (callMs(ctx, started) < MIN_ROUND_MS) await pause(ctx, MIN_ROUND_MS, ctx.signal);
      return { next };
    },
  };
}

async function loopDocuments(ctx: CallContext, audio: MemberAudio, docs: WaitDocuments, signal: AbortSignal): Promise<void> {
  const first: Navigation = { url: docs.url, method: docs.method, extras: docs.params };
  const waiting: CallContext = { ...ctx, signal: AbortSignal.any([ctx.signal, signal]) };
  await runDocuments(waiting, first, waitPlace(waiting, audio, first));
  return holdMusic(ctx, audio, signal);
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
