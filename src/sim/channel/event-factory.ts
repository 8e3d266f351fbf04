/**
 * Builds events the way FreeSWITCH lays them out (esl-captures, all event files):
 * `Event-Name` (preceded by `Event-Subclass` for CUSTOM), `Core-UUID`, `FreeSWITCH-*`,
 * `Event-Date-*`, `Event-Calling-*`, `Event-Sequence`, then event headers that come first
 * (e.g. `Bridge-A-Unique-ID`), the channel data, `Caller-*`, `variable_*` for "verbose" event
 * types only (DTMF and CHANNEL_STATE carry none), then the event's own trailing headers.
 */
import { makeHeaderBlock, type EventHeader, type HeaderBlock } from '../wire/event-encoder.js';
import type { Channel } from './channel.js';

/** An event ready to be serialised, with what subscriptions and filters look at. */
export interface SimEvent {
  readonly name: string;
  readonly subclass?: string;
  readonly uniqueId?: string;
  readonly jobOwnerUuid?: string;
  readonly blocks: readonly HeaderBlock[];
  readonly body?: string;
}

/** First value of a header in an event (for `filter`); names compare case-insensitively, as in FreeSWITCH. */
export function findHeader(event: SimEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const block of event.blocks) {
    for (const [k, v] of block.headers) {
      if (k.length === wanted.length && k.toLowerCase() === wanted) return typeof v === 'string' ? v : v.join('|');
    }
  }
  return undefined;
}

/** The switch this simulator pretends to be. */
export interface SwitchIdentity {
  readonly coreUuid: string;
  readonly hostname: string;
  readonly switchname: string;
  readonly ipv4: string;
  readonly ipv6: string;
}

/** `Event-Calling-File`, `-Function`, `-Line-Number`. */
export type CallingSite = readonly [file: string, func: string, line: string];

const SESSION_C: CallingSite = ['switch_core_session.c', 'switch_core_session_exec', '2944'];

/** Where FreeSWITCH 1.10.12 raises each event, as captured. */
export const CALLING_SITES: Readonly<Record<string, CallingSite>> = {
  BACKGROUND_JOB: ['mod_event_socket.c', 'api_exec', '1572'],
  CHANNEL_ANSWER: ['switch_channel.c', 'switch_channel_perform_mark_answered', '3846'],
  CHANNEL_BRIDGE: ['switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', '1689'],
  CHANNEL_UNBRIDGE: ['switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', '1879'],
  CHANNEL_DATA: ['mod_event_socket.c', 'parse_command', '2021'],
  CHANNEL_EXECUTE: SESSION_C,
  CHANNEL_EXECUTE_COMPLETE: ['switch_core_session.c', 'switch_core_session_exec', '2967'],
  CHANNEL_HANGUP: ['switch_channel.c', 'switch_channel_perform_hangup', '3445'],
  CHANNEL_HANGUP_COMPLETE: ['switch_core_state_machine.c', 'switch_core_session_reporting_state', '943'],
  CHANNEL_PARK: ['switch_ivr.c', 'switch_ivr_park', '1002'],
  CHANNEL_UNPARK: ['switch_ivr.c', 'switch_ivr_park', '1213'],
  CHANNEL_PROGRESS: ['switch_channel.c', 'switch_channel_perform_mark_ring_ready_value', '3438'],
  CHANNEL_PROGRESS_MEDIA: ['switch_channel.c', 'switch_channel_perform_mark_pre_answered', '3560'],
  CHANNEL_STATE: ['switch_channel.c', 'switch_channel_perform_set_running_state', '2408'],
  DTMF: ['switch_channel.c', 'switch_channel_dequeue_dtmf', '677'],
  PLAYBACK_START: ['switch_ivr_play_say.c', 'switch_ivr_play_file', '1646'],
  PLAYBACK_STOP: ['switch_ivr_play_say.c', 'switch_ivr_play_file', '2020'],
  RECORD_START: ['switch_ivr_play_say.c', 'switch_ivr_record_file_event', '767'],
  RECORD_STOP: ['switch_ivr_play_say.c', 'switch_ivr_record_file_event', '1030'],
};

const VERBOSE = new Set([
  'CHANNEL_CREATE', 'CHANNEL_ORIGINATE', 'CHANNEL_UUID', 'CHANNEL_ANSWER', 'CHANNEL_PARK',
  'CHANNEL_UNPARK', 'CHANNEL_BRIDGE', 'CHANNEL_UNBRIDGE', 'CHANNEL_PROGRESS', 'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_DATA', 'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_DESTROY', 'PLAYBACK_START', 'PLAYBACK_STOP', 'RECORD_START',
  'RECORD_STOP', 'CALL_UPDATE', 'MEDIA_BUG_START', 'MEDIA_BUG_STOP', 'CHANNEL_HOLD', 'CHANNEL_UNHOLD',
]);

