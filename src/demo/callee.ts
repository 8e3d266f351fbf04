/**
 * What the callee of a simulated `<Dial>` does: every number, SIP address, user or device the app dials behaves the
 * same way, as the simulator's bridge models it (src/sim/apps/bridge-*.ts): it answers (after ringing for a while,
 * and hangs up after a while), is busy (USER_BUSY: DialCallStatus busy), does not answer until the Dial's timeout
 * (no-answer), or cannot be reached (a SIP 404: failed).
 */
import type { BLegOutcome } from '../sim/index.js';

/** The callee behaviours. */
export const CALLEE_OUTCOMES = ['answer', 'busy', 'no-answer', 'fail'] as const;

/** The callee of every Dial. Times are FreeSWITCH milliseconds. */
export interface CalleePlan {
  readonly outcome: (typeof CALLEE_OUTCOMES)[number];
  /** `answer`: how long it rings before answering (default 0). */
  readonly answerAfterMs?: number;
  /** `answer`: how long it stays in the bridge before hanging up (default 2000). */
  readonly talkMs?: number;
}

/** The simulator's B-leg outcome for `plan`. */
export function calleeOutcome(plan: CalleePlan): BLegOutcome {
  switch (plan.outcome) {
    case 'answer':
      return { type: 'answer', afterMs: plan.answerAfterMs ?? 0, hangupAfterMs: plan.talkMs ?? 2000 };
    case 'busy':
      return { type: 'busy' };
    case 'no-answer':
      return { type: 'no-answer' };
    case 'fail':
      return { type: 'reject', sipStatus: 404 };
  }
}
