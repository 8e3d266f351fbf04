/**
 * How long a playback path plays, the way FreeSWITCH would play it: `tone_stream://` TGML
 * (`%(on,off,freq)` segments, `L=n;` repeats, `;loops=n`, -1 forever), `silence_stream://ms`
 * (-1 forever, 0 invalid), `file_string://a!b`, `tts://engine|voice|text`, `say:` (only with `tts_engine`/`tts_voice` set,
 * otherwise nothing plays: esl-captures/README.md), local files, http(s) URLs and
 * `http_cache://` (durations from the simulator's table, else its default).
 */
import type { ResolvedSimOptions } from '../sim/options.js';

/** What a path would play. */
export interface MediaInfo {
  readonly found: boolean;
  /** FreeSWITCH milliseconds; Infinity for endless streams. */
  readonly ms: number;
  /** `Playback-File-Type` (FreeSWITCH reports it for tone streams). */
  readonly fileType?: string;
  /** Tone streams are read ahead: interrupted playbacks over-report playback_ms. */
  readonly readAhead: boolean;
}

/** Variables the catalog looks at (`tts_engine`, `tts_voice`). */
export interface VarReader {
  get(name: string): string | undefined;
}

// Prompts FreeSWITCH plays by itself, with their captured lengths (more/conference-endconf-kicked).
const BUILTIN: Readonly<Record<string, number>> = { 'conf-kicked.wav': 2108, 'conf-muted.wav': 2392, 'conf-unmuted.wav': 2392 };

const NOT_FOUND: MediaInfo = { found: false, ms: 0, readAhead: false };

/** Milliseconds a TTS engine takes to say `text` (fitted on flite: "hello" took 825 ms). */
export function ttsDurationMs(text: string): number {
  return 450 + 75 * text.length;
}

/** Whether `engine` has `voice` in the simulator's TTS table. */
export function ttsKnows(opts: ResolvedSimOptions, engine: string, voice: string): boolean {
  return opts.ttsVoices[engine]?.includes(voice) === true;
}

function toneMs(spec: string): number {
  let total = 0;
  let loops = 1;
  let repeatNext = 1;
  for (const part of spec.split(';')) {
    const p = part.trim();
    const loopMatch = /^loops=(-?\d+)$/i.exec(p);
    if (loopMatch) {
      loops = Number(loopMatch[1]);
      continue;
    }
    const lMatch = /^L=(-?\d+)$/i.exec(p);
    if (lMatch) {
      repeatNext = Number(lMatch[1]);
      continue;
    }
    const seg = /^%\(([^)]*)\)$/.exec(p);
    if (seg) {
      const [on = 0, off = 0] = (seg[1] ?? '').split(',').map((x) => Number(x) || 0);
      if (repeatNext < 0) return Infinity;
      total += (on + off) * repeatNext;
      repeatNext = 1;
    }
  }
  if (loops < 0) return Infinity;
  return total * Math.max(1, loops);
}

function lookup(path: string, opts: ResolvedSimOptions): MediaInfo {
  const table = opts.mediaDurations;
  const inner = path.replace(/^http_cache:\/\//, '');
  const base = path.slice(path.lastIndexOf('/') + 1);
  const key = [path, inner, base].find((k) => k in table);
  const hit = key === undefined ? undefined : table[key];
  if (hit === null) return NOT_FOUND;
  return { found: true, ms: hit ?? BUILTIN[base] ?? opts.defaultFileMs, readAhead: false };
}

/** Describes what `path` plays on a channel with variables `vars`. */
export function describeMedia(rawPath: string, opts: ResolvedSimOptions, vars: VarReader): MediaInfo {
  const path = rawPath.replace(/^(\{[^}]*\})+/, '').replace(/@@\d+$/, '');
  if (path.startsWith('tone_stream://')) {
    return { found: true, ms: toneMs(path.slice(14)), fileType: 'tone_stream', readAhead: true };
  }
  if (path.startsWith('silence_stream://')) {
    const ms = Number.parseInt(path.slice(17), 10);
    if (!Number.isFinite(ms) || ms === 0) return NOT_FOUND;
    return { found: true, ms: ms < 0 ? Infinity : ms, readAhead: false };
  }
  if (path.startsWith('file_string://')) {
    // mod_dptools skips an item it cannot open and goes on with the next; the list opens if one item does.
    let total = 0;
    let found = false;
    for (const item of path.slice(14).split('!')) {
      if (item === '') continue;
      const info = describeMedia(item, opts, vars);
      if (!info.found) continue;
      found = true;
      total += info.ms;
    }
    return found ? { found: true, ms: total, readAhead: false } : NOT_FOUND;
  }
  if (path.startsWith('tts://')) {
    // mod_dptools' tts file format: `tts://engine|voice|text`; it does not open when the engine lacks the voice.
    const [engine = '', voice = '', ...text] = path.slice(6).split('|');
    if (text.length === 0 || !ttsKnows(opts, engine, voice)) return NOT_FOUND;
    return { found: true, ms: ttsDurationMs(text.join('|')), readAhead: false };
  }
  if (path.startsWith('say:')) {
    const engine = vars.get('tts_engine');
    const voice = vars.get('tts_voice');
    const ok = engine !== undefined && voice !== undefined && ttsKnows(opts, engine, voice);
    return { found: true, ms: ok ? ttsDurationMs(path.slice(4)) : 0, readAhead: false };
  }
  return lookup(path, opts);
}
