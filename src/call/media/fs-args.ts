/**
 * The one place where text that comes from a customer document becomes part of a FreeSWITCH application
 * argument. FreeSWITCH expands `${var}`, `${api(args)}` and `$${global}` in every argument before the application
 * sees it (esl.md §1.5), splits space-separated arguments with its own quoting rules (§2.0), and reads `%[...]` or
 * `{...}` at the start of an argument as variable assignments. The helpers here make sure customer text can do none
 * of that: expansion is neutralised, control characters (line breaks included) become spaces, and arguments are
 * always built so that customer text never comes first.
 */
import { AppError } from '../../errors.js';

/** Control characters, C0 and C1 (CR, LF and TAB included), and DEL. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const EXPANSION = /\$\{/g;
const DTMF = /^[0-9A-Da-d#*wW]+$/;
const TTS_PART = /^[A-Za-z0-9_.:-]+$/;

/**
 * Neutralises FreeSWITCH variable expansion: `${` (and so `$${`) gets a space after its `$`, which keeps the text
 * readable for speech and leaves nothing FreeSWITCH would expand.
 */
export function neutralizeExpansion(text: string): string {
  return text.includes('${') ? text.replace(EXPANSION, '$ {') : text;
}

/**
 * Text safe to speak: control characters become spaces, runs of spaces collapse, expansion is neutralised, and
 * the result is cut to `maxLength` characters. `|` and quotes stay: `speak` takes everything after its second `|`
 * verbatim and does not tokenise.
 */
export function speechText(text: string, maxLength: number): string {
  let out = text.replace(CONTROL, ' ').replace(/ {2,}/g, ' ').trim();
  if (out.length > maxLength) out = out.slice(0, maxLength);
  return neutralizeExpansion(out);
}

/** The argument of `speak`: `engine|voice|text`, the engine and voice coming from configuration. */
export function speakArg(engine: string, voice: string, text: string, maxLength: number): string {
  return `${engine}|${voice}|${speechText(text, maxLength)}`;
}

/**
 * The `tts://<engine>|<voice>|<text>` path (mod_dptools' tts file format) of a text, or undefined when nothing is
 * left to say. The text is made safe for FreeSWITCH's space tokeniser inside single quotes (no quotes or
 * backslashes), has no leading `{` (parameters), and keeps further `|` (the format splits into three parts only).
 */
export function ttsPath(engine: string, voice: string, text: string, maxLength: number): string | undefined {
  if (!TTS_PART.test(engine) || !TTS_PART.test(voice)) {
    throw new AppError('ERR_CALL_MEDIA_REFUSED', 'the TTS engine or voice holds characters FreeSWITCH would read');
  }
  const words = speechText(text.replace(/['\\]/g, (c) => (c === '\\' ? ' ' : '')), maxLength).replace(/^[\s{]+/, '');
  return words === '' ? undefined : `tts://${engine}|${voice}|${words}`;
}

/**
 * An http(s) URL as a playback path: the URL serializer has already percent-encoded spaces and control characters;
 * a `$` that opens an expansion is percent-encoded too (`%24` means the same to any web server).
 */
export function urlArg(url: URL): string {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('ERR_CALL_MEDIA_REFUSED', `${url.protocol} URLs are not played`);
  }
  const href = url.href;
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(href)) {
    throw new AppError('ERR_CALL_MEDIA_REFUSED', 'the URL contains spaces or control characters');
  }
  return href.includes('${') ? href.replace(EXPANSION, '%24{') : href;
}

/**
 * A FreeSWITCH path form (`tone_stream://...`) from configuration or a document, accepted only when it starts with
 * one of `allowedPrefixes` and contains nothing that expands, splits or assigns: no `$`, no whitespace or control
 * characters, no `!` (the file_string separator), no leading `{` or `%[`.
 */
export function freeswitchPathArg(path: string, allowedPrefixes: readonly string[]): string {
  if (!allowedPrefixes.some((prefix) => path.startsWith(prefix))) {
    throw new AppError('ERR_CALL_MEDIA_REFUSED', `the path ${path.slice(0, 40)} is not an allowed FreeSWITCH path form`);
  }
  if (/[\s$!\u0000-\u001f\u007f-\u009f]/.test(path)) {
    throw new AppError('ERR_CALL_MEDIA_REFUSED', 'the path contains characters FreeSWITCH would interpret');
  }
  return path;
}

/** DTMF for `send_dtmf`: digits, A-D, `*`, `#`, `w` (half a second) and `W` (one second); anything else is refused. */
export function dtmfArg(digits: string): string {
  if (!DTMF.test(digits)) throw new AppError('ERR_CALL_MEDIA_REFUSED', 'the digits contain characters that are not DTMF');
  return digits;
}

/** A value for a channel variable we set (`playback_terminators`): DTMF keys, `any` or `none`, nothing else. */
export function terminatorsArg(keys: string): string {
  if (keys === '') return 'none';
  if (keys === 'any' || keys === 'none' || /^[0-9#*]+$/.test(keys)) return keys;
  throw new AppError('ERR_CALL_MEDIA_REFUSED', 'terminators must be DTMF keys');
}

/** A file name part made of safe characters only (ids from FreeSWITCH or Kazoo may hold `@` or dots). */
export function fileNamePart(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 128) || 'call';
}
