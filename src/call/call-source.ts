/**
 * Where a call's script comes from: the channel variables set by the FreeSWITCH dialplan or by Kazoo before the
 * hand-off, else the configured defaults (a destination-number route, then the default voice URL). The variables
 * are read by call-setup.ts; this module makes sense of their values.
 */
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { HttpMethod, TwimlDocument } from '../twiml/index.js';
import type { ParamFormat } from '../webhook/index.js';
import type { EngineSettings } from './engine-settings.js';
import { logCode } from '../log-code.js';

/** The channel variables a call's source is read from (by call-setup.ts, once, at the start of the call). */
export const SourceVariable = {
  VoiceUrl: 'pivot_voice_url',
  VoiceMethod: 'pivot_voice_method',
  ReqFormat: 'pivot_req_format',
  FallbackUrl: 'pivot_fallback_url',
} as const;

/** The values of the source's variables (undefined: not set); the request format is read apart ({@link requestFormatOf}). */
export interface SourceValues {
  readonly voiceUrl: string | undefined;
  readonly voiceMethod: string | undefined;
  readonly fallbackUrl: string | undefined;
}

/** The script of one call. */
export interface CallSource {
  readonly voiceUrl: URL;
  readonly method: HttpMethod;
  readonly fallbackUrl: URL | undefined;
  /** The method of the fallback request (default POST). */
  readonly fallbackMethod?: HttpMethod;
  /** The first document itself, when it was given inline (a call created with `Twiml`): `voiceUrl` is its base. */
  readonly document?: TwimlDocument;
}

function httpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The request parameter naming of a call: `pivot_req_format` (`twiml` or `kazoo`), else the configured default. An
 * unknown value is logged and the default used.
 */
export function requestFormatOf(value: string | undefined, settings: EngineSettings, log: Logger): ParamFormat {
  const raw = nonEmpty(value)?.toLowerCase();
  if (raw === 'kazoo') return 'kazoo';
  if (raw === 'twiml') return 'twilio';
  if (raw !== undefined) log.warn({ variable: SourceVariable.ReqFormat }, 'unknown request format; the default is used');
  return settings.defaults.reqFormat === 'kazoo' ? 'kazoo' : 'twilio';
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** An optional URL variable: absent is fine, an invalid value is reported and ignored. */
function optionalUrl(value: string | undefined, name: string, fallback: URL | undefined, log: Logger): URL | undefined {
  const raw = nonEmpty(value);
  if (raw === undefined) return fallback;
  const url = httpUrl(raw);
  if (!url) logCode(log, 'ERR_CALL_BAD_URL', { variable: name }, 'channel variable is not an http(s) URL; ignored');
  return url ?? fallback;
}

/**
 * The call's source from the values of its variables. The voice URL is `pivot_voice_url`, else the first route
 * whose pattern matches the destination number, else the default voice URL. An unknown method is reported and
 * replaced by the default.
 * @throws AppError `ERR_CALL_NO_URL` when there is no voice URL, `ERR_CALL_BAD_URL` when it is not http(s).
 */
export function resolveCallSource(values: SourceValues, destinationNumber: string, settings: EngineSettings,
  log: Logger): CallSource {
  const { defaults } = settings;
  const rawUrl = nonEmpty(values.voiceUrl);
  let voiceUrl: URL | undefined;
  let routeMethod: HttpMethod | undefined;
  if (rawUrl !== undefined) {
    voiceUrl = httpUrl(rawUrl);
    if (!voiceUrl) throw new AppError('ERR_CALL_BAD_URL', `${SourceVariable.VoiceUrl} is not an http(s) URL`);
  } else {
    const route = settings.routes.find((r) => r.pattern.test(destinationNumber));
    voiceUrl = route?.url ?? defaults.voiceUrl;
    routeMethod = route?.method;
  }
  if (!voiceUrl) throw new AppError('ERR_CALL_NO_URL');

  const rawMethod = nonEmpty(values.voiceMethod)?.toUpperCase();
  let method: HttpMethod = routeMethod ?? defaults.voiceMethod;
  if (rawMethod === 'GET' || rawMethod === 'POST') method = rawMethod;
  else if (rawMethod !== undefined) log.warn({ variable: SourceVariable.VoiceMethod }, 'unknown method; the default is used');

  return { voiceUrl, method, fallbackUrl: optionalUrl(values.fallbackUrl, SourceVariable.FallbackUrl, defaults.fallbackUrl, log) };
}
