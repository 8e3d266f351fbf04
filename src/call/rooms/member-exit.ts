/**
 * What takes a `<Conference>` member out of its room on behalf of its own `<Dial>`, from its add-member event until
 * it leaves:
 * - `timeLimit`: a timer of this server, in call time, started when the member is in. FreeSWITCH's
 *   `sched_hangup +N` would count whole seconds of the clock (real-findings: a 5 s limit cut at 4.5 s) and hang the
 *   call up instead of ending its Dial.
 * - `hangupOnStar`: the caller's `*`, seen as the DTMF event of the member's own channel. mod_conference's member
 *   loop reads the caller's digits off the channel whatever the profile, and reading a digit raises the event, so
 *   this works with FreeSWITCH's stock profile too (binding `*` to a caller control would need a profile of ours,
 *   and would apply to every member). The member joins with `conference_controls=none` (see dial-conference.ts),
 *   so that a profile's own `*` control (the stock `default` group: deaf and mute) does not act as well.
 * - an interruption of the call's document (live-calls.ts) while the member is in.
 * Each way the member leaves with `conference <room> hup <member_id>`: no kicked-sound, the channel stays up, the
 * `conference` application completes and the call goes on to the Dial's action. {@link MemberExit.end} removes the
 * timer and the DTMF listener and waits for the hup in flight: nothing outlives the member's stay.
 */
import { toAppError } from '../../errors.js';
import { afterAtLeast, onAbort } from '../../util/abort.js';
import { wasInterrupted } from '../live-calls.js';
import type { CallContext } from '../call-context.js';
import { hupMember } from './conference-member.js';
import { logCode } from '../../log-code.js';

/** Why the member was taken out. */
export type ExitReason = 'time-limit' | 'hangup-on-star' | 'interrupted';

const EXIT_MESSAGES: { readonly [R in ExitReason]: string } = {
  'time-limit': 'Dial timeLimit reached; the member leaves the conference',
  'hangup-on-star': '* pressed; the member leaves the conference',
  interrupted: 'the document was interrupted; the member leaves the conference',
};

/** The Dial attributes that take a member out. */
export interface ExitRules {
  /** Seconds in the room at most. */
  readonly timeLimit: number;
  readonly hangupOnStar: boolean;
}

/** The exit rules of one member in its room. */
export class MemberExit {
  readonly #ctx: CallContext;
  readonly #room: string;
  readonly #memberId: string;
  readonly #disposers: Array<() => void> = [];
  #reason: ExitReason | undefined;
  #removing: Promise<void> = Promise.resolve();

  /** Starts watching the member `memberId` of `room`, which has just joined. */
  constructor(ctx: CallContext, room: string, memberId: string, rules: ExitRules) {
    this.#ctx = ctx;
    this.#room = room;
    this.#memberId = memberId;
    this.#disposers.push(afterAtLeast(rules.timeLimit * 1000 * ctx.settings.timeScale, () => this.#leave('time-limit')));
    // An interrupted document (the call still up, live-calls.ts) ends the Dial as its timeLimit would.
    this.#disposers.push(onAbort(ctx.signal, () => {
      if (wasInterrupted(ctx.signal)) this.#leave('interrupted');
    }));
    if (rules.hangupOnStar) {
      this.#disposers.push(ctx.channel.on('dtmf', (d) => {
        if (d.digit === '*') this.#leave('hangup-on-star');
      }));
    }
  }

  /** Why the member was taken out, if it was. */
  get reason(): ExitReason | undefined {
    return this.#reason;
  }

  /** The member has left (or the call ended): stops watching and resolves once a hup in flight is answered. */
  async end(): Promise<void> {
    this.#dispose();
    await this.#removing;
  }

  #leave(reason: ExitReason): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#dispose();
    this.#ctx.log.info({ room: this.#room, reason }, EXIT_MESSAGES[reason]);
    this.#removing = hupMember(this.#ctx, this.#room, this.#memberId).catch((err: unknown) => {
      logCode(this.#ctx.log, 'ERR_CONFERENCE_LEAVE_FAILED', { reason, cause: toAppError(err).code,
        err: err instanceof Error ? err.message : String(err) }, 'could not take the member out of the conference');
    });
  }

  #dispose(): void {
    for (const dispose of this.#disposers.splice(0)) dispose();
  }
}
