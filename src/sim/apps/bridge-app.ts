/**
 * `bridge <dial-string>` with scripted B-leg outcomes (esl-captures/more/bridge-*):
 * - `Application-Response` is always `_none_`; results are variables (originate_disposition,
 *   DIALSTATUS, originate_failed_cause, last_bridge_hangup_cause, bridge_hangup_cause …);
 *   a successful bridge reports `originate_disposition=SUCCESS`;
 * - CHANNEL_BRIDGE when B answers, CHANNEL_UNBRIDGE when it hangs up, then EXECUTE_COMPLETE;
 * - an unanswered caller is pre-answered while B rings (CHANNEL_PROGRESS_MEDIA);
 * - the caller hanging up while B rings gives ORIGINATOR_CANCEL / CANCEL;
 * - a failure hangs the A-leg up with B's cause unless `continue_on_fail` allows it (NO_ANSWER,
 *   NO_USER_RESPONSE and ORIGINATOR_CANCEL never do when it is unset);
 * - while bridged, the A-leg's `bridge_terminate_key` digit ends the bridge (B is hung up with
 *   NORMAL_CLEARING), and session recordings waiting for a bridge start;
 * - while bridged, every other digit the A-leg's caller sends is taken by the bridge (the A-leg's DTMF event) and
 *   relayed to B (switch_ivr_bridge.c: switch_core_session_send_dtmf), unless `bridge_filter_dtmf` is true; a
 *   routed leg's far channel receives it as its own caller's digit (routed-leg.ts);
 * - while bridged, `uuid_kill <B uuid> <cause>` on any socket hangs B up: the bridge ends with that cause;
 * - while ringing, `uuid_kill <B uuid> <cause>` hangs that leg up; once every leg of the group is gone, the group
 *   fails with the cause of the last one (then the next group rings, or the bridge ends);
 * - `sched_hangup +N` run on B's answer (`execute_on_answer`) hangs B up in whole seconds of the switch's clock
 *   (sched-hangup.ts).
 */
import { randomUUID } from 'node:crypto';
import { causeOfSipStatus, q850Of, sipStatusOfCause } from '../channel/hangup-causes.js';
import type { RoutedLegPort } from '../sim/routed-leg.js';
import type { AppContext, AppDefinition } from './app-context.js';
import {
  answerLimit,
  dialStatusOf,
  legTimeoutMs,
  legVars,
  parseDialString,
  resolveLeg,
  sipFailureVars,
  watchedVars,
  type DialLeg,
  type DialPlan,
  type LegResult,
} from './bridge-dial.js';
import { answer, preAnswer } from './channel-ops.js';
import { schedHangupDueUs, type SchedHangup } from './sched-hangup.js';
import { runLegWhisper, whisperSocketOf } from './bridge-whisper.js';
import { sessionBridged } from './session-record-app.js';
import { switchTrue } from '../util/switch-true.js';

interface Attempt {
  readonly leg: DialLeg;
  readonly vars: Readonly<Record<string, string>>;
  readonly uuid: string;
  readonly result: LegResult;
  /** The `sched_hangup` the leg runs when it answers. */
  readonly limit: SchedHangup | undefined;
  /** The switch's epoch microseconds when the originate started (the leg answers `result.atMs` later). */
  readonly startUs: number;
}

/** How long B stays in the bridge from now, and the cause it leaves with. */
function talkOf(ctx: AppContext, a: Attempt & { result: Extract<LegResult, { kind: 'answer' }> }): { ms: number; cause: string } {
  const talk = { ms: a.result.talkMs, cause: a.result.hangupCause };
  if (a.limit === undefined) return talk;
  const answeredUs = a.startUs + a.result.atMs * 1000;
  const leftMs = (schedHangupDueUs(answeredUs, a.limit) - ctx.nowUs()) / 1000;
  return leftMs < talk.ms ? { ms: Math.max(0, leftMs), cause: a.limit.cause } : talk;
}

