/**
 * One `originate` on the switch, as switch_ivr_originate.c runs it when no channel originates it (the api command):
 *
 * - Each leg is an outbound channel: CHANNEL_OUTGOING as the endpoint creates it
 *   (switch_core_session.c, switch_core_session_outgoing_channel), then CHANNEL_CREATE and CHANNEL_ORIGINATE as its
 *   state machine starts (switch_core_state_machine.c, CS_INIT). A leg that rings raises CHANNEL_PROGRESS (180); an
 *   answer raises CHANNEL_ANSWER (a SIP leg's media first: CHANNEL_PROGRESS_MEDIA). What the far end does is
 *   scripted per target like a bridge's B legs ({@link BLegOutcome}, resolved by bridge-dial.ts).
 * - `origination_uuid` becomes the leg's uuid (switch_core_session.c, switch_core_session_outgoing_channel) and is
 *   then removed from the variables; a uuid already in use is refused ("Duplicate UUID!") and the leg keeps a fresh
 *   one. `origination_caller_id_name`/`_number` win over the command's cid arguments, which FreeSWITCH copies into
 *   those variables when they are absent; without either the number is 0000000000 and the name empty.
 * - The time limit is the command's timeout (60 s when not positive), replaced by a positive `originate_timeout`,
 *   per leg by `leg_timeout` (switch_ivr_originate, "originate_timeout"); the check runs on whole seconds of elapsed
 *   time. Past it the ringing legs hang up and the originate fails with NO_ANSWER.
 * - A leg that fails hangs up with its cause (CHANNEL_HANGUP, CHANNEL_HANGUP_COMPLETE); `uuid_kill <uuid> [cause]`
 *   on a ringing leg does the same with the kill's cause (NORMAL_CLEARING without one, mod_commands.c
 *   kill_function). With no originating channel the originate's cause is that of the first leg found down, and
 *   ORIGINATOR_CANCEL replaces a cause of SUCCESS or NONE. Parallel legs (`,`) that lose to another one's answer hang
 *   up with LOSE_RACE; failover groups (`|`) are rung one after the other.
 * - A parse error in the call url fails before any channel exists: nothing is down, so the cause is
 *   DESTINATION_OUT_OF_ORDER (switch_ivr_originate's `done:` path).
 * - The reply is `+OK <uuid>\n` once a leg answers, `-ERR <cause>\n` otherwise (mod_commands.c originate_function);
 *   the application then starts on the answered channel.
 */
import { randomUUID } from 'node:crypto';
import { answer, ringReady, type ChannelOpsContext } from '../apps/channel-ops.js';
import { legTimeoutMs, legVars, parseDialString, resolveLeg, type DialLeg, type DialPlan, type LegResult } from '../apps/bridge-dial.js';
import { setCdrVars } from '../channel/cdr-vars.js';
import type { Channel } from '../channel/channel.js';
import type { CallingSite, ChannelEventOptions, EventFactory } from '../channel/event-factory.js';
import { createChannel } from '../channel/profile-templates.js';
import type { FsSimulator } from '../sim/fs-simulator.js';
import type { BLegOutcome } from '../sim/options.js';
import { Clock } from '../util/clock.js';
import type { OriginateRequest } from './originate-command.js';

/** Where FreeSWITCH raises the events only an originated channel has (master, switch_core_*.c). */
const ORIGINATE_SITES: Readonly<Record<string, CallingSite>> = {
  CHANNEL_OUTGOING: ['switch_core_session.c', 'switch_core_session_outgoing_channel', '768'],
  CHANNEL_CREATE: ['switch_core_state_machine.c', 'switch_core_session_run', '626'],
  CHANNEL_ORIGINATE: ['switch_core_state_machine.c', 'switch_core_session_run', '632'],
};

/**
 * switch_ivr_originate.c reads at most MAX_PEERS (128) failover groups, and as many legs per group (the last piece
 * keeps the rest of the text); the simulator rings the first 128 of each and drops the rest.
 */
const MAX_PEERS = 128;

/** FreeSWITCH's caller id when neither the variables nor the command give one (switch_types.h). */
const DEFAULT_CID_NUMBER = '0000000000';

