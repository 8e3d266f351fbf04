/**
 * A leg with `group_confirm_key=exec` runs `group_confirm_file` once it answers, before the bridge, and wins only
 * if it is still up when that application returns (switch_ivr_originate.c, collect_thread_run). The key and file
 * are the watched channel's own (`[]` variables, which a loopback endpoint's watched side never has), else the
 * originate's (`{}`, or the caller's channel variables when the dial string has none). The simulator models the one
 * application this is used with, `socket <host:port> async full`: it places the leg as a call of its own to that
 * socket (answered, outbound, with the watched channel's variables and the callee's scripted digits) and waits for
 * that session to end. The leg then stays up (the socket application returns) unless it was hung up.
 */
import { causeName } from '../channel/hangup-causes.js';
import type { AppContext } from './app-context.js';
import { isLoopback, type DialLeg } from './bridge-dial.js';

/**
 * The socket a leg's confirm application connects to, when it is one: `peer` are the watched channel's variables,
 * `originate` the originate's own.
 */
export function whisperSocketOf(peer: Readonly<Record<string, string>>, originate: Readonly<Record<string, string>>)
  : string | undefined {
  const globalKey = originate['group_confirm_key'] || undefined;
  const key = peer['group_confirm_key'] || globalKey;
  if ((key ?? '').toLowerCase() !== 'exec') return undefined;
  const file = peer['group_confirm_file'] || (globalKey === undefined ? undefined : originate['group_confirm_file']);
  const m = /^socket\s+(\S+)\s+async\s+full$/i.exec((file ?? '').trim());
  return m?.[1]?.split('|')[0];
}

/** How a leg's whisper ended: accepted (still up), or the cause it was hung up with. */
export type WhisperEnd = { readonly accepted: true } | { readonly accepted: false; readonly cause: string };

/** The variables mod_loopback sets on the watched side of a loopback leg (mod_loopback.c). */
function loopbackSideVars(ctx: AppContext): Record<string, string> {
  return { loopback_leg: 'A', loopback_from_uuid: ctx.channel.uuid };
}

/** Runs the leg's socket session; the caller hanging up meanwhile cancels it (ORIGINATOR_CANCEL). */
export async function runLegWhisper(ctx: AppContext, leg: DialLeg, uuid: string, vars: Readonly<Record<string, string>>,
  target: string): Promise<WhisperEnd | 'caller-hangup'> {
  const colon = target.lastIndexOf(':');
  const outcome = ctx.bridgeOutcome(leg.target);
  const callee = outcome?.type === 'answer' ? outcome.callee : undefined;
  const call = ctx.placeCall({
    host: target.slice(0, colon),
    port: Number(target.slice(colon + 1)),
    uuid,
    profile: leg.sip ? 'sip' : 'loopback',
    channelName: leg.channelName,
    direction: 'outbound',
    answerState: 'answered',
    destinationNumber: leg.number,
    callerIdNumber: vars['origination_caller_id_number'] ?? ctx.channel.profileField('Caller-ID-Number') ?? '',
    variables: isLoopback(leg) ? { ...vars, ...loopbackSideVars(ctx) } : vars,
    socketArg: `${target} async full`,
    afterSocket: 'continue',
    ...(callee === undefined ? {} : { caller: callee }),
  });
  let ended: { readonly hangupCause?: string } | undefined;
  void call.ended.then((end) => {
    ended = end;
    ctx.media.interrupt();
  });
  const o = await ctx.media.wait({ ms: Infinity, onDigit: () => false, breakable: false });
  if (ended === undefined) {
    if (o.reason === 'hangup') {
      call.hangup('ORIGINATOR_CANCEL');
      await call.ended;
      return 'caller-hangup';
    }
    ended = await call.ended;
  }
  return ended.hangupCause === undefined ? { accepted: true } : { accepted: false, cause: causeName(ended.hangupCause) };
}
