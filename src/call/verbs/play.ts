/**
 * `<Play>`: an http(s) URL (relative URLs resolve against the document) played by FreeSWITCH `playback`, `loop`
 * times (`0`: until hangup, up to the configured maximum); `digits` are sent first with `send_dtmf` (`w` waits half
 * a second). Keys pressed during the audio do not cut it. Media FreeSWITCH cannot play, or whose host the address
 * check refuses (media-url-guard.ts), is reported and skipped.
 */
import type { PlayVerb } from '../../twiml/index.js';
import { afterPreparing, setTerminators } from '../call-actions.js';
import { planPrompt, runPlan } from '../media/prompts.js';
import { CONTINUE, type VerbHandler } from './verb-handler.js';

/** The `<Play>` handler. */
export const play: VerbHandler<PlayVerb> = {
  needsAnswer: true,
  async run(verb, ctx) {
    const plan = planPrompt(ctx, verb, 'verb');
    if (!plan) return CONTINUE;
    if (plan.repeated) await afterPreparing(setTerminators(ctx, 'none'), () => runPlan(ctx, plan));
    else await runPlan(ctx, plan);
    return CONTINUE;
  },
};
