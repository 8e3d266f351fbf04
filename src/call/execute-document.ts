/** Runs the verbs of one document in order, answering the call just before the first verb that needs media. */
import type { TwimlDocument } from '../twiml/index.js';
import { ensureAnswered, throwIfEnded } from './call-actions.js';
import type { CallContext } from './call-context.js';
import { END, handlerFor, type VerbOutcome } from './verbs/index.js';

/**
 * Runs `document` until a verb navigates or ends the call; a document that runs out ends the call (the caller
 * then hangs up, as Twilio does).
 */
export async function executeDocument(ctx: CallContext, document: TwimlDocument): Promise<VerbOutcome> {
  ctx.state.document = document.source;
  for (const verb of document.verbs) {
    throwIfEnded(ctx);
    const handler = handlerFor(verb);
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
  return END;
}
