/**
 * `playback` and the file-playing primitive other apps share (play_and_get_digits prompts, say).
 *
 * PLAYBACK_START/STOP carry `Playback-File-Type` (tone streams only), `Playback-File-Path` and,
 * on STOP, `Playback-Status: done|break`. A terminator digit (channel variable
 * `playback_terminators`, default `*`, `any`, `none`) or `uuid_break` ends it with
 * `Application-Response: FILE PLAYED` all the same (more/playback-uuid-break,
 * more/playback-dtmf-terminator). Tone streams are read ahead, so an interrupted tone reports
 * more playback_ms than was heard: 2048 ms after ~1 s (more/playback-uuid-break).
 */
import { describeMedia, type MediaInfo } from '../media/media-catalog.js';
import type { WaitOutcome } from '../media/media-control.js';
import type { AppContext, AppDefinition } from './app-context.js';
import { ensureMedia } from './channel-ops.js';

/** How a play ended. */
export interface PlayResult {
  readonly status: 'played' | 'not-found' | 'hangup';
  readonly outcome?: WaitOutcome;
}

/** Options of {@link playFile}. */
export interface PlayOptions {
  /** Digits that stop the file (default: from `playback_terminators`). */
  readonly terminators?: string;
  /** Buffer mode (prompts of digit collectors): every digit stops the file and is handed over. */
  readonly collect?: (digit: string) => void;
}

/** The digit set of a `playback_terminators` value. */
export function terminatorSet(value: string | undefined): string {
  if (value === undefined) return '*';
  if (value.toLowerCase() === 'none') return '';
  if (value.toLowerCase() === 'any') return '0123456789*#ABCD';
  return value;
}

function playbackVars(ctx: AppContext, info: MediaInfo, outcome: WaitOutcome): void {
  const total = Number.isFinite(info.ms) ? Math.round(info.ms * 8) : Infinity;
  let offset: number;
  let samples: number;
  if (outcome.reason === 'done') {
    offset = total;
    samples = total;
  } else {
    offset = Math.min(total, Math.floor((outcome.elapsedMs * 8) / 160) * 160);
    samples = info.readAhead ? Math.min(total, Math.ceil((offset + 8192) / 8192) * 8192) : offset;
  }
  const ms = Math.floor(samples / 8);
  const v = ctx.channel.vars;
  v.set('playback_last_offset_pos', String(offset));
  v.set('playback_seconds', String(Math.floor(ms / 1000)));
  v.set('playback_ms', String(ms));
  v.set('playback_samples', String(samples));
}

/** Plays one path with its PLAYBACK_START/STOP pair and playback_* variables. */
export async function playFile(ctx: AppContext, path: string, opts: PlayOptions = {}): Promise<PlayResult> {
  const info = describeMedia(path, ctx.options, ctx.channel.vars);
  if (!info.found) return { status: 'not-found' };
  if (!ctx.channel.up) return { status: 'hangup' };
  ensureMedia(ctx);
  const fileHeaders: Array<[string, string]> = info.fileType ? [['Playback-File-Type', info.fileType]] : [];
  fileHeaders.push(['Playback-File-Path', path]);
  ctx.fire('PLAYBACK_START', { post: fileHeaders });
  const terminators = opts.terminators ?? terminatorSet(ctx.channel.vars.get('playback_terminators'));
  const collect = opts.collect;
  const outcome = await ctx.media.wait({
    ms: info.ms,
    onDigit: collect
      ? (d) => {
          collect(d);
          return true;
        }
      : (d) => terminators.includes(d),
  });
  if (outcome.reason === 'digit' && !collect && outcome.digit) {
    ctx.channel.vars.set('playback_terminator_used', outcome.digit);
  }
  playbackVars(ctx, info, outcome);
  ctx.channel.mediaOutMs += outcome.elapsedMs;
  ctx.fire('PLAYBACK_STOP', {
    post: [...fileHeaders, ['Playback-Status', outcome.reason === 'done' ? 'done' : 'break']],
  });
  return { status: outcome.reason === 'hangup' ? 'hangup' : 'played', outcome };
}

/** `playback <path>` (several paths with `playback_delimiter`). */
export const playbackApp: AppDefinition = {
  media: true,
  async run(ctx, arg) {
    const delim = ctx.channel.vars.get('playback_delimiter');
    const paths = delim ? arg.split(delim) : [arg];
    let last: PlayResult = { status: 'not-found' };
    for (const p of paths) {
      last = await playFile(ctx, p);
      if (last.status !== 'played' || last.outcome?.reason !== 'done') break;
    }
    if (last.status === 'not-found') return 'FILE NOT FOUND';
    return last.status === 'hangup' ? 'PLAYBACK ERROR' : 'FILE PLAYED';
  },
};
