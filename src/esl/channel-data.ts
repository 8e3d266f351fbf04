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
  /** Every `variable_*` header, without the prefix. */
  readonly variables: Readonly<Record<string, string>>;
  /** Every header of the CHANNEL_DATA block, decoded. */
  readonly headers: Readonly<Record<string, string>>;
}

const ANSWER_STATES: readonly AnswerState[] = ['ringing', 'early', 'answered', 'hangup'];

/** Parses the reply to `connect`; throws ERR_ESL_PROTOCOL when it does not describe a channel. */
export function parseChannelData(reply: EslEvent): ChannelData {
  const uuid = reply.header('Unique-ID') ?? reply.header('Channel-Unique-ID') ?? reply.header('Caller-Unique-ID');
  if (reply.name !== 'CHANNEL_DATA' || !uuid) {
    throw new EslError('ERR_ESL_PROTOCOL', 'the reply to connect carries no channel data');
  }
  const headers: Record<string, string> = {};
  for (const key of Object.keys(reply.headers)) headers[key] = reply.header(key) ?? '';
  const answer = (headers['Answer-State'] ?? '').toLowerCase() as AnswerState;
  const direction = headers['Call-Direction'] ?? headers['Caller-Direction'] ?? headers['Channel-Direction'];
  return {
    uuid,
    channelName: headers['Channel-Name'] ?? headers['Caller-Channel-Name'] ?? '',
    callerIdName: headers['Caller-Caller-ID-Name'] ?? headers['Channel-Caller-ID-Name'] ?? '',
    callerIdNumber: headers['Caller-Caller-ID-Number'] ?? headers['Channel-Caller-ID-Number'] ?? '',
    destinationNumber: headers['Caller-Destination-Number'] ?? headers['Channel-Destination-Number'] ?? '',
    direction: direction === 'outbound' ? 'outbound' : 'inbound',
    answerState: ANSWER_STATES.includes(answer) ? answer : 'ringing',
    variables: reply.variables(),
    headers,
  };
}
