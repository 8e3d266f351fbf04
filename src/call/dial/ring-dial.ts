/**
 * `<Dial>` of ringing nouns (Number, Sip, User, Device): one FreeSWITCH `bridge` to every endpoint at once, the
 * first to answer wins. The A-leg survives every outcome (`continue_on_fail=true`, `hangup_after_bridge=false`),
 * so the caller goes on with the action or the next verb, as Twilio does.
 *
 * - `timeout` → `originate_timeout` (ring time); `timeLimit` → this server's timer from the bridge, which hangs the
 *   bridged leg up (ALLOTTED_TIMEOUT ends only that leg), with a `sched_hangup` on the answering leg as the
 *   backstop (time-limit.ts); `callerId` → `origination_caller_id_number`;
 *   `hangupOnStar` → `bridge_terminate_key=*` (the caller's `*` ends the bridge, the callee is hung up);
 *   `ringTone` → the `ringback` tone with `ignore_early_media=true`; `record` → dial-recording.ts.
 * - Each leg gets `origination_uuid`, so the answering leg's uuid (DialCallSid) is known; DialCallDuration is the
 *   time from CHANNEL_BRIDGE to CHANNEL_UNBRIDGE (or the caller's hangup), in whole seconds of FreeSWITCH's clock
 *   (durations.ts).
 */
import type { DialVerb, RingNoun } from '../../twiml/index.js';
import { AppError, toAppError } from '../../errors.js';
import type { ExecuteResult } from '../../esl/index.js';
import { onAbort } from '../../util/abort.js';
import type { CallContext } from '../call-context.js';
import { bridgedAtUs, eventTimeUs, wholeSeconds } from '../durations.js';
import { wasInterrupted } from '../live-calls.js';
import { dialLegs, type DialLeg, type VarList } from './dial-legs.js';
import type { DialOutcome } from './dial-outcome.js';
import { deliverDialRecording, startDialRecording, stopDialRecording } from './dial-recording.js';
import { dialCallStatus } from './dial-status.js';
import { dialString } from './dial-string.js';
import { callerIdNumber } from './dial-values.js';
import { executeBridge } from './execute-bridge.js';
import { LegCallbacks } from './leg-callbacks.js';
import { ringbackTone } from './ring-tones.js';
import { BridgeTimeLimit, timeLimitBackstop } from './time-limit.js';
import { registerWhispers, whisperRejected } from './whisper-dial.js';
import { whisperDialVars } from './whisper-legs.js';
import { logCode } from '../../log-code.js';

/** What the engine saw of the bridge while it ran. */
interface BridgeWatch {
  bridgedUuid: string | undefined;
  bridgedAtUs: number | undefined;
  endedAtUs: number | undefined;
}

/** The checked callerId, or undefined (absent, or refused and logged). */
function callerIdOf(verb: DialVerb, ctx: CallContext): string | undefined {
  if (verb.callerId === undefined || verb.callerId.trim() === '') return undefined;
  try {
    return callerIdNumber(verb.callerId);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    ctx.log.warn({ code: err.code, twilioCode: err.twilioCode, line: verb.position.line }, err.message);
    return undefined;
  }
}

/**
 * A-leg variables of a bridge, set at once in one round trip: the caller survives the bridge whatever happens
 * (`continue_on_fail`, no `hangup_after_bridge`); `terminateKey` ('' for none) ends the bridge from the caller's side.
 */
export async function keepCallerThroughBridge(ctx: CallContext, terminateKey: '' | '*'): Promise<void> {
  const vars = `continue_on_fail=true;hangup_after_bridge=false;bridge_terminate_key=${terminateKey}`;
  const out = await ctx.channel.api(`uuid_setvar_multi ${ctx.channel.uuid} ${vars}`, { signal: ctx.signal });
  if (out.startsWith('-ERR')) throw new AppError('ERR_ESL_COMMAND_FAILED', `uuid_setvar_multi: ${out.trim()}`);
}

/** A-leg variables for this dial, set at once: the caller survives the bridge whatever happens. */
async function prepareCaller(verb: DialVerb, tone: string | undefined, ctx: CallContext): Promise<void> {
  await keepCallerThroughBridge(ctx, verb.hangupOnStar ? '*' : '');
  if (tone !== undefined) await ctx.channel.setVariable('ringback', tone, { signal: ctx.signal });
}

function ringTone(verb: DialVerb, ctx: CallContext): string | undefined {
  if (verb.ringTone === undefined) return undefined;
  const tone = ringbackTone(verb.ringTone);
  if (tone === undefined) {
    logCode(ctx.log, 'ERR_TWIML_UNSUPPORTED', { ringTone: verb.ringTone.slice(0, 20), line: verb.position.line },
      'unknown ringTone; the usual ringback plays');
  }
  return tone;
}

/** Variables of every leg. */
function originateVars(verb: DialVerb, callerId: string | undefined, tone: string | undefined, legs: readonly DialLeg[],
  ctx: CallContext): VarList {
  const vars: Array<readonly [string, string]> = [['originate_timeout', String(verb.timeout)]];
  vars.push(...whisperDialVars(ctx, legs.some((leg) => leg.whisper !== undefined)));
  if (callerId !== undefined) vars.push(['origination_caller_id_number', callerId]);
  if (tone !== undefined) vars.push(['ignore_early_media', 'true']);
  vars.push(timeLimitBackstop(verb.timeLimit));
  return vars;
}

