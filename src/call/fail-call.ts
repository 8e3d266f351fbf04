/**
 * The end of a call whose script cannot go on (no document could be fetched or parsed, and the fallback URL is
 * not set or failed too): the caller hears the configured error prompt, then the call is hung up.
 */
import { HangupCause } from '../esl/index.js';
import { type AppError, toAppError } from '../errors.js';
import { ensureAnswered, hangupCall, isCallEnded, setTerminators } from './call-actions.js';
import type { CallContext } from './call-context.js';
import { speakArg } from './media/fs-args.js';
import { isMediaReference, playbackPath } from './media/play-path.js';
import { runStep, type MediaStep } from './media/prompts.js';

function promptStep(ctx: CallContext, prompt: string): MediaStep {
  if (isMediaReference(prompt, ctx.settings.media)) return { app: 'playback', arg: playbackPath(prompt, ctx.settings.media) };
  const tts = ctx.settings.voices.resolve(undefined, undefined);
  return { app: 'speak', arg: speakArg(tts.engine, tts.voice, prompt, ctx.settings.maxTextLength) };
}

/** Plays the error prompt (answering the call if needed) and hangs up. */
export async function failCall(ctx: CallContext, error: AppError): Promise<void> {
  ctx.state.failed = true;
  ctx.log.warn({ code: error.code, twilioCode: error.twilioCode }, 'the call cannot go on: error prompt, then hangup');
  const prompt = ctx.settings.errorPrompt;
  if (prompt !== '') {
    try {
      const step = promptStep(ctx, prompt);
      await ensureAnswered(ctx);
      await setTerminators(ctx, 'none');
      await runStep(ctx, step);
    } catch (err) {
      if (isCallEnded(err)) throw err;
      ctx.log.warn({ code: toAppError(err).code }, 'the error prompt could not be played');
    }
  }
  await hangupCall(ctx, HangupCause.NormalClearing);
}
