/**
 * `sched_hangup [+]<seconds> [cause]` (mod_dptools): the hangup is scheduled in whole seconds of the switch's
 * clock. `+N` is due when the epoch second reaches the current one plus N, so it fires between N-1 and N s after it
 * ran (real-findings README: timeLimit=5 cut the bridge at 4.5 s, 3 at 2.5 s); a time without `+` is an epoch
 * second. The cause defaults to ALLOTTED_TIMEOUT. The application returns at once; the hangup comes later.
 */
import { causeName } from '../channel/hangup-causes.js';
import type { AppDefinition } from './app-context.js';

/** A parsed `sched_hangup` argument. */
export interface SchedHangup {
  /** `+N`: relative to the current epoch second; otherwise an epoch second. */
  readonly relative: boolean;
  readonly seconds: number;
  readonly cause: string;
}

/** Parses `[+]<seconds> [cause]`; undefined when it is not one. */
export function parseSchedHangup(arg: string): SchedHangup | undefined {
  const m = /^(\+?)(\d+)(?:\s+(\S+))?/.exec(arg.trim());
  if (!m) return undefined;
  return { relative: m[1] === '+', seconds: Number(m[2]), cause: causeName(m[3] ?? 'ALLOTTED_TIMEOUT') };
}

/** When a `sched_hangup` run at `atUs` (epoch microseconds) hangs up, in epoch microseconds. */
export function schedHangupDueUs(atUs: number, when: SchedHangup): number {
  return ((when.relative ? Math.floor(atUs / 1e6) : 0) + when.seconds) * 1e6;
}

/** The `sched_hangup` application. */
export const schedHangupApp: AppDefinition = {
  run(ctx, arg) {
    const when = parseSchedHangup(arg);
    if (when === undefined) return undefined;
    const waitMs = Math.max(0, (schedHangupDueUs(ctx.nowUs(), when) - ctx.nowUs()) / 1000);
    ctx.clock.after(waitMs, () => ctx.hangup(when.cause));
    return undefined;
  },
};
