/**
 * The receiving end of a leg from another server of the cluster (remote-reach.ts): FreeSWITCH's pivot-cluster
 * extension hands the leg to this server, which takes the leg's job from Redis by its token instead of fetching a
 * script, answers, runs the handler registered for the job's kind on the leg's channel, on behalf of the sending
 * call (its CallSid and account: the callbacks the handler sends carry the sender's ids), sends the result back,
 * and hangs the leg up. The sender's bridge ends with it.
 *
 * A leg whose token is unknown (expired, taken already, never made) is hung up unanswered with CALL_REJECTED
 * (ERR_CLUSTER_LEG_UNKNOWN); one whose job cannot be read because Redis is down, with NORMAL_TEMPORARY_FAILURE; a
 * job of a kind this server has no handler for, with CALL_REJECTED (ERR_CLUSTER_LEG_KIND, sent back to the sender).
 * Such legs are never answered, so the sender's bridge fails like a Dial nobody answered.
 */
import { type ErrorCode, toAppError } from '../../errors.js';
import type { EslChannel } from '../../esl/index.js';
import { logCode } from '../../log-code.js';
import { ensureAnswered, hangupCall, hangupChannel, isCallEnded } from '../call-actions.js';
import type { CallContext } from '../call-context.js';
import type { ArrivedLeg, LegArrivals, LegSender } from './remote-reach.js';

/** A context for the leg's channel on behalf of `sender`, and what waits for its callbacks once the leg is over. */
export type LegContextFactory = (sender: LegSender) => CallContext;

/** Why a leg was refused unanswered: its code and the hangup cause the sender's bridge sees. */
function refusal(code: ErrorCode): { code: ErrorCode; cause: string } {
  return { code, cause: code === 'ERR_CLUSTER_LEG_UNKNOWN' || code === 'ERR_CLUSTER_LEG_KIND' ? 'CALL_REJECTED'
    : 'NORMAL_TEMPORARY_FAILURE' };
}

/** Runs a leg that has just connected (see the module comment). Never throws. */
export async function receiveLeg(channel: EslChannel, arrivals: LegArrivals, contextFor: LegContextFactory): Promise<void> {
  let leg: ArrivedLeg;
  try {
    leg = await arrivals.take(channel.data);
  } catch (err) {
    const { code, cause } = refusal(toAppError(err).code);
    logCode(channel.log, code, { leg: channel.data.destinationNumber, cause, err: toAppError(err).message },
      'a leg from another server could not be taken; hung up unanswered');
    await hangupChannel(channel, channel.log, cause);
    return;
  }
  const { sender, handler } = leg;
  if (handler === undefined) {
    const { code, cause } = refusal('ERR_CLUSTER_LEG_KIND');
    logCode(channel.log, code, { kind: leg.kind, cause }, 'a leg brought a job this server has no handler for');
    await leg.reply({ error: code });
    await hangupChannel(channel, channel.log, cause);
    return;
  }
  const ctx = contextFor(sender);
  const log = ctx.log.child({ kind: leg.kind });
  log.info({ from: sender.identity.callSid }, 'a leg from another server runs its job');
  try {
    await ensureAnswered(ctx);
    const result = await handler(ctx, leg.job, { callSid: sender.identity.callSid, accountSid: sender.identity.accountSid });
    await leg.reply({ result });
    log.info('the leg\'s job is done');
  } catch (err) {
    const error = toAppError(err);
    if (!isCallEnded(err)) logCode(log, error.code, { err: error.message, kind: leg.kind }, 'the leg\'s job failed');
    await leg.reply({ error: error.code });
  } finally {
    await ctx.requests.settled();
  }
  await hangupCall(ctx, 'NORMAL_CLEARING');
}