function otherLegProfile(ctx: AppContext, a: Attempt, nowUs: number): Map<string, string> {
  const ch = ctx.channel;
  const p = new Map<string, string>();
  const t = String(nowUs);
  p.set('Direction', 'outbound');
  p.set('Logical-Direction', 'inbound');
  p.set('Dialplan', 'xml');
  const name = a.vars['origination_caller_id_name'] ?? ch.profileField('Caller-ID-Name');
  const number = a.vars['origination_caller_id_number'] ?? ch.profileField('Caller-ID-Number') ?? '';
  if (name) p.set('Caller-ID-Name', name);
  p.set('Caller-ID-Number', number);
  if (name) p.set('Orig-Caller-ID-Name', name);
  p.set('Orig-Caller-ID-Number', number);
  p.set('Callee-ID-Name', 'Outbound Call');
  p.set('Callee-ID-Number', a.leg.calleeNumber);
  p.set('ANI', number);
  p.set('Destination-Number', a.leg.number);
  p.set('Unique-ID', a.uuid);
  p.set('Source', a.leg.sip ? 'mod_sofia' : 'mod_loopback');
  p.set('Context', 'default');
  p.set('Channel-Name', a.leg.channelName);
  p.set('Profile-Created-Time', t);
  p.set('Channel-Created-Time', t);
  p.set('Channel-Answered-Time', t);
  for (const f of ['Progress-Time', 'Progress-Media-Time', 'Hangup-Time', 'Transfer-Time', 'Resurrect-Time', 'Bridged-Time', 'Last-Hold', 'Hold-Accum']) {
    p.set('Channel-' + f, '0');
  }
  p.set('Screen-Bit', 'true');
  p.set('Privacy-Hide-Name', 'false');
  p.set('Privacy-Hide-Number', 'false');
  return p;
}

async function connected(ctx: AppContext, a: Attempt & { result: Extract<LegResult, { kind: 'answer' }> }, far?: FarEnd)
  : Promise<void> {
  const ch = ctx.channel;
  const v = ch.vars;
  if (!ch.answered) answer(ctx);
  v.unset('originate_signal_bond');
  v.set('originate_disposition', 'SUCCESS');
  v.set('DIALSTATUS', 'SUCCESS');
  v.set('originate_causes', `${a.uuid};NONE`);
  v.set('signal_bond', a.uuid);
  const now = ctx.nowUs();
  ch.setProfileField('Channel-Bridged-Time', String(now));
  ch.setOtherLeg('originatee', otherLegProfile(ctx, a, now));
  const ids: Array<[string, string]> = [
    ['Bridge-A-Unique-ID', ch.uuid],
    ['Bridge-B-Unique-ID', a.uuid],
  ];
  ctx.fire('CHANNEL_BRIDGE', { pre: ids });
  sessionBridged(ch);
  const key = v.get('bridge_terminate_key');
  const talk = talkOf(ctx, a);
  let killedWith: string | undefined;
  const unlist = ctx.channels.add(a.uuid, (killCause) => {
    killedWith ??= killCause;
    ctx.media.interrupt();
  });
  // A routed leg stays until either side hangs up (a BYE one way or the other).
  const filtered = switchTrue(v.get('bridge_filter_dtmf'));
  const onDigit = (d: string): boolean => {
    if (d === key) return true;
    if (!filtered) far?.port.sendDtmf(d);
    return false;
  };
  const o = far?.cause !== undefined ? { reason: 'break' as const }
    : await ctx.media.wait({ ms: far ? Infinity : talk.ms, onDigit, breakable: false });
  unlist();
  const cause = killedWith ?? far?.cause ?? (o.reason === 'done' ? talk.cause : 'NORMAL_CLEARING');
  if (far && far.cause === undefined) far.port.hangup('NORMAL_CLEARING');
  v.set('last_bridge_to', a.uuid);
  v.set('bridge_channel', a.leg.channelName);
  v.set('bridge_uuid', a.uuid);
  v.set('signal_bond', a.uuid);
  v.set('last_sent_callee_id_name', 'Outbound Call');
  v.set('last_sent_callee_id_number', a.leg.calleeNumber);
  v.set('last_bridge_hangup_cause', cause);
  v.set('bridge_hangup_cause', cause);
  ctx.fire('CHANNEL_UNBRIDGE', { pre: ids });
  if (v.get('hangup_after_bridge') === 'true' && ch.up) ctx.hangup(cause);
}

