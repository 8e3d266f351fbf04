/**
 * How the attributes of `<Conference>` become mod_conference flags and channel variables:
 * - `muted` → member flag `mute`;
 * - `startConferenceOnEnter` true → `moderator`; false → conference flag `wait-mod` (the member waits, hearing the
 *   hold music, until a moderator joins; FreeSWITCH reads conference flags when the room is created);
 * - `endConferenceOnExit` → `endconf`; `hangup_after_conference=false` keeps the other members' calls up when the
 *   conference ends, so that their Dial goes on to its action, as Twilio does;
 * - `beep`: the member's `conference_enter_sound` / `conference_exit_sound` are silenced where Twilio plays none
 *   (false, or the other side of onEnter/onExit) and left to the profile otherwise;
 * - `maxParticipants` → `conference_max_members` (read when the room is created; this node also counts members);
 * - `waitUrl` of a member that waits (startConferenceOnEnter false): played to that member alone by its own call
 *   (rooms/conference-wait.ts), so the room it creates gets silence as `conference_moh_sound` and the two never
 *   overlap; absent, the member hears `call.conference.holdMusic` the same way;
 * - `waitUrl` of a moderator that creates the room → `conference_moh_sound` (read when the room is created, heard
 *   while it is alone): an audio URL plays as is; a TwiML document gives its first `<Play>`; `''` is silence;
 *   absent, or no audio in the document, gives `call.conference.holdMusic`; so does audio whose host the address
 *   check refuses (media-url-guard.ts).
 */
import { AppError, toAppError } from '../../errors.js';
import type { ConferenceNoun, PlayVerb } from '../../twiml/index.js';
import type { WaitSource } from './conference-wait.js';
import { isFreeswitchStream, resolveUrl } from '../../twiml/index.js';
import { redactUrl } from '../../webhook/index.js';
import { isCallEnded } from '../call-actions.js';
import type { CallContext } from '../call-context.js';
import { childScope } from '../document-runner.js';
import { fetchDocument } from '../fetch-document.js';
import { freeswitchPathArg } from '../media/fs-args.js';
import { kazooMediaUrl } from '../media/kazoo-media.js';
import { requireMediaUrl } from '../media/media-url-guard.js';
import { urlPlaybackPath } from '../media/play-path.js';
import { logCode } from '../../log-code.js';

/**
 * The attributes of `<Conference>` that decide how a member joins and what it hears: a noun's own, or those a member
 * of another server sent with its job (conference-job.ts), every URL in them then already absolute.
 */
export type ConferenceAttributes = Pick<ConferenceNoun, 'muted' | 'beep' | 'startConferenceOnEnter'
  | 'endConferenceOnExit' | 'waitUrl' | 'waitMethod' | 'maxParticipants' | 'record' | 'statusCallback'
  | 'statusCallbackEvent' | 'statusCallbackMethod'>;

const SILENCE = 'silence_stream://1';
const SILENT_HOLD = 'silence_stream://-1';
const AUDIO_PATH = /\.(mp3|wav|wave|aif|aiff|gsm|ul|ulaw|ogg)$/i;
const SAFE_VALUE = /^[^\s${}]+$/;

/** The member and conference flags of a noun, plus the configured ones. */
export function conferenceFlags(noun: ConferenceAttributes, configured: readonly string[]): string[] {
  const flags = [...configured];
  if (noun.muted) flags.push('mute');
  flags.push(noun.startConferenceOnEnter ? 'moderator' : 'wait-mod');
  if (noun.endConferenceOnExit) flags.push('endconf');
  return flags;
}

/** The enter and exit sound variables for `beep` ('' leaves the profile's sound). */
export function beepVariables(beep: ConferenceNoun['beep']): Array<readonly [string, string]> {
  const enter = beep === 'true' || beep === 'onEnter';
  const exit = beep === 'true' || beep === 'onExit';
  return [['conference_enter_sound', enter ? '' : SILENCE], ['conference_exit_sound', exit ? '' : SILENCE]];
}

