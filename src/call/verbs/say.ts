/**
 * `<Say>`: text to speech with FreeSWITCH `speak engine|voice|text`. The voice and language map to an engine and
 * voice through the configured table. Keys pressed during the speech do not cut it (`playback_terminators=none`).
 * `loop` repeats it; `loop="0"` repeats until hangup, up to the configured maximum.
 */
import type { SayVerb } from '../../twiml/index.js';
import { afterPreparing, setTerminators } from '../call-actions.js';
import { planPrompt, runPlan } from '../media/prompts.js';
import { CONTINUE, type VerbHandler } from './verb-handler.js';

/** The `<Say>` handler. */
export const say: VerbHandler<SayVerb> = {
  needsAnswer: true,
  async run(verb, ctx) {
    const plan = planPrompt(ctx, verb, 'verb');
    if (!plan) return CONTINUE;
    await afterPreparing(setTerminators(ctx, 'none'), () => runPlan(ctx, plan));
    return CONTINUE;
  },
};
