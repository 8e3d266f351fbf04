/**
 * The request parameters of a call, in Twilio naming or in Kazoo Pivot naming. Parameters are an ordered list of
 * name/value pairs so that a name may repeat and encoding is deterministic.
 */

/** Request parameters: ordered name/value pairs; a name may appear more than once. */
export type Params = ReadonlyArray<readonly [name: string, value: string]>;

/** Which parameter names to send: Twilio's, or the Kazoo Pivot names of `req_format=kazoo`. */
export type ParamFormat = 'twilio' | 'kazoo';

/**
 * Call directions as the caller describes them. `outbound` means "originated by Kazoo or FreeSWITCH" and is sent as
 * it is, as the Pivot request format defines it; Twilio's `outbound-api`/`outbound-dial` pass through when given.
 */
export type CallDirection = 'inbound' | 'outbound' | 'outbound-api' | 'outbound-dial';

/** The value of `ApiVersion` on every Twilio-style request. */
export const API_VERSION = '2010-04-01';

/** The value of `Api-Version` on every Kazoo-style request (what Kazoo 4.x Pivot sends). */
export const KAZOO_API_VERSION = '4.x';

/** A plain description of the call a request is about. */
export interface CallDescription {
  readonly callSid: string;
  readonly accountSid: string;
  /** Caller number (user part of the SIP From). */
  readonly from: string;
  /** Dialled number (user part of the SIP To). */
  readonly to: string;
  readonly direction: CallDirection;
  /** queued, ringing, in-progress, completed, busy, failed, no-answer, canceled. Twilio always sends it. */
  readonly callStatus: string;
  readonly callerName?: string;
  readonly callerNumber?: string;
  readonly fromRealm?: string;
  readonly toRealm?: string;
  readonly forwardedFrom?: string;
  readonly parentCallSid?: string;
  /** The caller's language preference (Kazoo `Language`). */
  readonly language?: string;
  /** User part of the SIP Request-URI (Kazoo `Request`). */
  readonly request?: string;
  /** Host part of the SIP Request-URI (Kazoo `Request-Realm`). */
  readonly requestRealm?: string;
  /** Owner id of the calling device (Kazoo `User-ID`). */
  readonly userId?: string;
}

/** What a verb adds to the request that follows it, plus the user variables of `<Set><Variable>`. */
export interface RequestExtras {
  readonly digits?: string;
  readonly recordingUrl?: string;
  /** Whole seconds. */
  readonly recordingDuration?: number | string;
  readonly recordingSid?: string;
  readonly dialCallStatus?: string;
  readonly dialCallSid?: string;
  /** Whole seconds. */
  readonly dialCallDuration?: number | string;
  /** Further parameters a verb adds under their final names (e.g. `QueueResult`, `SpeechResult`), sent as given. */
  readonly extra?: Params;
  /** User variables; sent under their own names, after everything else, and never in place of a standard name. */
  readonly variables?: Params | Readonly<Record<string, string>>;
}

type Source = CallDescription & RequestExtras & { readonly apiVersion: string; readonly kazooApiVersion: string };
type Field = Exclude<keyof Source, 'extra' | 'variables'>;

/** Twilio names, in the order they are sent. `Caller`/`Called` are Twilio's legacy duplicates of From/To. */
const TWILIO_FIELDS: ReadonlyArray<readonly [string, Field]> = [
  ['CallSid', 'callSid'], ['AccountSid', 'accountSid'], ['From', 'from'], ['To', 'to'], ['Caller', 'from'],
  ['Called', 'to'], ['CallStatus', 'callStatus'], ['ApiVersion', 'apiVersion'], ['Direction', 'direction'],
  ['ForwardedFrom', 'forwardedFrom'], ['CallerName', 'callerName'], ['CallerNumber', 'callerNumber'],
  ['FromRealm', 'fromRealm'], ['ToRealm', 'toRealm'], ['ParentCallSid', 'parentCallSid'], ['Digits', 'digits'],
  ['RecordingUrl', 'recordingUrl'], ['RecordingDuration', 'recordingDuration'], ['RecordingSid', 'recordingSid'],
  ['DialCallStatus', 'dialCallStatus'], ['DialCallSid', 'dialCallSid'], ['DialCallDuration', 'dialCallDuration'],
];

/**
 * Kazoo naming, as Kazoo Pivot builds it (`req_format=kazoo`): its own names first (Call-ID ... Digits, in its
 * order), then the request variables it merges on top under their TwiML names (RecordingUrl, RecordingDuration,
 * DialCallStatus, DialCallSid, DialCallDuration, CallStatus; Digits is already there). Kazoo's Custom-SIP-Headers,
 * Custom-Application-Vars and Transcription-* have no source here and are never sent.
 */
