import { EslError } from '../errors.js';
import type { EslEvent } from './event.js';

export type AnswerState = 'ringing' | 'early' | 'answered' | 'hangup';

/** The channel as FreeSWITCH described it in the reply to `connect`, parsed once. */
export interface ChannelData {
  readonly uuid: string;
  readonly channelName: string;
  readonly callerIdName: string;
  readonly callerIdNumber: string;
  readonly destinationNumber: string;
  /** FreeSWITCH's `Call-Direction` of this leg. */
  readonly direction: 'inbound' | 'outbound';
  readonly answerState: AnswerState;
  /** Every `variable_*` header, without the prefix (the table is built on first use). */
  readonly variables: Readonly<Record<string, string>>;
  /** Every header of the CHANNEL_DATA block, decoded (the table is built on first use). */
  readonly headers: Readonly<Record<string, string>>;
  /** One channel variable, read without building the whole table. */
  variable(name: string): string | undefined;
  /** One header, read without building the whole table. */
  header(name: string): string | undefined;
}

const ANSWER_STATES: readonly AnswerState[] = ['ringing', 'early', 'answered', 'hangup'];

/**
 * The parsed channel data. It keeps the reply itself, whose header block stays one string until the whole table is
 * asked for (thousands of calls stay open at once): single values are read straight from it.
 */
class ParsedChannelData implements ChannelData {
  readonly uuid: string;
  readonly channelName: string;
  readonly callerIdName: string;
  readonly callerIdNumber: string;
  readonly destinationNumber: string;
  readonly direction: 'inbound' | 'outbound';
  readonly answerState: AnswerState;
  readonly #reply: EslEvent;
  #headers: Record<string, string> | undefined;
  #variables: Record<string, string> | undefined;

  constructor(uuid: string, reply: EslEvent) {
    const h = (...names: string[]): string => {
      for (const name of names) {
        const value = reply.header(name);
        if (value !== undefined) return value;
      }
      return '';
    };
    this.uuid = uuid;
    this.#reply = reply;
    this.channelName = h('Channel-Name', 'Caller-Channel-Name');
    this.callerIdName = h('Caller-Caller-ID-Name', 'Channel-Caller-ID-Name');
    this.callerIdNumber = h('Caller-Caller-ID-Number', 'Channel-Caller-ID-Number');
    this.destinationNumber = h('Caller-Destination-Number', 'Channel-Destination-Number');
    this.direction = h('Call-Direction', 'Caller-Direction', 'Channel-Direction') === 'outbound' ? 'outbound' : 'inbound';
    const answer = h('Answer-State').toLowerCase() as AnswerState;
    this.answerState = ANSWER_STATES.includes(answer) ? answer : 'ringing';
  }

  get headers(): Readonly<Record<string, string>> {
    if (!this.#headers) {
      const out: Record<string, string> = {};
      for (const key of Object.keys(this.#reply.headers)) out[key] = this.#reply.header(key) ?? '';
      this.#headers = out;
    }
    return this.#headers;
  }

  get variables(): Readonly<Record<string, string>> {
    if (!this.#variables) this.#variables = this.#reply.variables();
    return this.#variables;
  }

  variable(name: string): string | undefined {
    return this.#variables ? this.#variables[name] : this.#reply.variable(name);
  }

  header(name: string): string | undefined {
    return this.#reply.header(name);
  }
}

/** Parses the reply to `connect`; throws ERR_ESL_PROTOCOL when it does not describe a channel. */
export function parseChannelData(reply: EslEvent): ChannelData {
  const uuid = reply.header('Unique-ID') ?? reply.header('Channel-Unique-ID') ?? reply.header('Caller-Unique-ID');
  if (reply.name !== 'CHANNEL_DATA' || !uuid) {
    throw new EslError('ERR_ESL_PROTOCOL', 'the reply to connect carries no channel data');
  }
  return new ParsedChannelData(uuid, reply);
}
