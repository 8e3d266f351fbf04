/**
 * What a `<Dial><Conference>` member whose room lives on another server sends there with its leg (the job, through
 * Redis), and what comes back (the report). The job carries the noun's parsed attributes with every URL resolved
 * against the sender's document, and the Dial's attributes the room's server acts on; never the customer's text as
 * it was, and never the room key or the account: the room's server takes those from the sender's call (the leg's
 * origin) and escapes the room name as for its own calls (room-names.ts). Both sides read what they receive as
 * untrusted: anything that is not a job or a report is refused with ERR_CLUSTER_MESSAGE_INVALID.
 */
import { AppError } from '../../errors.js';
import type { ConferenceEvent, ConferenceNoun, DialVerb, HttpMethod } from '../../twiml/index.js';
import { resolveUrl } from '../../twiml/index.js';
import type { CallContext } from '../call-context.js';
import type { ConferenceAttributes } from './conference-settings.js';
import type { ClusterPlace } from './remote-reach.js';
import { logCode } from '../../log-code.js';

/** The Dial attributes a room's server acts on for a member, plus the base of the room recording's URL. */
export interface MemberDial {
  readonly timeLimit: number;
  readonly hangupOnStar: boolean;
  /** The Dial's action (absolute); absent, the sender's document is the base. */
  readonly action: string;
}

/** A member's request to join the room `name` of the sender's account on the room's server. */
export interface ConferenceJob {
  readonly name: string;
  readonly attributes: ConferenceAttributes;
  readonly dial: MemberDial;
}

/** How the member's stay went, for the sender's Dial; or where the room is now, when it moved meanwhile. */
export type ConferenceReport =
  | {
    readonly kind: 'left';
    readonly status: 'completed' | 'failed';
    /** Whole seconds in the room. */
    readonly seconds: number;
    readonly conferenceSid?: string;
    readonly recordingUrl?: string;
    readonly recordingSid?: string;
  }
  | { readonly kind: 'elsewhere'; readonly place: ClusterPlace };

const METHODS: readonly HttpMethod[] = ['GET', 'POST'];
const BEEPS: ReadonlyArray<ConferenceNoun['beep']> = ['true', 'false', 'onEnter', 'onExit'];
const RECORDS: ReadonlyArray<ConferenceNoun['record']> = ['do-not-record', 'record-from-start'];
const EVENTS: readonly ConferenceEvent[] = ['start', 'end', 'join', 'leave', 'mute', 'hold', 'modify', 'speaker',
  'announcement'];
const CONFERENCE_SID = /^CF[0-9a-f]{32}$/;

/**
 * The job of a member of `ctx`'s call: URLs resolved against its document. A waitUrl that does not resolve is left
 * out (the hold music plays, as it would here), with ERR_CONFERENCE_WAIT_URL logged by the sender.
 */
export function conferenceJob(ctx: CallContext, dial: DialVerb, noun: ConferenceNoun): ConferenceJob {
  const base = ctx.state.document;
  let waitUrl: string | undefined;
  if (noun.waitUrl !== undefined) {
    try {
      waitUrl = noun.waitUrl.trim() === '' ? '' : resolveUrl(noun.waitUrl, base).href;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      logCode(ctx.log, 'ERR_CONFERENCE_WAIT_URL', { cause: err.code }, 'waitUrl unusable; hold music plays');
    }
  }
  const attributes: ConferenceAttributes = {
    muted: noun.muted, beep: noun.beep, startConferenceOnEnter: noun.startConferenceOnEnter,
    endConferenceOnExit: noun.endConferenceOnExit, waitMethod: noun.waitMethod, maxParticipants: noun.maxParticipants,
    record: noun.record, statusCallbackEvent: noun.statusCallbackEvent, statusCallbackMethod: noun.statusCallbackMethod,
    ...(waitUrl !== undefined && { waitUrl }),
    ...(noun.statusCallback !== undefined && { statusCallback: resolveUrl(noun.statusCallback, base).href }),
  };
  const action = dial.action === undefined ? base : resolveUrl(dial.action, base);
  return { name: noun.name, attributes, dial: { timeLimit: dial.timeLimit, hangupOnStar: dial.hangupOnStar, action: action.href } };
}

