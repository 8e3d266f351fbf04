/**
 * What a call created through the API does once it reaches the engine, before its first request: its SendDigits
 * are sent (Twilio sends them once the call is answered, before the TwiML runs), and its TimeLimit starts: this
 * server's timer hangs the call up with ALLOTTED_TIMEOUT once it has lasted that long (the `sched_hangup` of the
 * originate is the backstop for a server that lost the call).
 */
import { HangupCause } from '../esl/index.js';
import { afterAtLeast } from '../util/abort.js';
import { isCallEnded } from './call-actions.js';
import type { CallContext } from './call-context.js';
import type { CreatedCall } from './created-calls.js';
import { dtmfArg } from './media/fs-args.js';
import { logCode } from '../log-code.js';

/** Sends the call's digits and starts its time limit; returns what clears the timer (call it once the call ends). */
export async function startCreatedCall(ctx: CallContext, call: CreatedCall): Promise<() => void> {
  const stop = call.timeLimitSeconds === undefined ? undefined : startTimeLimit(ctx, call.timeLimitSeconds);
  if (call.sendDigits !== undefined && call.sendDigits !== '') {
    try {
      await ctx.channel.execute('send_dtmf', dtmfArg(call.sendDigits), { signal: ctx.signal });
    } catch (err) {
      if (!isCallEnded(err)) throw err;
    }
  }
  return stop ?? ((): void => {});
}

function startTimeLimit(ctx: CallContext, seconds: number): () => void {
  return afterAtLeast(seconds * 1000 * ctx.settings.timeScale, () => {
    ctx.log.info({ timeLimit: seconds }, 'the call reached its TimeLimit; it is hung up');
    ctx.state.hangupRequested ??= HangupCause.AllottedTimeout;
    ctx.channel.api(`uuid_kill ${ctx.channel.uuid} ${HangupCause.AllottedTimeout}`).catch((err: unknown) => {
      if (!isCallEnded(err)) logCode(ctx.log, 'ERR_ESL_COMMAND_FAILED', { err: (err as Error).message }, 'TimeLimit hangup failed');
    });
  });
}
