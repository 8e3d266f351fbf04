/** `<Dial><Queue>`: not carried out yet; reported and counted as a failed dial. */
import type { QueueNoun } from '../../twiml/index.js';
import type { DialTarget } from './dial-outcome.js';

export const dialQueue: DialTarget<QueueNoun> = async (_dial, noun, ctx) => {
  ctx.log.warn({ code: 'ERR_TWIML_UNSUPPORTED', noun: noun.kind, line: noun.position.line }, 'noun not supported');
  return { status: 'failed' };
};