function safe(path: string): string {
  if (!SAFE_VALUE.test(path)) throw new AppError('ERR_CALL_MEDIA_REFUSED', 'the hold audio path holds characters FreeSWITCH would read');
  return path;
}

/** The playback path of a hold audio URL, once its host has passed the address check (FreeSWITCH fetches it). */
async function checkedAudioPath(ctx: CallContext, url: URL): Promise<string> {
  const path = urlPlaybackPath(url, ctx.settings.media);
  await requireMediaUrl(ctx, url);
  return path;
}

async function playPath(ctx: CallContext, play: PlayVerb, base: URL): Promise<string | undefined> {
  if (play.mediaId !== undefined) {
    const url = kazooMediaUrl(ctx, play.mediaId);
    return url && urlPlaybackPath(url, ctx.settings.media);
  }
  if (play.url === undefined) return undefined;
  if (isFreeswitchStream(play.url)) return freeswitchPathArg(play.url, ctx.settings.media.mediaPrefixes);
  return checkedAudioPath(ctx, resolveUrl(play.url, base));
}

/** The first `<Play>` of a hold document, fetched in a child scope: it does not count against the call's request limit. */
async function audioOfDocument(ctx: CallContext, url: URL, method: ConferenceAttributes['waitMethod']): Promise<string | undefined> {
  const scope = childScope(ctx);
  const doc = await fetchDocument(scope, { url, method, extras: {} });
  for (const verb of doc.verbs) {
    if (verb.kind === 'Play') return playPath(scope, verb, doc.source);
  }
  return undefined;
}

/** What a member that waits for the conference to start hears (see conference-wait.ts). */
export function waitSource(ctx: CallContext, noun: ConferenceAttributes): WaitSource {
  const music = ctx.settings.conference.holdMusic;
  const hold: WaitSource = music === '' ? { kind: 'none' } : { kind: 'audio', path: music };
  if (noun.waitUrl === undefined) return hold;
  if (noun.waitUrl.trim() === '') return { kind: 'none' };
  try {
    const url = resolveUrl(noun.waitUrl, ctx.state.document);
    if (AUDIO_PATH.test(url.pathname)) return { kind: 'audio', path: urlPlaybackPath(url, ctx.settings.media), url };
    return { kind: 'document', url, method: noun.waitMethod };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    logCode(ctx.log, 'ERR_CONFERENCE_WAIT_URL', { cause: err.code }, 'waitUrl unusable; hold music plays');
    return hold;
  }
}

/**
 * The `conference_moh_sound` of a noun: silence for a member that waits (it hears its own wait audio), else the
 * moderator's hold sound (below).
 */
export async function roomHoldSound(ctx: CallContext, noun: ConferenceAttributes): Promise<string> {
  return noun.startConferenceOnEnter ? holdSound(ctx, noun) : SILENT_HOLD;
}

/** The `conference_moh_sound` of a noun. */
export async function holdSound(ctx: CallContext, noun: ConferenceAttributes): Promise<string> {
  const fallback = ctx.settings.conference.holdMusic;
  if (noun.waitUrl === undefined) return fallback;
  if (noun.waitUrl.trim() === '') return SILENT_HOLD;
  try {
    const url = resolveUrl(noun.waitUrl, ctx.state.document);
    const audio = AUDIO_PATH.test(url.pathname) ? await checkedAudioPath(ctx, url)
      : await audioOfDocument(ctx, url, noun.waitMethod);
    if (audio !== undefined) return safe(audio);
    logCode(ctx.log, 'ERR_CONFERENCE_WAIT_URL', { url: redactUrl(url) }, 'waitUrl document has no <Play>; hold music plays');
  } catch (err) {
    if (isCallEnded(err)) throw err;
    const code = toAppError(err).code;
    logCode(ctx.log, 'ERR_CONFERENCE_WAIT_URL', { cause: code }, 'waitUrl unusable; hold music plays');
  }
  return fallback;
}