function failed(ctx: AppContext, a: Attempt, cause: string, sipStatus: number | undefined, cancelled: boolean): void {
  const v = ctx.channel.vars;
  if (sipStatus !== undefined) for (const [k, val] of sipFailureVars(sipStatus)) v.set(k, val);
  if (!cancelled) v.set('last_bridge_hangup_cause', cause);
  if (sipStatus !== undefined) v.set('last_bridge_proto_specific_hangup_cause', `sip:${sipStatus}`);
  v.set('originate_disposition', cause);
  v.set('DIALSTATUS', dialStatusOf(cause));
  v.set('originate_causes', `${a.uuid};${cause}`);
  v.set('originate_failed_cause', cause);
}

function continueAfter(ctx: AppContext, cause: string): boolean {
  const cof = ctx.channel.vars.get('continue_on_fail') ?? ctx.channel.vars.get('failure_causes');
  if (cof === 'true') return true;
  if (cof && cof !== 'false') {
    return cof.split(',').map((s) => s.trim()).some((c) => c === cause || c === String(q850Of(cause)));
  }
  return cause === 'NO_ANSWER' || cause === 'NO_USER_RESPONSE' || cause === 'ORIGINATOR_CANCEL';
}

/** The outcome of screening the answering legs. */
interface Screening {
  readonly winner?: Attempt;
  /** The last leg a whisper hung up, and its cause. */
  readonly turnedDown?: { readonly attempt: Attempt; readonly cause: string };
}

/**
 * The originate's confirm variables: the dial string's `{}` ones, else the caller's channel variables of the same
 * name (switch_ivr_originate.c copies those into the originate when the dial string lacks them).
 */
