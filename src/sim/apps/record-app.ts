/**
 * `record <path> [<limit_secs>] [<silence_thresh>] [<silence_hits_secs>]`
 * (esl-captures/more/record-*): RECORD_START/STOP with `Record-File-Path`,
 * `Application-Response: _none_`; stops at the time limit, on a `playback_terminators` digit
 * (`playback_terminator_used`) or after `silence_hits` seconds of silence, leading silence
 * included (`silence_hits_exhausted=true`). Variables: `record_file_size` (also, oddly,
 * `record_record_file_size`), `record_seconds` (truncated), `record_ms`, `record_samples`.
 * A leg that sends no audio frames leaves a 44-byte WAV and `record_ms=0`. Local paths get a
 * real 8 kHz WAV; `http_cache://` targets are uploaded with PUT before the app completes.
 * A file that cannot be opened hangs the call up with DESTINATION_OUT_OF_ORDER.
 */
import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { wavFile } from '../media/wav-writer.js';
import { separateArgs } from '../util/arg-split.js';
import type { AppContext, AppDefinition } from './app-context.js';
import { ensureMedia } from './channel-ops.js';
import { terminatorSet } from './playback-app.js';

/** FreeSWITCH milliseconds from `fromMs` until `hitsMs` of continuous caller silence. */
export function silenceStopMs(
  speech: ReadonlyArray<{ readonly atMs: number; readonly durationMs: number }>,
  fromMs: number,
  hitsMs: number,
): number {
  let quietSince = fromMs;
  const spans = [...speech].sort((x, y) => x.atMs - y.atMs);
  for (const s of spans) {
    const end = s.atMs + s.durationMs;
    if (end <= quietSince) continue;
    if (s.atMs - quietSince >= hitsMs) break;
    quietSince = Math.max(quietSince, end);
  }
  return quietSince + hitsMs - fromMs;
}

async function canOpen(path: string): Promise<boolean> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await (await open(path, 'w')).close();
    return true;
  } catch {
    return false;
  }
}

async function record(ctx: AppContext, arg: string): Promise<undefined> {
  const a = separateArgs(arg, 4);
  const path = a[0] ?? '';
  const limitMs = Math.max(0, Number.parseInt((a[1] ?? '').replace(/^\+/, ''), 10) || 0) * 1000;
  const thresh = Number.parseInt(a[2] ?? '', 10) || 0;
  const hitsMs = (Number.parseInt(a[3] ?? '', 10) || (thresh > 0 ? 3 : 0)) * 1000;
  const local = path.startsWith('/');
  const upload = /^http_cache:\/\/(https?:\/\/.*)$/.exec(path)?.[1];
  if (path === '' || (local && !(await canOpen(path)))) {
    ctx.hangup('DESTINATION_OUT_OF_ORDER');
    return undefined;
  }
  ensureMedia(ctx);
  const vars = ctx.channel.vars;
  vars.set('silence_hits_exhausted', 'false');
  resetReadCodec(ctx);
  ctx.fire('RECORD_START', { post: [['Record-File-Path', path]] });
  const startAt = ctx.callerTimeMs();
  const speech = ctx.caller.speech ?? [];
  const silenceMs = thresh > 0 ? silenceStopMs(speech, startAt, hitsMs) : Infinity;
  const ms = Math.min(limitMs > 0 ? limitMs : Infinity, silenceMs);
  const terminators = terminatorSet(vars.get('playback_terminators'));
  const outcome = await ctx.media.wait({ ms, onDigit: (d) => terminators.includes(d) });
  if (outcome.reason === 'digit' && outcome.digit) vars.set('playback_terminator_used', outcome.digit);
  if (outcome.reason === 'done' && ms === silenceMs) vars.set('silence_hits_exhausted', 'true');
  const recordedMs = ctx.caller.sendsAudio === false ? 0 : Math.floor(outcome.elapsedMs / 20) * 20;
  const samples = recordedMs * 8;
  const file = wavFile(samples, (i) => {
    const t = startAt + i / 8;
    return speech.some((s) => t >= s.atMs && t < s.atMs + s.durationMs);
  });
  if (local) await writeFile(path, file).catch(() => undefined);
  if (upload) await put(upload, file);
  vars.set('record_record_file_size', String(file.length));
  vars.set('record_file_size', String(file.length));
  vars.set('record_seconds', String(Math.floor(recordedMs / 1000)));
  vars.set('record_ms', String(recordedMs));
  vars.set('record_samples', String(samples));
  ctx.fire('RECORD_STOP', { post: [['Record-File-Path', path]] });
  resetReadCodec(ctx);
  return undefined;
}

// Recording switches the read codec and restores it afterwards: read_codec/read_rate move to
// the end of the variables at RECORD_START and again after RECORD_STOP (more/record-silence).
function resetReadCodec(ctx: AppContext): void {
  const v = ctx.channel.vars;
  for (const k of ['read_codec', 'read_rate']) {
    const value = v.get(k);
    if (value !== undefined) v.set(k, value);
  }
}

async function put(url: string, body: Buffer): Promise<void> {
  try {
    const res = await fetch(url, { method: 'PUT', body, headers: { 'content-type': 'audio/wav' } });
    await res.arrayBuffer();
  } catch {
    // mod_http_cache only logs a failed upload.
  }
}

/** The `record` application. */
export const recordApp: AppDefinition = { run: record, media: true };
