/**
 * `speak` and `say`. `speak engine|voice|text` plays TTS with no PLAYBACK events and no
 * variables, `_none_` either way; an unknown engine or voice completes at once
 * (esl-captures/more/speak-unknown-voice), a missing one hangs the call up with
 * DESTINATION_OUT_OF_ORDER (esl.md 2.2). `say` plays one prompt file per spoken item.
 */
import { ttsDurationMs, ttsKnows } from '../media/media-catalog.js';
import { separateArgs } from '../util/arg-split.js';
import type { AppContext, AppDefinition } from './app-context.js';
import { ensureMedia } from './channel-ops.js';
import { playFile, terminatorSet } from './playback-app.js';

async function speak(ctx: AppContext, arg: string): Promise<undefined> {
  const vars = ctx.channel.vars;
  const parts = arg.split('|');
  let engine = vars.get('tts_engine');
  let voice = vars.get('tts_voice');
  let text: string;
  if (parts.length >= 3) {
    engine = parts[0];
    voice = parts[1];
    text = parts.slice(2).join('|');
  } else if (parts.length === 2) {
    voice = parts[0];
    text = parts[1] ?? '';
  } else text = arg;
  if (!engine || !voice || text === '') {
    ctx.hangup('DESTINATION_OUT_OF_ORDER');
    return undefined;
  }
  if (!ttsKnows(ctx.options, engine, voice)) return undefined;
  ensureMedia(ctx);
  const terminators = terminatorSet(vars.get('playback_terminators'));
  const outcome = await ctx.media.wait({ ms: ttsDurationMs(text), onDigit: (d) => terminators.includes(d) });
  if (outcome.reason === 'digit' && outcome.digit) vars.set('playback_terminator_used', outcome.digit);
  ctx.channel.mediaOutMs += outcome.elapsedMs;
  return undefined;
}

/** The prompt files `say` would play for `text` (one per digit or letter). */
export function sayFiles(type: string, method: string, text: string): string[] {
  const items = [...text].filter((c) => /[0-9a-z]/i.test(c));
  const dir = /number|telephone|account|ip_address|items|currency|messages|persons/i.test(type) || method === 'iterated' ? 'digits' : 'ascii';
  return items.map((c) => (dir === 'digits' && /\d/.test(c) ? `digits/${c}.wav` : `ascii/${c.toLowerCase().charCodeAt(0)}.wav`));
}

async function say(ctx: AppContext, arg: string): Promise<undefined> {
  const a = separateArgs(arg, 5);
  if (a.length < 4) return undefined;
  const module = (a[0] ?? '').split(':')[0] ?? '';
  if (module !== 'en') return undefined;
  const text = a.length === 5 ? (a[4] ?? '') : (a[3] ?? '');
  for (const file of sayFiles(a[1] ?? '', (a[2] ?? '').toLowerCase(), text)) {
    const r = await playFile(ctx, file);
    if (r.status !== 'played' || r.outcome?.reason !== 'done') break;
  }
  return undefined;
}

/** The text-to-speech applications. */
export const SPEECH_APPS: ReadonlyArray<readonly [string, AppDefinition]> = [
  ['speak', { run: speak, media: true }],
  ['say', { run: say, media: true }],
];
