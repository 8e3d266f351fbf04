/**
 * `<Dial record>`: the A-leg's session is recorded with FreeSWITCH `record_session` into the spool directory, so
 * the file holds both parties. `record-from-ringing*` starts before the bridge; `record-from-answer*` sets
 * `RECORD_BRIDGE_REQ`, which holds the recording until a leg is bridged; the `-dual` forms set `RECORD_STEREO`
 * (caller on the left channel, callee on the right). After the bridge `stop_record_session` closes the file (a
 * hangup closes it too), and it is delivered exactly like a `<Record>` file: an HTTP PUT to
 * `<action or document>/call_recording_<CallSid>_<n>.wav`, reported with RecordingUrl, RecordingDuration and
 * RecordingSid on the action request, and with `recordingStatusCallback` when the verb asks for it.
 */
import { AppError } from '../../errors.js';
import { resolveUrl, type DialVerb } from '../../twiml/index.js';
import { recordingStatusExtras, type RequestExtras } from '../../webhook/index.js';
import { isCallEnded, requestParams } from '../call-actions.js';
import type { CallContext } from '../call-context.js';
import { recordingSeconds } from '../durations.js';
import {
  discardRecording, newRecordingSid, publicUrl, recordingPath, recordingUrl, wavDurationMs,
} from '../recording/recording-file.js';

/** A recording under way. */
export interface DialRecording {
  readonly path: string;
  readonly n: number;
  readonly dual: boolean;
}

/** Starts the recording a Dial asks for, if any. */
export async function startDialRecording(verb: DialVerb, ctx: CallContext): Promise<DialRecording | undefined> {
  if (verb.record === 'do-not-record') return undefined;
  const n = ++ctx.state.recordings;
  const path = recordingPath(ctx.settings.record.spoolDir, ctx.identity.callSid, n);
  const dual = verb.record.endsWith('-dual');
  const fromAnswer = verb.record.startsWith('record-from-answer');
  const out = await ctx.channel.api(
    `uuid_setvar_multi ${ctx.channel.uuid} RECORD_STEREO=${dual};RECORD_BRIDGE_REQ=${fromAnswer}`, { signal: ctx.signal });
  if (out.startsWith('-ERR')) throw new AppError('ERR_ESL_COMMAND_FAILED', `uuid_setvar_multi: ${out.trim()}`);
  await ctx.channel.execute('record_session', path, { signal: ctx.signal });
  return { path, n, dual };
}

/** Closes the recording file (unless the hangup already did). */
export async function stopDialRecording(recording: DialRecording, ctx: CallContext): Promise<void> {
  if (ctx.signal.aborted) return;
  try {
    await ctx.channel.execute('stop_record_session', recording.path, { signal: ctx.signal });
  } catch (err) {
    if (!isCallEnded(err)) throw err;
  }
}

interface StatusReport {
  readonly status: 'completed' | 'failed' | 'absent';
  readonly recording?: { readonly recordingUrl: string; readonly recordingSid: string; readonly duration: number };
  readonly errorCode?: number | undefined;
}

/** Sends `recordingStatusCallback` (RecordingSource=DialVerb) when the verb asked for the event; never waits. */
function reportStatus(verb: DialVerb, recording: DialRecording, report: StatusReport, ctx: CallContext): void {
  if (verb.recordingStatusCallback === undefined) return;
  if (report.status !== 'failed' && !verb.recordingStatusCallbackEvent.includes(report.status)) return;
  const url = resolveUrl(verb.recordingStatusCallback, ctx.state.document);
  const params = requestParams(ctx, recordingStatusExtras({ ...report.recording, status: report.status,
    channels: recording.dual ? 2 : 1, source: 'DialVerb', errorCode: report.errorCode }));
  ctx.requests.sendCallback({ url, method: verb.recordingStatusCallbackMethod, params },
    { msg: 'recording status callback failed' });
}

/**
 * Delivers the recording and returns the parameters that report it; an empty file (nobody answered a
 * record-from-answer dial) is discarded and reported as absent.
 */
export async function deliverDialRecording(recording: DialRecording, verb: DialVerb, ctx: CallContext): Promise<RequestExtras> {
  const ms = await wavDurationMs(recording.path);
  if (ms <= 0) {
    await discardRecording(recording.path);
    reportStatus(verb, recording, { status: 'absent' }, ctx);
    return {};
  }
  const document = ctx.state.document;
  const base = verb.action === undefined ? document : resolveUrl(verb.action, document);
  const target = recordingUrl(base, ctx.identity.callSid, recording.n);
  const recordingSid = newRecordingSid();
  const delivery = await ctx.recordings.deliver({ path: recording.path, url: target, recordingSid,
    callSid: ctx.identity.callSid }, ctx);
  const delivered = { recordingUrl: publicUrl(target), recordingSid, duration: recordingSeconds(ms) };
  const cause = delivery.error?.cause;
  reportStatus(verb, recording, { status: delivery.delivered ? 'completed' : 'failed', recording: delivered,
    errorCode: delivery.error?.twilioCode ?? (cause instanceof AppError ? cause.twilioCode : undefined) }, ctx);
  return { recordingUrl: delivered.recordingUrl, recordingDuration: delivered.duration, recordingSid };
}
