/**
 * FreeSWITCH Event Socket vocabulary: content types, event names and the subscription every call makes.
 * Nothing outside src/esl spells these strings.
 */
export const ContentType = {
  CommandReply: 'command/reply',
  ApiResponse: 'api/response',
  EventPlain: 'text/event-plain',
  EventJson: 'text/event-json',
  EventXml: 'text/event-xml',
  DisconnectNotice: 'text/disconnect-notice',
  AuthRequest: 'auth/request',
  LogData: 'log/data',
  RudeRejection: 'text/rude-rejection',
} as const;

export const EventName = {
  ChannelData: 'CHANNEL_DATA',
  ChannelExecute: 'CHANNEL_EXECUTE',
  ChannelExecuteComplete: 'CHANNEL_EXECUTE_COMPLETE',
  ChannelAnswer: 'CHANNEL_ANSWER',
  ChannelHangup: 'CHANNEL_HANGUP',
  ChannelHangupComplete: 'CHANNEL_HANGUP_COMPLETE',
  ChannelBridge: 'CHANNEL_BRIDGE',
  ChannelUnbridge: 'CHANNEL_UNBRIDGE',
  ChannelProgress: 'CHANNEL_PROGRESS',
  ChannelProgressMedia: 'CHANNEL_PROGRESS_MEDIA',
  ChannelPark: 'CHANNEL_PARK',
  Dtmf: 'DTMF',
  BackgroundJob: 'BACKGROUND_JOB',
  PlaybackStart: 'PLAYBACK_START',
  PlaybackStop: 'PLAYBACK_STOP',
  RecordStart: 'RECORD_START',
  RecordStop: 'RECORD_STOP',
  Custom: 'CUSTOM',
} as const;

export type EventNameValue = (typeof EventName)[keyof typeof EventName];

export const CONFERENCE_MAINTENANCE = 'conference::maintenance';

/**
 * What `myevents` turns on (mod_event_socket.c, parse_command), besides binding the socket to its channel's events
 * (and to BACKGROUND_JOBs of its own bgapis).
 */
export const MYEVENTS_EVENTS: readonly string[] = [
  'CHANNEL_ANSWER', 'CHANNEL_APPLICATION', 'CHANNEL_BRIDGE', 'CHANNEL_CREATE', 'CHANNEL_DATA', 'CHANNEL_DESTROY',
  'CHANNEL_EXECUTE', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_ORIGINATE',
  'CHANNEL_UUID', 'CHANNEL_OUTGOING', 'CHANNEL_PARK', 'CHANNEL_PROGRESS', 'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_STATE',
  'CHANNEL_UNBRIDGE', 'CHANNEL_UNPARK', 'DETECTED_SPEECH', 'DTMF', 'NOTALK', 'TALK',
];

/**
 * The events every call listens to for its whole life: what the channel and the verbs read whenever they run.
 * FreeSWITCH builds, copies, serialises (3-7 KB of JSON: EXECUTE_COMPLETE, ANSWER, HANGUP... carry every channel
 * variable, whatever `verbose_events` says) and writes each event a socket is subscribed to, so nothing else is.
 * CHANNEL_HANGUP is not: every later event of the channel shows the hangup (`Answer-State: hangup`, channel-events.ts).
 */
export const CALL_EVENTS: readonly string[] = [
  EventName.ChannelExecuteComplete,
  EventName.ChannelAnswer,
  EventName.ChannelHangupComplete,
  EventName.Dtmf,
  EventName.ChannelBridge,
  EventName.ChannelUnbridge,
  EventName.BackgroundJob,
  EventName.Custom,
  CONFERENCE_MAINTENANCE,
];

/** What `myevents` turns on that no call reads for its whole life: turned off again at once (`nixevent`). */
export const UNUSED_MYEVENTS: readonly string[] = MYEVENTS_EVENTS.filter((name) => !CALL_EVENTS.includes(name));

/**
 * Added to `myevents` (`event`): what the calls read that `myevents` lacks. CUSTOM must come last: FreeSWITCH reads
 * every word after it as a subclass name.
 */
export const SUBSCRIBED_EVENTS: readonly string[] = CALL_EVENTS.filter((name) => !MYEVENTS_EVENTS.includes(name));

/** The single event format used on every connection (JSON avoids the lossy URL-decoding of plain events). */
export const EVENT_FORMAT = 'json';

/** FreeSWITCH refuses frames with a larger body (MAX_CONTENT_LENGTH in mod_event_socket). */
export const MAX_CONTENT_LENGTH = 16 * 1024 * 1024;

export const HangupCause = {
  NormalClearing: 'NORMAL_CLEARING',
  UserBusy: 'USER_BUSY',
  CallRejected: 'CALL_REJECTED',
  NoAnswer: 'NO_ANSWER',
  OriginatorCancel: 'ORIGINATOR_CANCEL',
  AllottedTimeout: 'ALLOTTED_TIMEOUT',
  DestinationOutOfOrder: 'DESTINATION_OUT_OF_ORDER',
  SystemShutdown: 'SYSTEM_SHUTDOWN',
} as const;