const KAZOO_FIELDS: ReadonlyArray<readonly [string, Field]> = [
  ['Call-ID', 'callSid'], ['Account-ID', 'accountSid'], ['From', 'from'], ['From-Realm', 'fromRealm'], ['To', 'to'],
  ['To-Realm', 'toRealm'], ['Request', 'request'], ['Request-Realm', 'requestRealm'], ['Call-Status', 'callStatus'],
  ['Api-Version', 'kazooApiVersion'], ['Direction', 'direction'], ['Caller-ID-Name', 'callerName'],
  ['Caller-ID-Number', 'callerNumber'], ['User-ID', 'userId'], ['Language', 'language'],
  ['Recording-Url', 'recordingUrl'], ['Recording-Duration', 'recordingDuration'], ['Recording-ID', 'recordingSid'],
  ['Digits', 'digits'],
  ['RecordingUrl', 'recordingUrl'], ['RecordingDuration', 'recordingDuration'], ['DialCallStatus', 'dialCallStatus'],
  ['DialCallSid', 'dialCallSid'], ['DialCallDuration', 'dialCallDuration'], ['CallStatus', 'callStatus'],
];

const RESERVED: Readonly<Record<ParamFormat, ReadonlySet<string>>> = {
  twilio: new Set(TWILIO_FIELDS.map(([name]) => name)),
  kazoo: new Set(KAZOO_FIELDS.map(([name]) => name)),
};

function directionFor(direction: CallDirection, format: ParamFormat): string {
  if (direction === 'inbound') return 'inbound';
  return format === 'kazoo' ? 'outbound' : direction;
}

/**
 * Builds the parameters of a webhook request about `call`, in Twilio naming (default) or Kazoo naming. Undefined
 * values are left out. Extras come next, then user variables, which are dropped when their name is a standard one.
 * @example
 * buildCallParams({ callSid, accountSid, from: '+15551230000', to: '+15559870000', direction: 'inbound',
 *   callStatus: 'in-progress' }, { digits: '42' });
 */
export function buildCallParams(
  call: CallDescription,
  extras: RequestExtras = {},
  format: ParamFormat = 'twilio',
): Params {
  const source: Source = { ...extras, ...call, apiVersion: API_VERSION, kazooApiVersion: KAZOO_API_VERSION };
  const out: Array<readonly [string, string]> = [];
  for (const [name, field] of format === 'twilio' ? TWILIO_FIELDS : KAZOO_FIELDS) {
    const value = source[field];
    if (value === undefined) continue;
    out.push([name, field === 'direction' ? directionFor(call.direction, format) : String(value)]);
  }
  const reserved = RESERVED[format];
  for (const pair of extras.extra ?? []) out.push(pair);
  for (const [name, value] of variablePairs(extras.variables)) {
    if (!reserved.has(name)) out.push([name, value]);
  }
  return out;
}

function variablePairs(variables: RequestExtras['variables']): Params {
  if (variables === undefined) return [];
  if (Array.isArray(variables)) return variables as Params;
  return Object.entries(variables as Readonly<Record<string, string>>);
}

/** The first value of `name` in `params`, if any. */
export function paramValue(params: Params, name: string): string | undefined {
  return params.find(([n]) => n === name)?.[1];
}

/** The names an account id goes by (Twilio's and Kazoo's). */
const ACCOUNT_NAMES: ReadonlySet<string> = new Set(['AccountSid', 'Account-ID']);

