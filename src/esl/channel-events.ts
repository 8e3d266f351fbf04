import type { EslEvent } from './event.js';
import { CONFERENCE_MAINTENANCE, EventName } from './protocol.js';

/** Domain events of one channel; raw FreeSWITCH events are turned into these in one place. */
export interface ChannelEvents {
  /** Every event of the channel the connection is subscribed to, as received. */
  event: EslEvent;
  dtmf: { digit: string; durationMs: number; source: string; event: EslEvent };
  answer: { event: EslEvent };
  progress: { media: boolean; event: EslEvent };
  /**
   * The channel hung up: the first of its events to show it (`Answer-State: hangup`), CHANNEL_HANGUP not being
   * subscribed. Within a millisecond of the hangup on a real switch: the running application's completion, the
   * `socket` application's, or CHANNEL_HANGUP_COMPLETE (esl-captures/more: sendmsg-hangup, record-silence).
   */
  hangup: { cause: string; event: EslEvent };
  hangupComplete: { cause: string; event: EslEvent };
  bridge: { otherUuid: string; event: EslEvent };
  unbridge: { otherUuid: string; event: EslEvent };
  playbackStart: { path: string; event: EslEvent };
  playbackStop: { path: string; status: string; event: EslEvent };
  recordStart: { path: string; event: EslEvent };
  recordStop: { path: string; event: EslEvent };
  conference: { action: string; conferenceName: string; memberId: string; event: EslEvent };
  execute: { application: string; applicationUuid: string; event: EslEvent };
  executeComplete: { application: string; applicationUuid: string; response: string; event: EslEvent };
  backgroundJob: { jobUuid: string; body: string; event: EslEvent };
}

export type ChannelEventName = keyof ChannelEvents;

/**
 * The domain events whose FreeSWITCH events a call is subscribed to only while something listens to them (see
 * EslChannel.on): each fires for every application, prompt or recording, carrying every channel variable, and
 * most verbs never read them. The others come from the subscription every call makes (protocol.ts CALL_EVENTS).
 */
export const ON_DEMAND_EVENTS: Readonly<Partial<Record<ChannelEventName, readonly string[]>>> = {
  execute: [EventName.ChannelExecute],
  progress: [EventName.ChannelProgress, EventName.ChannelProgressMedia],
  playbackStart: [EventName.PlaybackStart],
  playbackStop: [EventName.PlaybackStop],
  recordStart: [EventName.RecordStart],
  recordStop: [EventName.RecordStop],
};

/** DTMF-Duration is in samples at 8 kHz. */
const SAMPLES_PER_MS = 8;

/** Turns one raw event into the domain event it stands for, if any (besides the generic `event`). */
export function toDomainEvent(event: EslEvent): { [K in ChannelEventName]: [K, ChannelEvents[K]] }[ChannelEventName] | undefined {
  const h = (name: string): string => event.header(name) ?? '';
  switch (event.name) {
    case EventName.Dtmf:
      return ['dtmf', { digit: h('DTMF-Digit'), durationMs: Math.round(Number(h('DTMF-Duration')) / SAMPLES_PER_MS) || 0,
        source: h('DTMF-Source'), event }];
    case EventName.ChannelAnswer:
      return ['answer', { event }];
    case EventName.ChannelProgress:
      return ['progress', { media: false, event }];
    case EventName.ChannelProgressMedia:
      return ['progress', { media: true, event }];
    case EventName.ChannelHangup:
      return ['hangup', { cause: h('Hangup-Cause'), event }];
    case EventName.ChannelHangupComplete:
      return ['hangupComplete', { cause: h('Hangup-Cause'), event }];
    case EventName.ChannelBridge:
      return ['bridge', { otherUuid: h('Other-Leg-Unique-ID') || h('Bridge-B-Unique-ID'), event }];
    case EventName.ChannelUnbridge:
      return ['unbridge', { otherUuid: h('Other-Leg-Unique-ID') || h('Bridge-B-Unique-ID'), event }];
    case EventName.PlaybackStart:
      return ['playbackStart', { path: h('Playback-File-Path'), event }];
    case EventName.PlaybackStop:
      return ['playbackStop', { path: h('Playback-File-Path'), status: h('Playback-Status'), event }];
    case EventName.RecordStart:
      return ['recordStart', { path: h('Record-File-Path'), event }];
    case EventName.RecordStop:
      return ['recordStop', { path: h('Record-File-Path'), event }];
    case EventName.ChannelExecute:
      return ['execute', { application: h('Application'), applicationUuid: h('Application-UUID'), event }];
    case EventName.ChannelExecuteComplete:
      return ['executeComplete', { application: h('Application'), applicationUuid: h('Application-UUID'),
        response: h('Application-Response'), event }];
    case EventName.BackgroundJob:
      return ['backgroundJob', { jobUuid: h('Job-UUID'), body: event.body, event }];
    case EventName.Custom:
      if (h('Event-Subclass') !== CONFERENCE_MAINTENANCE) return undefined;
      return ['conference', { action: h('Action'), conferenceName: h('Conference-Name'), memberId: h('Member-ID'), event }];
    default:
      return undefined;
  }
}
