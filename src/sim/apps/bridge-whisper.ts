/**
 * A leg with `group_confirm_key=exec` runs `group_confirm_file` once it answers, before the bridge, and wins only
 * if it is still up when that application returns (switch_ivr_originate.c, collect_thread_run). The simulator
 * models the one application this is used with, `socket <host:port> async full`: it places the leg as a call of
 * its own to that socket (answered, outbound, with the leg's variables and the callee's scripted digits) and
 * waits for that session to end. The leg then stays up (the socket application returns) unless it was hung up.
 */
import { causeName } from '../channel/hangup-causes.js';
import type { AppContext } from './app-context.js';
import type { DialLeg } from './bridge-dial.js';

/** The socket a leg's confirm application connects to, when it is one. */
export function whisperSocketOf(vars: Readonly<Record<string, string>>): string | undefined {
  if ((vars['group_confirm_key'] ?? '').toLowerCase() !== 'exec') return undefined;
  const m = /^socket\s+(\S+)\s+async\s+full$/i.exec((vars['group_confirm_file'] ?? '').trim());
  return m?.[1]?.split('|')[0];
}

/** How a leg's whisper ended: accepted (still up), or the cause it was hung up with. */
export type WhisperEnd = { readonly accepted: true } | { readonly accepted: false; readonly cause: string };

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
    direction: 'outbound',
    answerState: 'answered',
    destinationNumber: leg.number,
    callerIdNumber: vars['origination_caller_id_number'] ?? ctx.channel.profileField('Caller-ID-Number') ?? '',
    variables: vars,
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
