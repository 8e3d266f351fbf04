/**
 * Dial strings of the `bridge` app and what each B-leg target does. Failover groups are
 * separated by `|`, parallel legs by `,`; `{a=b}` sets originate variables, `[a=b]` per-leg ones,
 * read with FreeSWITCH's own quoting and escaping rules (dial-syntax.ts).
 * Timeouts: `leg_timeout` (per leg), else `originate_timeout` (originate or exported variables),
 * else the A-leg's `call_timeout`, else 60 s; FreeSWITCH's timer has about 1 s granularity and
 * gave up within (N-1, N] s (esl-captures/more/INDEX.md "Surprises" 18).
 * A leg's `origination_uuid` becomes its uuid; an `execute_on_answer*` variable holding
 * `sched_hangup +N [cause]` hangs the answered leg up as that application does (sched-hangup.ts): when the switch's
 * clock reaches the epoch second of the answer plus N.
 */
import { causeName, causeOfSipStatus, sipPhrase } from '../channel/hangup-causes.js';
import type { BLegOutcome, OutcomeRule } from '../sim/options.js';
import { readDialString, type ParsedLeg } from './dial-syntax.js';
import { parseSchedHangup, type SchedHangup } from './sched-hangup.js';

/** One B-leg of a dial string. */
export interface DialLeg {
  readonly target: string;
  readonly vars: Readonly<Record<string, string>>;
  /** `sofia/...` legs report SIP failure details. */
  readonly sip: boolean;
  /** The B-leg's destination number. */
  readonly number: string;
  /** What FreeSWITCH shows as the callee number of the originated leg. */
  readonly calleeNumber: string;
  readonly channelName: string;
}

/** A parsed dial string. */
export interface DialPlan {
  readonly vars: Readonly<Record<string, string>>;
  readonly groups: ReadonlyArray<ReadonlyArray<DialLeg>>;
}

function leg(parsed: ParsedLeg): DialLeg {
  const target = parsed.endpoint;
  const vars = parsed.vars;
  const parts = target.split('/');
  const sip = parts[0] === 'sofia';
  if (sip && parts[1] === 'gateway') {
    // sofia/gateway/<gateway>/<number>: the number is what follows the gateway's name.
    const user = (parts.slice(3).join('/') || '').replace(/^sips?:/, '').split('@')[0] ?? '';
    return { target, vars, sip, number: user, calleeNumber: user, channelName: target };
  }
  if (sip) {
    const userHost = (parts.slice(2).join('/') || '').replace(/^sips?:/, '');
    const user = userHost.split('@')[0] ?? '';
    return { target, vars, sip, number: user, calleeNumber: user, channelName: `sofia/${parts[1] ?? 'internal'}/${userHost}` };
  }
  if (parts[0] === 'loopback') {
    const num = parts[1] ?? '';
    return { target, vars, sip, number: num, calleeNumber: parts[2] ?? 'default', channelName: `loopback/${num}-a` };
  }
  const last = parts[parts.length - 1] ?? '';
  return { target, vars, sip, number: last, calleeNumber: last, channelName: target };
}

/** Splits a dial string into originate variables and failover groups of parallel legs (none on a parse error). */
export function parseDialString(dial: string): DialPlan {
  const parsed = readDialString(dial);
  if (parsed === undefined) return { vars: {}, groups: [] };
  return {
    vars: parsed.vars,
    groups: parsed.groups.map((g) => g.filter((l) => l.endpoint !== '').map(leg)).filter((g) => g.length > 0),
  };
}

/** The outcome the first rule matching a dial-string target scripts, if any. */
export function scriptedOutcome(rules: readonly OutcomeRule[] | undefined, target: string): BLegOutcome | undefined {
  for (const rule of rules ?? []) {
    if (typeof rule.match === 'string' ? target.includes(rule.match) : rule.match.test(target)) return rule.outcome;
  }
  return undefined;
}

/** What one leg resolves to, in FreeSWITCH milliseconds from the start of the originate. */
export type LegResult =
  | { readonly kind: 'answer'; readonly atMs: number; readonly talkMs: number; readonly hangupCause: string }
  | { readonly kind: 'fail'; readonly atMs: number; readonly cause: string; readonly sipStatus?: number; readonly rings: boolean };

/** A leg's variables: the originate ones, overridden by its own. */
export function legVars(l: DialLeg, plan: DialPlan): Readonly<Record<string, string>> {
  return { ...plan.vars, ...l.vars };
}

/** Whether a dial-string target is a mod_loopback endpoint. */
export function isLoopback(l: DialLeg): boolean {
  return l.target.startsWith('loopback/');
}

