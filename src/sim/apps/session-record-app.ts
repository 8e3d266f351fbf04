/**
 * `record_session <path>` and `stop_record_session <path|all>`: a media bug that records the channel's session
 * (both directions) until it is stopped or the channel hangs up. `RECORD_STEREO=true` makes a two-channel file
 * (this leg left, the other right); `RECORD_BRIDGE_REQ=true` holds the recording until the channel is bridged.
 * RECORD_START fires when recording really starts, RECORD_STOP when the file is closed; closing sets
 * `record_ms`, `record_seconds` and `record_samples`. Only local paths are written (an 8 kHz WAV, the caller's
 * scripted speech as a tone on the first channel).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Channel } from '../channel/channel.js';
import { wavFile } from '../media/wav-writer.js';
import type { AppContext, AppDefinition } from './app-context.js';

interface SessionRecording {
  readonly path: string;
  readonly stereo: boolean;
  readonly ctx: AppContext;
  /** Caller-script milliseconds when recording started; undefined while it waits for a bridge. */
  startMs: number | undefined;
}

const RECORDINGS = new WeakMap<Channel, Map<string, SessionRecording>>();

function recordingsOf(channel: Channel): Map<string, SessionRecording> {
  let map = RECORDINGS.get(channel);
  if (!map) RECORDINGS.set(channel, (map = new Map<string, SessionRecording>()));
  return map;
}

function begin(rec: SessionRecording): void {
  rec.startMs = rec.ctx.callerTimeMs();
  rec.ctx.fire('RECORD_START', { post: [['Record-File-Path', rec.path]] });
}

function close(rec: SessionRecording): void {
  const { ctx } = rec;
  recordingsOf(ctx.channel).delete(rec.path);
  const startMs = rec.startMs;
  const ms = startMs === undefined || ctx.caller.sendsAudio === false ? 0 : Math.floor((ctx.callerTimeMs() - startMs) / 20) * 20;
  const samples = ms * 8;
  if (rec.path.startsWith('/')) {
    const speech = ctx.caller.speech ?? [];
    const file = wavFile(samples, (i) => {
      const t = (startMs ?? 0) + i / 8;
      return speech.some((s) => t >= s.atMs && t < s.atMs + s.durationMs);
    }, rec.stereo ? 2 : 1);
    try {
      mkdirSync(dirname(rec.path), { recursive: true });
      writeFileSync(rec.path, file);
    } catch {
      // The media bug only logs a file it cannot write.
    }
  }
  const v = ctx.channel.vars;
  v.set('record_samples', String(samples));
  v.set('record_ms', String(ms));
  v.set('record_seconds', String(Math.floor(ms / 1000)));
  if (startMs !== undefined) ctx.fire('RECORD_STOP', { post: [['Record-File-Path', rec.path]] });
}

function recordSession(ctx: AppContext, arg: string): undefined {
  const path = arg.trim().split(/\s+/)[0] ?? '';
  if (path === '' || recordingsOf(ctx.channel).has(path)) return undefined;
  const v = ctx.channel.vars;
  const rec: SessionRecording = { path, stereo: v.get('RECORD_STEREO') === 'true', ctx, startMs: undefined };
  recordingsOf(ctx.channel).set(path, rec);
  if (v.get('RECORD_BRIDGE_REQ') !== 'true') begin(rec);
  ctx.media.onHangup(() => { if (recordingsOf(ctx.channel).get(path) === rec) close(rec); });
  return undefined;
}

function stopRecordSession(ctx: AppContext, arg: string): undefined {
  const target = arg.trim();
  for (const rec of [...recordingsOf(ctx.channel).values()]) {
    if (target === 'all' || target === rec.path) close(rec);
  }
  return undefined;
}

/** The channel was bridged: recordings that waited for it start. */
export function sessionBridged(channel: Channel): void {
  for (const rec of recordingsOf(channel).values()) if (rec.startMs === undefined) begin(rec);
}

/** The session recording applications. */
export const SESSION_RECORD_APPS: ReadonlyArray<readonly [string, AppDefinition]> = [
  ['record_session', { run: recordSession }],
  ['stop_record_session', { run: stopRecordSession }],
];
