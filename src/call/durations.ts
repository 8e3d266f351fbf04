/**
 * The durations a call reports to its application, in whole seconds as Twilio reports them: CallDuration,
 * DialCallDuration, QueueTime, the time in a conference, RecordingDuration.
 *
 * - Whatever FreeSWITCH timestamps is measured on FreeSWITCH's own clock: the channel's microsecond times (answer,
 *   bridge, hangup) in its events, never this server's clock, which may be another host's or, under the simulator,
 *   run at another speed. The seconds are rounded down, so that a duration is never more than what happened: a
 *   1.2 s call lasted 1 s (FreeSWITCH's own `billsec` subtracts epoch seconds and says 2).
 * - What only this server measures (a wait in a queue) is timed by its own clock in the same way, scaled like the
 *   engine's timers.
 * - A recording's length is its audio, which FreeSWITCH reports a few frames short (a key pressed 1.0 s into a
 *   recording gave about 980 ms): it is rounded to the nearest second, and a recording made lasts at least 1 s.
 */

/** What timestamps are read from: an event, or the channel data of the reply to `connect`. */
export interface Timestamped {
  header(name: string): string | undefined;
  variable(name: string): string | undefined;
}

/** A FreeSWITCH microsecond timestamp; undefined when absent or 0 (FreeSWITCH's "not yet"). */
export function timestampUs(value: string | undefined): number | undefined {
  const us = Number(value);
  return Number.isFinite(us) && us > 0 ? us : undefined;
}

/** When FreeSWITCH raised the event (`Event-Date-Timestamp`). */
export function eventTimeUs(event: Timestamped): number | undefined {
  return timestampUs(event.header('Event-Date-Timestamp'));
}

/** When the channel was answered, as any event of it after the answer says; undefined before. */
export function answeredAtUs(source: Timestamped): number | undefined {
  return timestampUs(source.header('Caller-Channel-Answered-Time')) ?? timestampUs(source.variable('answer_uepoch'));
}

/** When the channel was bridged (CHANNEL_BRIDGE: `Caller-Channel-Bridged-Time`, else the event's own time). */
export function bridgedAtUs(event: Timestamped): number | undefined {
  return timestampUs(event.header('Caller-Channel-Bridged-Time')) ?? eventTimeUs(event);
}

/**
 * When the channel hung up: CHANNEL_HANGUP_COMPLETE's `variable_end_uepoch` (or `Caller-Channel-Hangup-Time`), or
 * the time of CHANNEL_HANGUP itself, which FreeSWITCH records as the channel's end.
 */
export function hungUpAtUs(event: Timestamped): number | undefined {
  return timestampUs(event.variable('end_uepoch')) ?? timestampUs(event.header('Caller-Channel-Hangup-Time'))
    ?? eventTimeUs(event);
}

/** Whole seconds from `fromUs` to `toUs`, rounded down; 0 when either is unknown. */
export function wholeSeconds(fromUs: number | undefined, toUs: number | undefined): number {
  if (fromUs === undefined || toUs === undefined || toUs <= fromUs) return 0;
  return Math.floor((toUs - fromUs) / 1e6);
}

/**
 * Whole seconds of call time in `elapsedMs` measured by this server's clock, rounded down; `timeScale` is the
 * engine's (1 in production; under the simulator, call time runs 1/timeScale times faster).
 */
export function scaledSeconds(elapsedMs: number, timeScale: number): number {
  const scale = timeScale > 0 ? timeScale : 1;
  return Math.max(0, Math.floor(elapsedMs / scale / 1000));
}

/** RecordingDuration of `ms` of audio: the nearest whole second, at least 1. */
export function recordingSeconds(ms: number): number {
  return Math.max(1, Math.round(ms / 1000));
}
