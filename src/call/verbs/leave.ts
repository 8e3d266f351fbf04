/**
 * `<Leave>`, in an `<Enqueue>` waitUrl document: the caller leaves the queue, the Enqueue action is requested with
 * QueueResult=leave (or the verb after the Enqueue runs). Anywhere else it does nothing (reported and skipped).
 */
import type { LeaveVerb } from '../../twiml/index.js';
import { CONTINUE, END, type VerbHandler } from './verb-handler.js';
import { logCode } from '../../log-code.js';

export const leave: VerbHandler<LeaveVerb> = {
  needsAnswer: false,
  async run(verb, ctx) {
    const wait = ctx.state.queueWait;
    if (wait === undefined) {
      logCode(ctx.log, 'ERR_QUEUE_WAIT_VERB', { verb: 'Leave', line: verb.position.line }, 'Leave outside a queue; skipped');
      return CONTINUE;
    }
    wait.leave();
    return END;
  },
};
