/**
 * Verbs this engine parses but does not carry out yet (`<Dial>`, `<Enqueue>`, `<Leave>`): each is reported with
 * ERR_TWIML_UNSUPPORTED and the call goes on with the next verb.
 */
import type { DialVerb, EnqueueVerb, LeaveVerb } from '../../twiml/index.js';
import { CONTINUE, type VerbHandler } from './verb-handler.js';

/** The handler of a verb that is skipped with a warning. */
export function unsupported<V extends DialVerb | EnqueueVerb | LeaveVerb>(): VerbHandler<V> {
  return {
    needsAnswer: false,
    async run(verb, ctx) {
      ctx.log.warn({ code: 'ERR_TWIML_UNSUPPORTED', verb: verb.kind, line: verb.position.line }, 'verb not supported; skipped');
      return CONTINUE;
    },
  };
}