/** One leg of the originate, as the switch sees it. */
export interface OriginatedLeg {
  readonly uuid: string;
  readonly endpoint: string;
  /** Its variables: the call url's `{}` ones and its own `[]` ones. */
  readonly vars: Readonly<Record<string, string>>;
  readonly channel: Channel;
  /** The scripted outcome of its target (undefined: it answers at once). */
  readonly outcome: BLegOutcome | undefined;
}

/** What an origination needs of the switch it runs on. */
export interface OriginationHost {
  readonly sim: FsSimulator;
  readonly factory: EventFactory;
  /** The scripted outcome of a dial-string target. */
  outcome(target: string): BLegOutcome | undefined;
  /** Whether a channel with this uuid exists on the switch. */
  exists(uuid: string): boolean;
  /** A leg answered and the originate replied: the application (or extension) runs on its channel. */
  answered(leg: OriginatedLeg, request: OriginateRequest): void;
}

interface Ringing extends OriginatedLeg {
  readonly result: LegResult;
  cause?: string;
}

type GroupEnd = { readonly winner: Ringing } | { readonly cause: string };

export class Origination {
  readonly request: OriginateRequest;
  /** The originate's reply: `+OK <uuid>\n` or `-ERR <CAUSE>\n`. */
  readonly reply: Promise<string>;
  /** Every leg the originate created, in order. */
  readonly legs: OriginatedLeg[] = [];
  readonly #host: OriginationHost;
  readonly #clock: Clock;
  #abort: ((cause: string) => void) | undefined;
  #stopped: string | undefined;

  constructor(host: OriginationHost, request: OriginateRequest) {
    this.#host = host;
    this.request = request;
    this.#clock = new Clock(host.sim.clock);
    this.reply = this.#run().finally(() => this.#clock.clearAll());
  }

  /** The switch stops: ringing legs hang up with `cause`, the originate fails with it. */
  stop(cause = 'SYSTEM_SHUTDOWN'): void {
    this.#stopped ??= cause;
    this.#abort?.(cause);
  }

  async #run(): Promise<string> {
    const plan = parseDialString(this.request.dialString);
    let cause = 'DESTINATION_OUT_OF_ORDER';
    for (const group of plan.groups.slice(0, MAX_PEERS)) {
      if (this.#stopped !== undefined) return `-ERR ${this.#stopped}\n`;
      const end = await this.#ring(plan, group.slice(0, MAX_PEERS));
      if ('winner' in end) {
        this.#connect(end.winner);
        return `+OK ${end.winner.uuid}\n`;
      }
      cause = end.cause;
    }
    return `-ERR ${cause}\n`;
  }