function withoutConfirm(vars: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(vars).filter(([name]) => !name.startsWith('group_confirm_')));
}

/**
 * The variables of the channel the originate watches for a leg. A sofia (or other) leg carries the originate's
 * `{}` variables and its own `[]` ones. A loopback endpoint is two channels: mod_loopback hands every variable to
 * `loopback/N-b`, the side that runs the dialplan, and the watched side `loopback/N-a` keeps only the `{}` ones,
 * without `group_confirm_*` (real-findings/whisper-loopback: `[]` variables land on -b; group_confirm_key unset on
 * -a in both forms); its `origination_uuid` still becomes -a's uuid.
 */
export function watchedVars(l: DialLeg, plan: DialPlan): Readonly<Record<string, string>> {
  return isLoopback(l) ? withoutConfirm(plan.vars) : legVars(l, plan);
}

/** The `sched_hangup` a leg's variables run on answer (`execute_on_answer*=sched_hangup +N [cause]`), if any. */
export function answerLimit(vars: Readonly<Record<string, string>>): SchedHangup | undefined {
  for (const [name, value] of Object.entries(vars)) {
    if (!name.toLowerCase().startsWith('execute_on_answer')) continue;
    const m = /^sched_hangup\s+(.*)$/.exec(value.trim());
    const when = m ? parseSchedHangup(m[1] ?? '') : undefined;
    if (when) return when;
  }
  return undefined;
}

/** Resolves a leg's scripted outcome against the timeout (a time limit after answer is the bridge's to apply). */
export function resolveLeg(l: DialLeg, outcome: BLegOutcome | undefined, timeoutMs: number): LegResult {
  const error = /^error\/(.+)$/.exec(l.target);
  const o: BLegOutcome = outcome ?? (error ? { type: 'reject', cause: causeName(error[1]) } : { type: 'answer' });
  const timeout = (): LegResult => ({ kind: 'fail', atMs: timeoutMs, cause: 'NO_ANSWER', rings: true });
  switch (o.type) {
    case 'answer': {
      const at = o.afterMs ?? 0;
      if (at >= timeoutMs) return timeout();
      return { kind: 'answer', atMs: at, talkMs: o.hangupAfterMs ?? 2000, hangupCause: causeName(o.hangupCause) };
    }
    case 'busy':
      return { kind: 'fail', atMs: o.afterMs ?? 20, cause: 'USER_BUSY', ...(l.sip ? { sipStatus: 486 } : {}), rings: false };
    case 'no-answer':
      return timeout();
    case 'reject': {
      const status = o.sipStatus ?? (o.cause ? undefined : 404);
      const cause = o.cause ? causeName(o.cause) : causeOfSipStatus(status ?? 404);
      return { kind: 'fail', atMs: o.afterMs ?? 20, cause, ...(l.sip && status ? { sipStatus: status } : {}), rings: false };
    }
    case 'unreachable':
      return { kind: 'fail', atMs: 20, cause: 'NORMAL_TEMPORARY_FAILURE', ...(l.sip ? { sipStatus: 503 } : {}), rings: false };
  }
}

/** The originate timeout of a leg, in FreeSWITCH milliseconds (slightly under N seconds). */
export function legTimeoutMs(l: DialLeg, plan: DialPlan, aVar: (n: string) => string | undefined): number {
  const pick = (v: string | undefined): number | undefined => {
    const n = Number.parseInt(v ?? '', 10);
    return n > 0 ? n : undefined;
  };
  const seconds =
    pick(l.vars['leg_timeout']) ??
    pick(plan.vars['leg_timeout']) ??
    pick(plan.vars['originate_timeout']) ??
    pick(aVar('originate_timeout')) ??
    pick(aVar('call_timeout')) ??
    60;
  return seconds * 1000 - 500;
}

/** DIALSTATUS for a failure cause. */
export function dialStatusOf(cause: string): string {
  if (cause === 'USER_BUSY') return 'BUSY';
  if (cause === 'NO_ANSWER' || cause === 'NO_USER_RESPONSE') return 'NOANSWER';
  if (cause === 'ORIGINATOR_CANCEL') return 'CANCEL';
  return cause;
}

/** The SIP failure variables a sofia leg leaves on the A-leg. */
export function sipFailureVars(status: number): Array<[string, string]> {
  const phrase = sipPhrase(status);
  return [
    ['sip_invite_failure_status', String(status)],
    ['sip_invite_failure_phrase', phrase],
    ['sip_hangup_phrase', phrase],
  ];
}
