/** `<Dial><Conference>`: not carried out yet; reported and counted as a failed dial. */
import type { ConferenceNoun } from '../../twiml/index.js';
import type { DialTarget } from './dial-outcome.js';

export const dialConference: DialTarget<ConferenceNoun> = async (_dial, noun, ctx) => {
  ctx.log.warn({ code: 'ERR_TWIML_UNSUPPORTED', noun: noun.kind, line: noun.position.line }, 'noun not supported');
  return { status: 'failed' };
};
