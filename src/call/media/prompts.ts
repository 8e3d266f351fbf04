/**
 * Say, Play and Pause as FreeSWITCH applications, shared by the top-level verbs and by the prompts of Gather.
 * A prompt becomes a plan: steps run once (Play's digits), then one step repeated `loop` times.
 */
import type { GatherPrompt, PauseVerb, PlayVerb, SayVerb } from '../../twiml/index.js';
import { isFreeswitchStream, resolveUrl } from '../../twiml/index.js';
import { AppError } from '../../errors.js';
import type { CallContext } from '../call-context.js';
import { dtmfArg, freeswitchPathArg, speakArg } from './fs-args.js';
import { kazooMediaUrl } from './kazoo-media.js';
import { mediaUrlAllowed } from './media-url-guard.js';
import { urlPlaybackPath } from './play-path.js';
import { logCode } from '../../log-code.js';

/** One FreeSWITCH application run. */
export interface MediaStep {
  readonly app: 'speak' | 'playback' | 'sleep' | 'send_dtmf';
  readonly arg: string;
  /** The customer URL FreeSWITCH fetches for this step: its host is checked before the step runs. */
  readonly url?: URL;
  /** What a `speak` step says, for players that render it another way (a conference member hears a tts:// path). */
  readonly speech?: { readonly engine: string; readonly voice: string; readonly text: string };
}

/** The steps of one prompt. */
export interface PromptPlan {
  readonly once: readonly MediaStep[];
  readonly repeated: MediaStep | undefined;
  readonly times: number;
  /** `loop="0"`: repeats until hangup (capped), and stops if a run ends at once (media that cannot play). */
  readonly endless: boolean;
}

/** Top-level verbs pause with `sleep` (FreeSWITCH keeps media and leaves DTMF queued); Gather prompts with silence. */
export type PromptMode = 'verb' | 'gather';

/** A run of an endless loop shorter than this (call time) means the media did not play: the loop stops. */
const MIN_ENDLESS_RUN_MS = 500;

function repeat(ctx: CallContext, loop: number): { times: number; endless: boolean } {
  return loop === 0 ? { times: ctx.settings.maxLoops, endless: true } : { times: loop, endless: false };
}

function planSay(ctx: CallContext, say: SayVerb): PromptPlan | undefined {
  if (say.text.trim() === '') return undefined;
  const tts = ctx.settings.voices.resolve(say.voice, say.language);
  if (tts.fallback) {
    logCode(ctx.log, 'ERR_CALL_VOICE_UNMAPPED', { voice: say.voice, language: say.language }, 'no voice mapping; default voice used');
  }
  const step: MediaStep = { app: 'speak', arg: speakArg(tts.engine, tts.voice, say.text, ctx.settings.maxTextLength),
    speech: { engine: tts.engine, voice: tts.voice, text: say.text } };
  return { once: [], repeated: step, ...repeat(ctx, say.loop) };
}

function planPlay(ctx: CallContext, play: PlayVerb): PromptPlan | undefined {
  const once: MediaStep[] = play.digits === undefined ? [] : [{ app: 'send_dtmf', arg: dtmfArg(play.digits) }];
  const repeated = play.url !== undefined ? playStep(ctx, play.url)
    : play.mediaId !== undefined ? kazooMediaStep(ctx, play.mediaId) : undefined;
  return { once, repeated, ...repeat(ctx, play.loop) };
}

/** A Kazoo media id, played from the configured template (trusted: no address check), or undefined (reported). */
function kazooMediaStep(ctx: CallContext, id: string): MediaStep | undefined {
  const url = kazooMediaUrl(ctx, id);
  return url === undefined ? undefined : { app: 'playback', arg: urlPlaybackPath(url, ctx.settings.media) };
}

function playStep(ctx: CallContext, reference: string): MediaStep {
  if (isFreeswitchStream(reference)) {
    return { app: 'playback', arg: freeswitchPathArg(reference, ctx.settings.media.mediaPrefixes) };
  }
  const url = resolveUrl(reference, ctx.state.document);
  return { app: 'playback', arg: urlPlaybackPath(url, ctx.settings.media), url };
}