function invalid(what: string): AppError {
  return new AppError('ERR_CLUSTER_MESSAGE_INVALID', `a conference ${what} is malformed`);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(what);
  return value as Record<string, unknown>;
}

function oneOf<T>(value: unknown, allowed: readonly T[], what: string): T {
  if (!allowed.includes(value as T)) throw invalid(what);
  return value as T;
}

function bool(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw invalid(what);
  return value;
}

function count(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalid(what);
  return value;
}

/** An absolute http(s) URL, as text. */
function absoluteUrl(value: unknown, what: string): string {
  if (typeof value !== 'string') throw invalid(what);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(what);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(what);
  return url.href;
}

function optional<T>(value: unknown, read: (v: unknown) => T): T | undefined {
  return value === undefined ? undefined : read(value);
}

/** Reads a job received with a leg. */
export function readConferenceJob(value: unknown): ConferenceJob {
  const job = record(value, 'job');
  if (typeof job['name'] !== 'string') throw invalid('job');
  const a = record(job['attributes'], 'job');
  const d = record(job['dial'], 'job');
  const events = a['statusCallbackEvent'];
  if (!Array.isArray(events)) throw invalid('job');
  const waitUrl = optional(a['waitUrl'], (v) => (v === '' ? '' : absoluteUrl(v, 'job')));
  const statusCallback = optional(a['statusCallback'], (v) => absoluteUrl(v, 'job'));
  const maxParticipants = count(a['maxParticipants'], 'job');
  const timeLimit = count(d['timeLimit'], 'job');
  if (maxParticipants < 1 || timeLimit < 1) throw invalid('job');
  return {
    name: job['name'],
    attributes: {
      muted: bool(a['muted'], 'job'), beep: oneOf(a['beep'], BEEPS, 'job'),
      startConferenceOnEnter: bool(a['startConferenceOnEnter'], 'job'),
      endConferenceOnExit: bool(a['endConferenceOnExit'], 'job'), waitMethod: oneOf(a['waitMethod'], METHODS, 'job'),
      maxParticipants, record: oneOf(a['record'], RECORDS, 'job'),
      statusCallbackEvent: events.map((e) => oneOf(e, EVENTS, 'job')),
      statusCallbackMethod: oneOf(a['statusCallbackMethod'], METHODS, 'job'),
      ...(waitUrl !== undefined && { waitUrl }),
      ...(statusCallback !== undefined && { statusCallback }),
    },
    dial: { timeLimit, hangupOnStar: bool(d['hangupOnStar'], 'job'), action: absoluteUrl(d['action'], 'job') },
  };
}

/** Reads a report that came back from the room's server. */
export function readConferenceReport(value: unknown): ConferenceReport {
  const report = record(value, 'report');
  if (report['kind'] === 'elsewhere') {
    const place = record(report['place'], 'report');
    if (typeof place['serverId'] !== 'string' || typeof place['coreUuid'] !== 'string') throw invalid('report');
    return { kind: 'elsewhere', place: { serverId: place['serverId'], coreUuid: place['coreUuid'] } };
  }
  if (report['kind'] !== 'left') throw invalid('report');
  const conferenceSid = optional(report['conferenceSid'], (v) => {
    if (typeof v !== 'string' || !CONFERENCE_SID.test(v)) throw invalid('report');
    return v;
  });
  const recordingUrl = optional(report['recordingUrl'], (v) => absoluteUrl(v, 'report'));
  const recordingSid = optional(report['recordingSid'], (v) => {
    if (typeof v !== 'string' || !/^RE[0-9a-f]{32}$/.test(v)) throw invalid('report');
    return v;
  });
  return {
    kind: 'left', status: oneOf(report['status'], ['completed', 'failed'] as const, 'report'),
    seconds: count(report['seconds'], 'report'),
    ...(conferenceSid !== undefined && { conferenceSid }),
    ...(recordingUrl !== undefined && { recordingUrl }),
    ...(recordingSid !== undefined && { recordingSid }),
  };
}
