/** The `bridge` execute as a Dial and a leg to another server run it. */
import type { ExecuteResult } from '../../esl/index.js';
import { isCallEnded } from '../call-actions.js';
import type { CallContext } from '../call-context.js';

/**
 * Runs `bridge arg` on `ctx`'s call, completing after a hangup; resolves with its completion, or undefined when the
 * call ended under it. Whatever happens, calls every `offs` (the listeners set up for the bridge) once it is over.
 */
export async function executeBridge(ctx: CallContext, arg: string, offs: readonly (() => void)[])
  : Promise<ExecuteResult | undefined> {
  try {
    return await ctx.channel.execute('bridge', arg, { completeAfterHangup: true });
  } catch (err) {
    if (!isCallEnded(err)) throw err;
    return undefined;
  } finally {
    for (const off of offs) off();
  }
}
