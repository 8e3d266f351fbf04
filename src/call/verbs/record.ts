/**
 * `<Record>`: records the caller with FreeSWITCH `record <file> <maxLength> <silence threshold> <timeout>` into the
 * spool directory, after an optional beep. `finishOnKey` keys (default any) end it through `playback_terminators`;
 * `timeout` seconds of silence end it (0: no silence detection); `maxLength` limits it.
 *
 * An empty recording, or one that is nothing but silence, makes no request and the next verb runs. Otherwise the
 * file is uploaded with HTTP PUT to `<recordingUrl, else the action URL>/call_recording_<CallSid>_<n>.wav` and the
 * action (default: the current document) is requested with RecordingUrl, RecordingDuration (whole seconds),
 * RecordingSid and Digits (the key that ended it, or `hangup`). When the caller hung up during the recording, the
 * action is still requested, with CallStatus=completed, and its reply is not run.
 */
import type { RecordVerb } from '../../twiml/index.js';
import { resolveUrl } from '../../twiml/index.js';
import { AppError } from '../../errors.js';
import type { ExecuteResult } from '../../esl/index.js';
import { afterPreparing, isCallEnded, prepareRecordingKeys, requestParams, setTerminators } from '../call-actions.js';
import { recordingStatusExtras, type RecordingReport } from '../../webhook/index.js';
import type { CallContext } from '../call-context.js';
import { recordingSeconds } from '../durations.js';
import type { RecordingStatusCallback } from '../recording/recording-store.js';
import { requestAfterHangup } from '../fetch-document.js';
import { playbackPath } from '../media/play-path.js';
import { runStep } from '../media/prompts.js';
import {
  discardRecording, newRecordingSid, publicUrl, recordingPath, recordingUrl, wavDurationMs,
} from '../recording/recording-file.js';
import { CONTINUE, END, navigate, type VerbHandler, type VerbOutcome } from './verb-handler.js';

/** Frames of slack when deciding that a recording stopped by silence held nothing but silence. */
const SILENCE_SLACK_MS = 100;

/** What a recording came to. */
interface Take {
  readonly ms: number;
  /** The key that ended it, if one did. */
  readonly key: string | undefined;
  /** Ended by `timeout` seconds of silence. */
  readonly silence: boolean;
}

async function beep(ctx: CallContext): Promise<void> {
  let path: string;
  try {
    path = playbackPath(ctx.settings.record.beep, ctx.settings.media);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    ctx.log.warn({ code: err.code }, 'the configured beep is refused; no beep');
    return;
  }
  await afterPreparing(setTerminators(ctx, 'none'), () => runStep(ctx, { app: 'playback', arg: path }));
}

async function takeOf(completion: ExecuteResult | undefined, path: string): Promise<Take> {
  if (!completion) return { ms: await wavDurationMs(path), key: undefined, silence: false };
  const vars = completion.event;
  const ms = Number.parseInt(vars.variable('record_ms') ?? '', 10);
  const key = vars.variable('playback_terminator_used');
  return {
    ms: Number.isFinite(ms) ? ms : await wavDurationMs(path),
    key: key === undefined || key === '' ? undefined : key,
    silence: vars.variable('silence_hits_exhausted') === 'true',
  };
}

function isEmpty(take: Take, verb: RecordVerb): boolean {
  if (take.ms <= 0) return true;
  return verb.timeout > 0 && take.silence && take.key === undefined && take.ms <= verb.timeout * 1000 + SILENCE_SLACK_MS;
}

/** Twilio's number for a failed delivery: the error's own, else its cause's (the upload's HTTP failure). */
function twilioCodeOf(error: AppError | undefined): number | undefined {
  if (error === undefined) return undefined;
  return error.twilioCode ?? (error.cause instanceof AppError ? error.cause.twilioCode : undefined);
}

/** What a Record's recording status callback reports (its channels and source are always the same). */
type RecordingStatus = Omit<RecordingReport, 'channels' | 'source'>;

/** The report of a Record's recording: one channel, RecordingSource=RecordVerb. */
function recordReport(report: RecordingStatus): RecordingReport {
  return { ...report, channels: 1, source: 'RecordVerb' };
}

/**
 * Sends `recordingStatusCallback` (Twilio's RecordingStatus, RecordingUrl, RecordingSid, RecordingDuration,
 * RecordingChannels, RecordingSource, ErrorCode) when the verb asked for the event. `failed` is sent whenever a
 * completed recording could not be delivered. The call does not wait for it; the call's coroutine collects it.
 */