/** `params` without the account parameter when the call has no account: an unknown account is left out, not sent empty. */
export function withKnownAccount(params: Params, accountSid: string): Params {
  return accountSid === '' ? params.filter(([name]) => !ACCOUNT_NAMES.has(name)) : params;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `Timestamp` as Twilio writes it on every callback: RFC 2822 in UTC, `Mon, 23 Nov 2026 10:04:05 +0000`. */
export function rfc2822(date: Date): string {
  return `${DAYS[date.getUTCDay()]}, ${two(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

/*
 * The callbacks' parameter lists. Each is built here and nowhere else; the account parameter is always written
 * (possibly empty) and left out by the call's requests when the call has no account (see call-requests.ts).
 */

/** Twilio's `CallbackSource` of the call progress events (status callbacks of a call or of a dialled leg). */
const CALL_PROGRESS = 'call-progress-events';

/** One status callback of a call (a call progress event): its number in sending order and when it was made. */
export interface CallProgress {
  readonly sequence: number;
  readonly at: Date;
  /**
   * On the final callback: the seconds the call was answered for, and whether it was (CallStatus=completed). An
   * answered call sends CallDuration and Duration (minutes, rounded up); any other CallDuration=0.
   */
  readonly ended?: { readonly seconds: number; readonly answered: boolean };
}

/**
 * The parameters of a call's status callback: the call's own (CallStatus per event) in its naming, then
 * CallDuration/Duration on the final one, CallbackSource, SequenceNumber and Timestamp.
 */
export function callProgressParams(call: CallDescription, progress: CallProgress, format: ParamFormat = 'twilio'): Params {
  const extra: Array<readonly [string, string]> = [];
  if (progress.ended?.answered) {
    extra.push(['CallDuration', String(progress.ended.seconds)], ['Duration', String(Math.ceil(progress.ended.seconds / 60))]);
  } else if (progress.ended) {
    extra.push(['CallDuration', '0']);
  }
  extra.push(['CallbackSource', CALL_PROGRESS], ['SequenceNumber', String(progress.sequence)],
    ['Timestamp', rfc2822(progress.at)]);
  return buildCallParams(call, { extra }, format);
}

/** A leg a `<Dial>` rang, as its status callbacks describe it (Twilio names only: Kazoo has no such callback). */
export interface DialledLeg {
  readonly callSid: string;
  readonly accountSid: string;
  readonly from: string;
  readonly to: string;
  readonly parentCallSid: string;
}

/** The parameters of a dialled leg's status callback; CallDuration on `completed` only. */
export function legProgressParams(leg: DialledLeg, callStatus: string, progress: { readonly sequence: number;
  readonly at: Date; readonly callDuration?: number }): Params {
  const params: Array<readonly [string, string]> = [['CallSid', leg.callSid], ['AccountSid', leg.accountSid],
    ['From', leg.from], ['To', leg.to], ['Direction', 'outbound-dial'], ['ParentCallSid', leg.parentCallSid],
    ['CallStatus', callStatus], ['ApiVersion', API_VERSION], ['CallbackSource', CALL_PROGRESS],
    ['Timestamp', rfc2822(progress.at)], ['SequenceNumber', String(progress.sequence)]];
  if (progress.callDuration !== undefined) params.push(['CallDuration', String(progress.callDuration)]);
  return params;
}

/** A participant of a conference, as its callbacks describe it. */
export interface ConferenceParticipant {
  readonly callSid: string;
  readonly muted: boolean;
  readonly endConferenceOnExit: boolean;
  readonly startConferenceOnEnter: boolean;
}

/** One conference status callback (Twilio names only). */
export interface ConferenceEventReport {
  readonly accountSid: string;
  readonly conferenceSid: string;
  readonly friendlyName: string;
  /** conference-start, conference-end, participant-join, participant-leave, participant-mute, participant-unmute. */
  readonly event: string;
  readonly sequence: number;
  readonly at: Date;
  /** The participant a `participant-*` event is about. */
  readonly participant?: ConferenceParticipant;
  /** Why the conference ended, on conference-end. */
  readonly ended?: { readonly reason: string; readonly callSid: string };
}

/** The parameters of a conference status callback. */
export function conferenceEventParams(report: ConferenceEventReport): Params {
  const params: Array<readonly [string, string]> = [['AccountSid', report.accountSid],
    ['ConferenceSid', report.conferenceSid], ['FriendlyName', report.friendlyName],
    ['StatusCallbackEvent', report.event], ['Timestamp', rfc2822(report.at)], ['SequenceNumber', String(report.sequence)]];
  const p = report.participant;
  if (p) {
    params.push(['CallSid', p.callSid], ['Muted', String(p.muted)], ['Hold', 'false'], ['Coaching', 'false'],
      ['EndConferenceOnExit', String(p.endConferenceOnExit)], ['StartConferenceOnEnter', String(p.startConferenceOnEnter)]);
  }
  if (report.ended) params.push(['ReasonConferenceEnded', report.ended.reason], ['CallSidEndingConference', report.ended.callSid]);
  return params;
}

/** What a recording status callback reports (Twilio names; sent with the call's own parameters). */
export interface RecordingReport {
  /** completed, failed or absent; absent when a store that delivers later adds it itself ({@link withRecordingStatus}). */
  readonly status?: 'completed' | 'failed' | 'absent';
  readonly channels: 1 | 2;
  /** RecordVerb or DialVerb. */
  readonly source: string;
  readonly recordingUrl?: string;
  readonly recordingSid?: string;
  /** Whole seconds. */
  readonly duration?: number;
  /** Twilio's error number of a failed delivery. */
  readonly errorCode?: number | undefined;
}

/** The request extras of a recording status callback: RecordingUrl/Sid/Duration, RecordingStatus, -Channels, -Source, ErrorCode. */
export function recordingStatusExtras(report: RecordingReport): RequestExtras {
  const extra: Array<readonly [string, string]> = [];
  if (report.status !== undefined) extra.push(['RecordingStatus', report.status]);
  extra.push(['RecordingChannels', String(report.channels)], ['RecordingSource', report.source]);
  if (report.errorCode !== undefined) extra.push(['ErrorCode', String(report.errorCode)]);
  return {
    ...(report.recordingUrl === undefined ? {} : { recordingUrl: report.recordingUrl }),
    ...(report.recordingSid === undefined ? {} : { recordingSid: report.recordingSid }),
    ...(report.duration === undefined ? {} : { recordingDuration: report.duration }),
    extra,
  };
}

/** A recording status callback's parameters built without its outcome, with RecordingStatus and ErrorCode added last. */
export function withRecordingStatus(params: Params, status: 'completed' | 'failed', errorCode: number | undefined): Params {
  return [...params, ['RecordingStatus', status], ...(errorCode === undefined ? [] : [['ErrorCode', String(errorCode)] as const])];
}
