/**
 * What `playback` is given for a piece of audio. http(s) URLs are played by FreeSWITCH itself (Kazoo nodes load
 * mod_http_cache with enable-file-formats, so `playback https://...` fetches and caches the file); a configurable
 * prefix (e.g. `http_cache://`) can be put in front. FreeSWITCH path forms (`tone_stream://`, `silence_stream://`)
 * pass through only when configuration allows their prefix.
 */
import { AppError } from '../../errors.js';
import { freeswitchPathArg, urlArg } from './fs-args.js';

/** How media references become playback paths. */
export interface MediaSettings {
  /** Put before every http(s) URL; empty for none. */
  readonly playUrlPrefix: string;
  /** FreeSWITCH path forms accepted besides http(s) URLs. */
  readonly mediaPrefixes: readonly string[];
  /** URL template of Kazoo media ids (`{id}`, `{account}`); empty or absent: they are not played. */
  readonly kazooMediaUrl?: string;
}

/** The playback path of an http(s) URL. */
export function urlPlaybackPath(url: URL, settings: MediaSettings): string {
  return settings.playUrlPrefix + urlArg(url);
}

/** Whether `text` names audio (an http(s) URL or an allowed FreeSWITCH path) rather than words to speak. */
export function isMediaReference(text: string, settings: MediaSettings): boolean {
  return /^https?:\/\//i.test(text) || settings.mediaPrefixes.some((prefix) => text.startsWith(prefix));
}

/**
 * The playback path of a media reference: an http(s) URL, or an allowed FreeSWITCH path.
 * @throws AppError `ERR_CALL_MEDIA_REFUSED` for anything else.
 */
export function playbackPath(reference: string, settings: MediaSettings): string {
  if (/^https?:\/\//i.test(reference)) {
    let url: URL;
    try {
      url = new URL(reference);
    } catch (err) {
      throw new AppError('ERR_CALL_MEDIA_REFUSED', 'the media URL does not parse', { cause: err });
    }
    return urlPlaybackPath(url, settings);
  }
  return freeswitchPathArg(reference, settings.mediaPrefixes);
}