function reportRecordingStatus(ctx: CallContext, verb: RecordVerb, report: RecordingStatus & { readonly status: NonNullable<RecordingReport['status']> }): void {
  if (verb.recordingStatusCallback === undefined) return;
  const wanted = report.status === 'failed' || verb.recordingStatusCallbackEvent.includes(report.status);
  if (!wanted) return;
  const url = resolveUrl(verb.recordingStatusCallback, ctx.state.document);
  const params = requestParams(ctx, recordingStatusExtras(recordReport(report)));
  ctx.requests.sendCallback({ url, method: verb.recordingStatusCallbackMethod, params },
    { msg: 'recording status callback failed' });
}

/** The recording status callback for a store that delivers the recording later and reports it itself. */
function deferredStatusCallback(ctx: CallContext, verb: RecordVerb, report: Omit<RecordingStatus, 'status'>):
RecordingStatusCallback | undefined {
  if (verb.recordingStatusCallback === undefined) return undefined;
  return {
    url: resolveUrl(verb.recordingStatusCallback, ctx.state.document),
    method: verb.recordingStatusCallbackMethod,
    params: requestParams(ctx, recordingStatusExtras(recordReport(report))),
    reportCompleted: verb.recordingStatusCallbackEvent.includes('completed'),
  };
}

async function runRecord(verb: RecordVerb, ctx: CallContext): Promise<VerbOutcome> {
  const n = ++ctx.state.recordings;
  const { spoolDir, silenceThreshold } = ctx.settings.record;
  const path = recordingPath(spoolDir, ctx.identity.callSid, n);
  if (verb.playBeep) await beep(ctx);
  const threshold = verb.timeout > 0 ? silenceThreshold : 0;
  // A failure to set the keys fails the verb; the recording's own failure is read after it.
  const outcome = await afterPreparing(prepareRecordingKeys(ctx, verb.finishOnKey),
    () => ctx.channel.execute('record', `${path} ${verb.maxLength} ${threshold} ${verb.timeout}`,
      { completeAfterHangup: true }).then((result) => ({ result }), (err: unknown) => ({ err })));
  if ('err' in outcome && !isCallEnded(outcome.err)) throw outcome.err;
  const completion: ExecuteResult | undefined = 'result' in outcome ? outcome.result : undefined;
  const hungUp = ctx.signal.aborted;
  const take = await takeOf(completion, path);
  if (isEmpty(take, verb)) {
    ctx.log.debug({ verb: 'Record', ms: take.ms, silence: take.silence }, 'empty recording; no request');
    await discardRecording(path);
    reportRecordingStatus(ctx, verb, { status: 'absent' });
    return hungUp ? END : CONTINUE;
  }

  const document = ctx.state.document;
  const action = verb.action === undefined ? document : resolveUrl(verb.action, document);
  const target = recordingUrl(verb.recordingUrl === undefined ? action : resolveUrl(verb.recordingUrl, document),
    ctx.identity.callSid, n);
  const recordingSid = newRecordingSid();
  const recording = { recordingUrl: publicUrl(target), recordingSid, duration: recordingSeconds(take.ms) };
  const statusCallback = deferredStatusCallback(ctx, verb, recording);
  const delivery = await ctx.recordings.deliver({ path, url: target, recordingSid, callSid: ctx.identity.callSid,
    accountSid: ctx.identity.accountSid, ...(statusCallback && { statusCallback }) }, ctx);
  // A pending delivery is the store's from now on: it sends the recording status callback once it knows the outcome.
  if (!delivery.pending) {
    reportRecordingStatus(ctx, verb, {
      ...recording,
      status: delivery.delivered ? 'completed' : 'failed',
      errorCode: twilioCodeOf(delivery.error),
    });
  }
  // The upload does not follow the call's signal: a caller who hangs up meanwhile still gets the action request.
  const extras = {
    recordingUrl: publicUrl(target),
    recordingDuration: recordingSeconds(take.ms),
    recordingSid,
    digits: take.key ?? (hungUp ? 'hangup' : undefined),
  };
  if (!ctx.signal.aborted) return navigate(action, verb.method, extras);
  await requestAfterHangup(ctx, { url: action, method: verb.method, extras });
  return END;
}

/** The `<Record>` handler. */
export const record: VerbHandler<RecordVerb> = {
  needsAnswer: true,
  run: runRecord,
};