function originateConfirmVars(ctx: AppContext, plan: DialPlan): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['group_confirm_key', 'group_confirm_file']) {
    const value = plan.vars[name] ?? ctx.channel.vars.get(name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * The first answering leg that survives its whisper (legs without one survive at once), trying them in the order
 * they answered.
 */
async function screen(ctx: AppContext, plan: DialPlan, answering: readonly Attempt[]): Promise<Screening | 'caller-hangup'> {
  const originate = originateConfirmVars(ctx, plan);
  let nowMs = answering[0]?.result.atMs ?? 0;
  let turnedDown: Screening['turnedDown'];
  for (const a of answering) {
    if (a.result.atMs > nowMs) {
      const o = await ctx.media.wait({ ms: a.result.atMs - nowMs, onDigit: () => false, breakable: false });
      if (o.reason === 'hangup') return 'caller-hangup';
      nowMs = a.result.atMs;
    }
    const watched = watchedVars(a.leg, plan);
    const target = whisperSocketOf(watched, originate);
    if (target === undefined) return { winner: a };
    const end = await runLegWhisper(ctx, a.leg, a.uuid, watched, target);
    if (end === 'caller-hangup') return end;
    if (end.accepted) return { winner: a };
    turnedDown = { attempt: a, cause: end.cause };
  }
  return turnedDown === undefined ? {} : { turnedDown };
}

/** The far end of a routed leg as the bridge follows it: whether it answered, and its hangup cause once it hung up. */
class FarEnd {
  readonly port: RoutedLegPort;
  answered = false;
  cause: string | undefined;

  constructor(ctx: AppContext, port: RoutedLegPort) {
    this.port = port;
    void port.answered.then(() => {
      this.answered = true;
      ctx.media.interrupt();
    });
    void port.ended.then((cause) => {
      this.cause = cause;
      ctx.media.interrupt();
    });
  }
}

/**
 * The cause the bridge sees when the far end of a routed leg hangs up before answering: a loopback `-a` side ends
 * with the `-b` side's cause; a SIP leg with the cause of the response the far node sent (hangup_cause_to_sip, then
 * sofia_glue_sip_cause_to_freeswitch: NORMAL_CLEARING gives 480, NO_USER_RESPONSE).
 */
function routedFailure(leg: DialLeg, farCause: string): { cause: string; sipStatus: number | undefined } {
  if (!leg.sip) return { cause: farCause, sipStatus: undefined };
  const status = sipStatusOfCause(farCause);
  return { cause: causeOfSipStatus(status), sipStatus: status };
}

/**
 * A group of one leg the switch routes itself (a loopback into its dialplan, a SIP leg to a linked node): it rings
 * until the far end answers (then the bridge holds until either side hangs up), hangs up, or the originate timeout
 * runs out (the far end gets a CANCEL). Returns undefined when the bridge is over, else the cause of the failure.
 */
async function bridgeRouted(ctx: AppContext, plan: DialPlan, leg: DialLeg, port: RoutedLegPort): Promise<string | undefined> {
  const ch = ctx.channel;
  const vars = legVars(leg, plan);
  const uuid = vars['origination_uuid'] ?? randomUUID();
  const far = new FarEnd(ctx, port);
  const attempt: Attempt = { leg, vars, uuid, result: { kind: 'fail', atMs: 0, cause: 'NORMAL_CLEARING', rings: false },
    limit: answerLimit(vars), startUs: ctx.nowUs() };
  ch.vars.set('originate_signal_bond', uuid);
  ch.vars.set('originated_legs', `${uuid};Outbound Call;${leg.calleeNumber}`);
  let killed: string | undefined;
  const unlist = ctx.channels.add(uuid, (cause) => {
    killed ??= cause;
    ctx.media.interrupt();
  });
  const o = far.answered || far.cause !== undefined ? { reason: 'break' as const }
    : await ctx.media.wait({ ms: legTimeoutMs(leg, plan, (n) => ch.vars.get(n)), onDigit: () => false, breakable: false });
  unlist();
  if (o.reason === 'hangup' || killed !== undefined || (o.reason === 'done' && !far.answered)) {
    // The caller hung up, the leg was killed, or nobody answered in time: the far end gets a CANCEL.
    port.hangup('ORIGINATOR_CANCEL');
    const cause = o.reason === 'hangup' ? 'ORIGINATOR_CANCEL' : killed ?? 'NO_ANSWER';
    failed(ctx, attempt, cause, undefined, o.reason === 'hangup');
    return o.reason === 'hangup' ? undefined : cause;
  }
  if (far.answered) {
    await connected(ctx, { ...attempt, result: { kind: 'answer', atMs: 0, talkMs: Infinity, hangupCause: 'NORMAL_CLEARING' } },
      far);
    return undefined;
  }
  const { cause, sipStatus } = routedFailure(leg, far.cause ?? 'NORMAL_CLEARING');
  failed(ctx, attempt, cause, sipStatus, false);
  return cause;
}

async function bridge(ctx: AppContext, arg: string): Promise<undefined> {
  const ch = ctx.channel;
  const plan = parseDialString(arg);
  ch.vars.set('originate_disposition', 'failure');
  ch.vars.set('DIALSTATUS', 'INVALIDARGS');
  let lastCause = 'INVALIDARGS';
  for (const group of plan.groups) {
    const only = group.length === 1 ? group[0] : undefined;
    const routed = only && ctx.routeLeg({ target: only.target, vars: legVars(only, plan),
      callerIdNumber: legVars(only, plan)['origination_caller_id_number'] ?? ch.profileField('Caller-ID-Number') ?? '' });
    if (only && routed) {
      const failure = await bridgeRouted(ctx, plan, only, routed);
      if (failure === undefined) return undefined;
      lastCause = failure;
      continue;
    }
    const startUs = ctx.nowUs();
    const attempts: Attempt[] = group.map((leg) => {
      const vars = legVars(leg, plan);
      return {
        leg,
        vars,
        uuid: vars['origination_uuid'] ?? randomUUID(),
        result: resolveLeg(leg, ctx.bridgeOutcome(leg.target), legTimeoutMs(leg, plan, (n) => ch.vars.get(n))),
        limit: answerLimit(vars),
        startUs,
      };
    });
    // The legs exist (and are named on the A-leg) while they ring.
    const first = attempts[0];
    if (first) {
      ch.vars.set('originate_signal_bond', first.uuid);
      ch.vars.set('originated_legs', attempts.map((x) => `${x.uuid};Outbound Call;${x.leg.calleeNumber}`).join(','));
    }
    const answering = attempts
      .filter((x) => x.result.kind === 'answer')
      .sort((x, y) => x.result.atMs - y.result.atMs);
    const winner = answering[0];
    const rings = attempts.some((x) => (x.result.kind === 'answer' ? x.result.atMs > 0 : x.result.rings));
    const wasAnswered = ch.answered;
    // B's ringing marks the A-leg's progress time without a CHANNEL_PROGRESS event, and an
    // unanswered A-leg gets early media (more/bridge-caller-hangup-while-ringing,
    // bridge-caller-cancel-while-ringing-sip).
    if (rings && ch.profileField('Channel-Progress-Time') === '0') {
      ch.setProfileField('Channel-Progress-Time', String(ctx.nowUs()));
    }
    if (rings && ch.answerState === 'ringing') preAnswer(ctx);
    if (rings && wasAnswered) ch.setCallState('RING_WAIT');
    const last = attempts.reduce((x, y) => (y.result.atMs >= x.result.atMs ? y : x));
    const waitMs = winner ? winner.result.atMs : last.result.atMs;
    // The ringing legs are channels of the switch: `uuid_kill` hangs one up; once none is left ringing, the group fails.
    const ringing = new Set(attempts);
    let killed: { readonly attempt: Attempt; readonly cause: string } | undefined;
    const unlist = attempts.map((x) => ctx.channels.add(x.uuid, (cause) => {
      ringing.delete(x);
      if (ringing.size > 0) return;
      killed = { attempt: x, cause };
      ctx.media.interrupt();
    }));
    const o = await ctx.media.wait({ ms: waitMs, onDigit: () => false, breakable: false });
    for (const off of unlist) off();
    if (ch.up && wasAnswered && ch.callState === 'RING_WAIT') ch.setCallState('ACTIVE');
    if (o.reason === 'hangup') {
      failed(ctx, attempts[0] ?? last, 'ORIGINATOR_CANCEL', undefined, true);
      return undefined;
    }
    if (killed !== undefined) {
      failed(ctx, killed.attempt, killed.cause, undefined, false);
      lastCause = killed.cause;
      continue;
    }
    const screening = await screen(ctx, plan, answering);
    if (screening === 'caller-hangup') {
      failed(ctx, attempts[0] ?? last, 'ORIGINATOR_CANCEL', undefined, true);
      return undefined;
    }
    const won = screening.winner;
    if (won !== undefined && won.result.kind === 'answer') {
      await connected(ctx, { ...won, result: won.result });
      return undefined;
    }
    if (screening.turnedDown !== undefined && last.result.kind === 'answer') {
      failed(ctx, screening.turnedDown.attempt, screening.turnedDown.cause, undefined, false);
      lastCause = screening.turnedDown.cause;
      continue;
    }
    if (last.result.kind === 'fail') {
      failed(ctx, last, last.result.cause, last.result.sipStatus, false);
      lastCause = last.result.cause;
    }
  }
  if (ch.up && !continueAfter(ctx, lastCause)) ctx.hangup(lastCause);
  return undefined;
}

/** The `bridge` application. */
export const bridgeApp: AppDefinition = { run: bridge, media: true };