  /** The channel of a leg, as the endpoint creates it, and its first events. */
  #create(plan: DialPlan, leg: DialLeg): Ringing {
    const sim = this.#host.sim;
    const vars = { ...legVars(leg, plan) };
    const wanted = vars['origination_uuid'];
    const taken = wanted !== undefined && (this.#host.exists(wanted) || this.legs.some((l) => l.uuid === wanted));
    const uuid = wanted !== undefined && !taken ? wanted : randomUUID();
    if (!taken) delete vars['origination_uuid'];
    const { callerIdName, callerIdNumber } = this.request;
    if (vars['origination_caller_id_name'] === undefined && callerIdName !== undefined) {
      vars['origination_caller_id_name'] = callerIdName;
    }
    if (vars['origination_caller_id_number'] === undefined && callerIdNumber !== undefined) {
      vars['origination_caller_id_number'] = callerIdNumber;
    }
    const name = vars['origination_caller_id_name'];
    const channel = createChannel({
      kind: leg.sip ? 'sip' : 'loopback',
      uuid,
      channelName: leg.channelName,
      ...(name !== undefined && name !== '' ? { callerIdName: name } : {}),
      callerIdNumber: vars['origination_caller_id_number'] ?? DEFAULT_CID_NUMBER,
      destinationNumber: leg.number,
      direction: 'outbound',
      answerState: 'ringing',
      createdUs: sim.clock.nowUs(),
      sessionId: sim.nextSessionId(),
      otherLegUuid: randomUUID(),
      socketArg: '',
      socketHost: '',
      context: 'default',
      variables: vars,
      fullSize: true,
    });
    // No application runs on the leg while it rings; its state machine has just started.
    for (const v of ['current_application', 'current_application_data', 'socket_host']) channel.vars.unset(v);
    channel.setRunningState('CS_INIT', 2);
    channel.setCallState('DOWN');
    const outcome = this.#host.outcome(leg.target);
    const timeoutMs = legTimeoutMs(leg, plan, (n) => (n === 'call_timeout' ? String(this.request.timeoutSec) : undefined));
    const ringing: Ringing = { uuid, endpoint: leg.target, vars, channel, outcome, result: resolveLeg(leg, outcome, timeoutMs) };
    this.legs.push(ringing);
    for (const event of ['CHANNEL_OUTGOING', 'CHANNEL_CREATE', 'CHANNEL_ORIGINATE']) {
      this.#fire(channel, event, { calling: ORIGINATE_SITES[event] });
    }
    const r = ringing.result;
    if (r.kind === 'answer' ? r.atMs > 0 : r.rings) {
      channel.setCallState('RINGING');
      ringReady(this.#ops(channel));
    }
    return ringing;
  }

  /** Rings one failover group's legs at once; resolves with the first to answer, or the group's cause. */
  #ring(plan: DialPlan, group: readonly DialLeg[]): Promise<GroupEnd> {
    return new Promise((resolve) => {
      const legs = group.map((leg) => this.#create(plan, leg));
      const ringing = new Set(legs);
      const undo: Array<() => void> = [];
      const finish = (end: GroupEnd): void => {
        this.#abort = undefined;
        for (const off of undo.splice(0)) off();
        resolve(end);
      };
      const fail = (leg: Ringing, cause: string): void => {
        if (!ringing.delete(leg)) return;
        this.#hangup(leg, cause);
        if (ringing.size > 0) return;
        const first = legs.find((l) => l.cause !== undefined)?.cause ?? cause;
        finish({ cause: first === 'SUCCESS' || first === 'NONE' ? 'ORIGINATOR_CANCEL' : first });
      };
      for (const leg of legs) {
        undo.push(this.#host.sim.listChannel(leg.uuid, (cause) => fail(leg, cause)));
        const r = leg.result;
        const timer = this.#clock.after(r.atMs, () => {
          if (r.kind === 'fail') {
            fail(leg, r.cause);
            return;
          }
          if (!ringing.delete(leg)) return;
          for (const other of [...ringing]) {
            ringing.delete(other);
            this.#hangup(other, 'LOSE_RACE');
          }
          answer(this.#ops(leg.channel));
          finish({ winner: leg });
        });
        undo.push(() => this.#clock.cancel(timer));
      }
      this.#abort = (cause) => {
        for (const leg of [...ringing]) fail(leg, cause);
      };
      if (this.#stopped !== undefined) this.#abort(this.#stopped);
    });
  }

  /** The answered leg runs the originate's application once the reply has gone out. */
  #connect(leg: Ringing): void {
    leg.channel.setRunningState('CS_EXECUTE', 4);
    setImmediate(() => this.#host.answered(leg, this.request));
  }

  /** A leg hangs up before answering: CHANNEL_HANGUP, then its accounting and CHANNEL_HANGUP_COMPLETE. */
  #hangup(leg: Ringing, cause: string): void {
    const ch = leg.channel;
    leg.cause = cause;
    ch.setAnswerState('hangup');
    ch.setHangupCause(cause);
    ch.setCallState('HANGUP');
    const endUs = this.#host.sim.clock.nowUs();
    this.#fire(ch, 'CHANNEL_HANGUP', { atUs: endUs });
    ch.setRunningState('CS_REPORTING', 11);
    setCdrVars(ch, { endUs, digitsDialed: '', lastApp: '', lastArg: '' });
    this.#fire(ch, 'CHANNEL_HANGUP_COMPLETE');
  }

  #ops(channel: Channel): ChannelOpsContext {
    return {
      channel,
      fire: (name, opts) => this.#fire(channel, name, opts),
      nowUs: () => this.#host.sim.clock.nowUs(),
    };
  }

  #fire(channel: Channel, name: string, opts?: ChannelEventOptions): void {
    this.#host.sim.events.publish(this.#host.factory.channel(name, channel, opts));
  }
}
