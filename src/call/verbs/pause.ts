/**
 * `<Pause>`: waits `length` seconds with FreeSWITCH `sleep`, which keeps the media flowing. It never answers the
 * call: a Pause before any media verb delays the answer by its length, as Twilio does.
 */
import type { PauseVerb } from '../../twiml/index.js';
import { planPrompt, runPlan } from '../media/prompts.js';
import { CONTINUE, type VerbHandler } from './verb-handler.js';

/** The `<Pause>` handler. */
export const pause: VerbHandler<PauseVerb> = {
  needsAnswer: false,
  async run(verb, ctx) {
    const plan = planPrompt(ctx, verb, 'verb');
    if (plan) await runPlan(ctx, plan);
    return CONTINUE;
  },
};