function planPause(pause: PauseVerb, mode: PromptMode): PromptPlan | undefined {
  if (pause.length <= 0) return undefined;
  const ms = pause.length * 1000;
  // In a Gather, silence is played instead of `sleep`: playback reads DTMF, so a key press is seen (and can stop it).
  const step: MediaStep = mode === 'gather' ? { app: 'playback', arg: `silence_stream://${ms}` } : { app: 'sleep', arg: String(ms) };
  return { once: [step], repeated: undefined, times: 0, endless: false };
}

/**
 * The plan of a prompt, or undefined when it has nothing to play. Media that may not be played is reported
 * (ERR_CALL_MEDIA_REFUSED) and skipped.
 */
export function planPrompt(ctx: CallContext, prompt: GatherPrompt, mode: PromptMode): PromptPlan | undefined {
  try {
    switch (prompt.kind) {
      case 'Say':
        return planSay(ctx, prompt);
      case 'Play':
        return planPlay(ctx, prompt);
      case 'Pause':
        return planPause(prompt, mode);
    }
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    ctx.log.warn({ code: err.code, verb: prompt.kind, err: err.message }, 'media refused; skipped');
    return undefined;
  }
}

/**
 * Runs one step. Returns false when the media did not play (FILE NOT FOUND and the like, reported as
 * ERR_CALL_PLAY_FAILED), or may not be fetched (its host refused: ERR_CALL_MEDIA_DENIED, ERR_CALL_MEDIA_DNS), so
 * that a loop stops.
 */
export async function runStep(ctx: CallContext, step: MediaStep): Promise<boolean> {
  if (step.url && !(await mediaUrlAllowed(ctx, step.url))) return false;
  const result = await ctx.channel.execute(step.app, step.arg, { signal: ctx.signal });
  if (step.app === 'playback' && result.response !== 'FILE PLAYED') {
    logCode(ctx.log, 'ERR_CALL_PLAY_FAILED', { response: result.response, path: step.arg }, 'media did not play');
    return false;
  }
  return true;
}

/** Hooks a caller of {@link runPlan} can give. */
export interface PlanControl {
  /** Asked before each step: true skips the rest (a Gather stops its prompts on input). */
  shouldStop?(): boolean;
  /** Called when a step is sent to FreeSWITCH and when it has completed. */
  onStep?(phase: 'sent' | 'done'): void;
  /** Plays one step; false stops the plan. Default: the step as an application on the call's channel ({@link runStep}). */
  play?: (step: MediaStep) => Promise<boolean>;
  /** A run of an endless loop shorter than this (call time) stops the loop. Default 500 ms. */
  minEndlessRunMs?: number;
}

/** Runs a plan's steps in order: the steps run once, then the repeated one, until a step does not play. */
export async function runPlan(ctx: CallContext, plan: PromptPlan, control: PlanControl = {}): Promise<void> {
  const play = control.play ?? ((step: MediaStep) => runStep(ctx, step));
  const run = async (step: MediaStep): Promise<boolean> => {
    control.onStep?.('sent');
    try {
      return await play(step);
    } finally {
      control.onStep?.('done');
    }
  };
  const stopped = (): boolean => control.shouldStop?.() ?? false;
  for (const step of plan.once) {
    if (stopped()) return;
    if (!(await run(step))) return;
  }
  if (!plan.repeated) return;
  const minRunMs = (control.minEndlessRunMs ?? MIN_ENDLESS_RUN_MS) * ctx.settings.timeScale;
  for (let i = 0; i < plan.times; i++) {
    if (stopped()) return;
    const started = performance.now();
    if (!(await run(plan.repeated))) return;
    if (plan.endless && performance.now() - started < minRunMs) {
      ctx.log.debug({ app: plan.repeated.app }, 'endless loop stopped: a run ended at once');
      return;
    }
  }
}
