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
 * Events subscribed on every call besides `myevents`. CUSTOM must come last: FreeSWITCH reads every word after it
 * as a subclass name.
 */
export const SUBSCRIBED_EVENTS: readonly string[] = [
  EventName.ChannelExecuteComplete,
  EventName.Dtmf,
  EventName.ChannelAnswer,
  EventName.ChannelHangup,
  EventName.ChannelHangupComplete,
  EventName.BackgroundJob,
  EventName.PlaybackStart,
  EventName.PlaybackStop,
  EventName.RecordStart,
  EventName.RecordStop,
  EventName.ChannelBridge,
  EventName.ChannelUnbridge,
  EventName.ChannelProgress,
  EventName.ChannelProgressMedia,
  EventName.Custom,
  CONFERENCE_MAINTENANCE,
];

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