/** Options of a channel event. */
export interface ChannelEventOptions {
  /** Headers placed before the channel data (e.g. `Bridge-A-Unique-ID`, `Conference-*`). */
  readonly pre?: readonly EventHeader[];
  /** Headers placed after the variables (e.g. `Application`, `DTMF-Digit`). */
  readonly post?: readonly EventHeader[];
  readonly calling?: CallingSite;
  readonly subclass?: string;
  /** Overrides whether `variable_*` are included. */
  readonly withVariables?: boolean;
  /** CHANNEL_DATA also carries the profile with the `Channel-` prefix. */
  readonly channelProfile?: boolean;
  /** The event's time (epoch microseconds) when the switch recorded it already, e.g. as the channel's hangup time. */
  readonly atUs?: number;
}

const two = (n: number): string => (n < 10 ? '0' : '') + n;

/** Creates events stamped with the switch identity, the time and a global sequence number. */
export class EventFactory {
  readonly #host: readonly EventHeader[];
  readonly #nextSequence: () => number;
  readonly #nowUs: () => number;
  #dateSecond = -1;
  #dateLocal = '';
  #dateGmt = '';

  /** `nowUs`: the switch's clock, in epoch microseconds (every event is stamped with it). */
  constructor(identity: SwitchIdentity, nextSequence: () => number, nowUs: () => number) {
    this.#host = [
      ['Core-UUID', identity.coreUuid],
      ['FreeSWITCH-Hostname', identity.hostname],
      ['FreeSWITCH-Switchname', identity.switchname],
      ['FreeSWITCH-IPv4', identity.ipv4],
      ['FreeSWITCH-IPv6', identity.ipv6],
    ];
    this.#nextSequence = nextSequence;
    this.#nowUs = nowUs;
  }

  /** The common first headers of every event. */
  head(name: string, calling: CallingSite, subclass?: string, atUs?: number): HeaderBlock {
    const nowUs = atUs ?? this.#nowUs();
    const second = Math.floor(nowUs / 1e6);
    if (second !== this.#dateSecond) {
      const d = new Date(second * 1000);
      this.#dateSecond = second;
      this.#dateLocal =
        `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
        `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
      this.#dateGmt = d.toUTCString();
    }
    const h: EventHeader[] = subclass ? [['Event-Subclass', subclass]] : [];
    h.push(
      ['Event-Name', name],
      ...this.#host,
      ['Event-Date-Local', this.#dateLocal],
      ['Event-Date-GMT', this.#dateGmt],
      ['Event-Date-Timestamp', String(nowUs)],
      ['Event-Calling-File', calling[0]],
      ['Event-Calling-Function', calling[1]],
      ['Event-Calling-Line-Number', calling[2]],
      ['Event-Sequence', String(this.#nextSequence())],
    );
    return makeHeaderBlock(h);
  }

  /** An event about a channel. */
  channel(name: string, ch: Channel, opts: ChannelEventOptions = {}): SimEvent {
    const calling = opts.calling ?? CALLING_SITES[name] ?? SESSION_C;
    const blocks: HeaderBlock[] = [this.head(name, calling, opts.subclass, opts.atUs)];
    if (opts.pre && opts.pre.length) blocks.push(makeHeaderBlock(opts.pre));
    if (opts.channelProfile) blocks.push(ch.channelProfileBlock());
    blocks.push(ch.basicBlock(), ch.callerBlock());
    if (opts.withVariables ?? VERBOSE.has(name)) blocks.push(ch.vars.block());
    if (opts.post && opts.post.length) blocks.push(makeHeaderBlock(opts.post));
    return {
      name,
      uniqueId: ch.uuid,
      blocks,
      ...(opts.subclass ? { subclass: opts.subclass } : {}),
    };
  }

  /** A CUSTOM event about no channel (a conference room's own events). */
  custom(subclass: string, calling: CallingSite, headers: readonly EventHeader[]): SimEvent {
    return { name: 'CUSTOM', subclass, blocks: [this.head('CUSTOM', calling, subclass), makeHeaderBlock(headers)] };
  }

  /** An event with no channel data (BACKGROUND_JOB). */
  bare(name: string, headers: readonly EventHeader[], body?: string, jobOwnerUuid?: string): SimEvent {
    const blocks = [this.head(name, CALLING_SITES[name] ?? SESSION_C), makeHeaderBlock(headers)];
    return {
      name,
      blocks,
      ...(body !== undefined ? { body } : {}),
      ...(jobOwnerUuid ? { jobOwnerUuid } : {}),
    };
  }
}
