/**
 * The state of one simulated FreeSWITCH channel and the header blocks every channel event carries:
 * the basic channel data (Channel-State … codecs), the caller profile (`Caller-*`, plus
 * `Other-Type`/`Other-Leg-*` once bridged) and the variables. Blocks are cached until the state
 * they reflect changes.
 */
import { makeHeaderBlock, type EventHeader, type HeaderBlock } from '../wire/event-encoder.js';
import type { VarStore } from './var-store.js';

/** FreeSWITCH's Answer-State values. */
export type AnswerState = 'ringing' | 'early' | 'answered' | 'hangup';
/** Which kind of endpoint the channel imitates. */
export type ChannelKind = 'loopback' | 'sip';

/** Read/write codec as shown in `Channel-Read-Codec-*`. */
export interface Codec {
  readonly name: string;
  readonly rate: string;
  readonly bitRate: string;
}

/** What a channel is built from. */
export interface ChannelInit {
  readonly uuid: string;
  readonly name: string;
  readonly kind: ChannelKind;
  readonly direction: 'inbound' | 'outbound';
  readonly profile: Map<string, string>;
  readonly vars: VarStore;
  readonly answerState: AnswerState;
  readonly callState: string;
  readonly codec?: Codec;
  readonly presenceId?: string;
}

/** One simulated channel. */
export class Channel {
  readonly uuid: string;
  readonly name: string;
  readonly kind: ChannelKind;
  readonly direction: 'inbound' | 'outbound';
  readonly vars: VarStore;
  /** Set when a SIP 200 OK went out: the caller's ACK re-sets the dialog variables. */
  ackPending = false;
  /** FreeSWITCH milliseconds of audio played to the caller (RTP statistics at hang-up). */
  mediaOutMs = 0;
  readonly #profile: Map<string, string>;
  #state = 'CS_EXECUTE';
  #stateNumber = 4;
  #callState: string;
  #answerState: AnswerState;
  #hangupCause: string | undefined;
  #codec: Codec | undefined;
  readonly #presenceId: string | undefined;
  #other: { type: string; profile: ReadonlyMap<string, string> } | undefined;
  #basic: HeaderBlock | undefined;
  #caller: HeaderBlock | undefined;

  constructor(init: ChannelInit) {
    this.uuid = init.uuid;
    this.name = init.name;
    this.kind = init.kind;
    this.direction = init.direction;
    this.vars = init.vars;
    this.#profile = init.profile;
    this.#answerState = init.answerState;
    this.#callState = init.callState;
    this.#codec = init.codec;
    this.#presenceId = init.presenceId;
  }

  get answerState(): AnswerState {
    return this.#answerState;
  }
  get callState(): string {
    return this.#callState;
  }
  get hangupCause(): string | undefined {
    return this.#hangupCause;
  }
  get runningState(): string {
    return this.#state;
  }
  /** True until the channel is hung up. */
  get up(): boolean {
    return this.#answerState !== 'hangup';
  }
  get answered(): boolean {
    return this.#answerState === 'answered';
  }
  get hasMedia(): boolean {
    return this.#codec !== undefined;
  }
  /** The caller profile field, e.g. `Caller-ID-Number`. */
  profileField(name: string): string | undefined {
    return this.#profile.get(name);
  }

  setRunningState(state: string, stateNumber: number): void {
    this.#state = state;
    this.#stateNumber = stateNumber;
    this.#basic = undefined;
  }
  setStateNumber(stateNumber: number): void {
    this.#stateNumber = stateNumber;
    this.#basic = undefined;
  }
  setCallState(callState: string): void {
    this.#callState = callState;
    this.#basic = undefined;
  }
  setAnswerState(answerState: AnswerState): void {
    this.#answerState = answerState;
    this.#basic = undefined;
  }
  setHangupCause(cause: string): void {
    this.#hangupCause = cause;
    this.#basic = undefined;
  }
  setCodec(codec: Codec | undefined): void {
    this.#codec = codec;
    this.#basic = undefined;
  }
  /** Updates a caller-profile field in place (e.g. `Channel-Answered-Time`). */
  setProfileField(name: string, value: string): void {
    this.#profile.set(name, value);
    this.#caller = undefined;
  }
  /** Attaches the other leg's profile (`Other-Type` + `Other-Leg-*`), which stays after unbridge. */
  setOtherLeg(type: string, profile: ReadonlyMap<string, string>): void {
    this.#other = { type, profile };
    this.#caller = undefined;
  }

  /** Channel-State … codecs. */
  basicBlock(): HeaderBlock {
    if (!this.#basic) {
      const h: EventHeader[] = [
        ['Channel-State', this.#state],
        ['Channel-Call-State', this.#callState],
        ['Channel-State-Number', String(this.#stateNumber)],
        ['Channel-Name', this.name],
        ['Unique-ID', this.uuid],
        ['Call-Direction', this.direction],
        ['Presence-Call-Direction', this.direction],
        ['Channel-HIT-Dialplan', 'true'],
      ];
      if (this.#presenceId) h.push(['Channel-Presence-ID', this.#presenceId]);
      h.push(['Channel-Call-UUID', this.uuid], ['Answer-State', this.#answerState]);
      if (this.#hangupCause) h.push(['Hangup-Cause', this.#hangupCause]);
      const c = this.#codec;
      if (c) {
        h.push(
          ['Channel-Read-Codec-Name', c.name],
          ['Channel-Read-Codec-Rate', c.rate],
          ['Channel-Read-Codec-Bit-Rate', c.bitRate],
          ['Channel-Write-Codec-Name', c.name],
          ['Channel-Write-Codec-Rate', c.rate],
          ['Channel-Write-Codec-Bit-Rate', c.bitRate],
        );
      }
      this.#basic = makeHeaderBlock(h);
    }
    return this.#basic;
  }

  /** `Caller-*` and, once bridged, `Other-Type` and `Other-Leg-*`. */
  callerBlock(): HeaderBlock {
    if (!this.#caller) {
      const h = profileHeaders('Caller-', this.#profile);
      if (this.#other) {
        h.push(['Other-Type', this.#other.type], ...profileHeaders('Other-Leg-', this.#other.profile));
      }
      this.#caller = makeHeaderBlock(h);
    }
    return this.#caller;
  }

  /** The profile with the `Channel-` prefix, which only CHANNEL_DATA carries. */
  channelProfileBlock(): HeaderBlock {
    return makeHeaderBlock(profileHeaders('Channel-', this.#profile));
  }

  /** A copy of the caller profile, e.g. to show this channel as another leg. */
  profileSnapshot(): Map<string, string> {
    return new Map(this.#profile);
  }
}

function profileHeaders(prefix: string, profile: ReadonlyMap<string, string>): EventHeader[] {
  const h: EventHeader[] = [];
  for (const [k, v] of profile) h.push([prefix + k, v]);
  return h;
}