/** Hangs up the legs of a Dial, ringing or bridged (a leg already gone is not an error). */
async function hangUpLegs(ctx: CallContext, legs: readonly DialLeg[]): Promise<void> {
  await Promise.all(legs.map((leg) => ctx.channel.api(`uuid_kill ${leg.uuid} NORMAL_CLEARING`).catch((err: unknown) => {
    ctx.log.debug({ leg: leg.uuid, err: toAppError(err).message }, 'leg not hung up (gone already)');
  })));
}

/** Runs the bridge and watches its events, with the time limit running while it is bridged; never throws for a hangup. */
async function bridge(arg: string, ctx: CallContext, legs: readonly DialLeg[], callbacks: LegCallbacks, limit: BridgeTimeLimit)
  : Promise<{ completion: ExecuteResult | undefined; watch: BridgeWatch }> {
  const watch: BridgeWatch = { bridgedUuid: undefined, bridgedAtUs: undefined, endedAtUs: undefined };
  const ended = (atUs: number | undefined): void => {
    limit.stop();
    watch.endedAtUs ??= atUs;
  };
  const offs = [
    ctx.channel.on('execute', ({ application }) => { if (application === 'bridge') callbacks.initiated(); }),
    ctx.channel.on('bridge', ({ otherUuid, event }) => {
      watch.bridgedUuid = otherUuid;
      watch.bridgedAtUs = bridgedAtUs(event);
      limit.start(otherUuid);
      callbacks.answered(otherUuid);
    }),
    ctx.channel.on('unbridge', ({ event }) => ended(eventTimeUs(event))),
    ctx.channel.on('hangup', ({ event }) => { if (watch.bridgedUuid !== undefined) ended(eventTimeUs(event)); }),
  ];
  // An interrupted document (the call still up) ends the Dial: its legs are hung up, so the bridge returns.
  offs.push(onAbort(ctx.signal, () => {
    if (wasInterrupted(ctx.signal)) void hangUpLegs(ctx, legs);
  }));
  let completion: ExecuteResult | undefined;
  try {
    completion = await executeBridge(ctx, arg, offs);
  } finally {
    await limit.finish();
  }
  return { completion, watch };
}

/** Whole seconds the bridged leg was up, by FreeSWITCH's clock. */
function durationOf(watch: BridgeWatch): number | undefined {
  if (watch.bridgedUuid === undefined) return undefined;
  return wholeSeconds(watch.bridgedAtUs, watch.endedAtUs);
}

/** Rings the nouns and reports how it went. */
export async function ringNouns(verb: DialVerb, nouns: readonly RingNoun[], ctx: CallContext): Promise<DialOutcome> {
  const legs = await dialLegs(nouns, ctx);
  if (legs.length === 0) {
    logCode(ctx.log, 'ERR_DIAL_NO_ENDPOINT', { line: verb.position.line }, 'nothing to ring; the dial failed');
    return { status: 'failed' };
  }
  const tone = ringTone(verb, ctx);
  await prepareCaller(verb, tone, ctx);
  const recording = await startDialRecording(verb, ctx);
  const callerId = callerIdOf(verb, ctx);
  const callbacks = new LegCallbacks(ctx, legs, callerId ?? ctx.identity.from);
  try {
    const whispers = registerWhispers(ctx, legs, callerId ?? ctx.identity.from, (uuid) => callbacks.answered(uuid));
    let bridged: Awaited<ReturnType<typeof bridge>>;
    try {
      bridged = await bridge(dialString(originateVars(verb, callerId, tone, legs, ctx), legs), ctx, legs, callbacks,
        new BridgeTimeLimit(ctx, verb.timeLimit));
    } finally {
      for (const leg of legs) ctx.whispers?.remove(leg.uuid);
    }
    const { completion, watch } = bridged;
    if (recording !== undefined) await stopDialRecording(recording, ctx);
    const disposition = completion?.event.variable('originate_disposition');
    const rejected = watch.bridgedUuid === undefined && !ctx.signal.aborted ? whisperRejected(whispers) : undefined;
    const status = rejected !== undefined ? 'no-answer'
      : dialCallStatus({ bridgedUuid: watch.bridgedUuid, disposition, callerHungUp: ctx.signal.aborted });
    const duration = durationOf(watch);
    callbacks.completed(status, watch.bridgedUuid, duration);
    ctx.log.info({ verb: 'Dial', status, legs: legs.length, disposition, bridgeHangupCause: completion?.event.variable('bridge_hangup_cause'),
      duration }, 'dial finished');
    const extras = recording === undefined ? {} : await deliverDialRecording(recording, verb, ctx);
    // Twilio sends DialCallSid whenever a leg was created: the bridged leg, else the leg a whisper turned down,
    // else the first leg (with several legs FreeSWITCH does not say which one failed last).
    const callSid = watch.bridgedUuid ?? rejected ?? legs[0]?.uuid;
    return {
      status,
      ...(callSid === undefined ? {} : { callSid }),
      ...(duration === undefined ? {} : { duration }),
      extras,
    };
  } finally {
    callbacks.close();
  }
}
