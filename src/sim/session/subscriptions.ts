/**
 * What one Event Socket connection receives: the event format, the `myevents` uuid filter, the
 * `event` subscriptions (CUSTOM subclasses included) and `filter`s. The reply texts are
 * FreeSWITCH's (esl.md 1.2, esl-captures/more/INDEX.md "Surprises" 2).
 */
import { findHeader, type SimEvent } from '../channel/event-factory.js';
import type { EventFormat } from '../wire/event-encoder.js';

/** Event names FreeSWITCH 1.10 recognises in `event`/`nixevent`. */
export const KNOWN_EVENTS: ReadonlySet<string> = new Set([
  'CUSTOM', 'CLONE', 'CHANNEL_CREATE', 'CHANNEL_DESTROY', 'CHANNEL_STATE', 'CHANNEL_CALLSTATE',
  'CHANNEL_ANSWER', 'CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_HOLD', 'CHANNEL_UNHOLD', 'CHANNEL_BRIDGE', 'CHANNEL_UNBRIDGE',
  'CHANNEL_PROGRESS', 'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_OUTGOING', 'CHANNEL_PARK', 'CHANNEL_UNPARK',
  'CHANNEL_APPLICATION', 'CHANNEL_ORIGINATE', 'CHANNEL_UUID', 'API', 'LOG', 'INBOUND_CHAN',
  'OUTBOUND_CHAN', 'STARTUP', 'SHUTDOWN', 'PUBLISH', 'UNPUBLISH', 'TALK', 'NOTALK', 'SESSION_CRASH',
  'MODULE_LOAD', 'MODULE_UNLOAD', 'DTMF', 'MESSAGE', 'PRESENCE_IN', 'NOTIFY_IN', 'PRESENCE_OUT',
  'PRESENCE_PROBE', 'MESSAGE_WAITING', 'MESSAGE_QUERY', 'ROSTER', 'CODEC', 'BACKGROUND_JOB',
  'DETECTED_SPEECH', 'DETECTED_TONE', 'PRIVATE_COMMAND', 'HEARTBEAT', 'TRAP', 'ADD_SCHEDULE',
  'DEL_SCHEDULE', 'EXE_SCHEDULE', 'RE_SCHEDULE', 'RELOADXML', 'NOTIFY', 'PHONE_FEATURE',
  'PHONE_FEATURE_SUBSCRIBE', 'SEND_MESSAGE', 'RECV_MESSAGE', 'REQUEST_PARAMS', 'CHANNEL_DATA',
  'GENERAL', 'COMMAND', 'SESSION_HEARTBEAT', 'CLIENT_DISCONNECTED', 'SERVER_DISCONNECTED',
  'SEND_INFO', 'RECV_INFO', 'RECV_RTCP_MESSAGE', 'SEND_RTCP_MESSAGE', 'CALL_SECURE', 'NAT',
  'RECORD_START', 'RECORD_STOP', 'PLAYBACK_START', 'PLAYBACK_STOP', 'CALL_UPDATE', 'FAILURE',
  'SOCKET_DATA', 'MEDIA_BUG_START', 'MEDIA_BUG_STOP', 'CONFERENCE_DATA_QUERY', 'CONFERENCE_DATA',
  'CALL_SETUP_REQ', 'CALL_SETUP_RESULT', 'CALL_DETAIL', 'DEVICE_STATE', 'TEXT', 'SHUTDOWN_REQUESTED',
  'ALL',
]);

/** What `myevents` turns on. PLAYBACK_*, RECORD_*, CUSTOM and BACKGROUND_JOB are not in it. */
export const MYEVENTS_SET: readonly string[] = [
  'CHANNEL_ANSWER', 'CHANNEL_APPLICATION', 'CHANNEL_BRIDGE', 'CHANNEL_CREATE', 'CHANNEL_DATA',
  'CHANNEL_DESTROY', 'CHANNEL_EXECUTE', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_ORIGINATE', 'CHANNEL_UUID', 'CHANNEL_OUTGOING', 'CHANNEL_PARK',
  'CHANNEL_PROGRESS', 'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_STATE', 'CHANNEL_UNBRIDGE', 'CHANNEL_UNPARK',
  'DETECTED_SPEECH', 'DTMF', 'NOTALK', 'TALK',
];

interface Filter {
  readonly header: string;
  readonly value: string;
}

/** Subscription state of one connection. */
export class Subscriptions {
  readonly #uuid: string;
  #format: EventFormat = 'plain';
  #myevents = false;
  #all = false;
  readonly #names = new Set<string>();
  readonly #custom = new Set<string>();
  #filters: Filter[] = [];

  constructor(uuid: string) {
    this.#uuid = uuid;
  }

  get format(): EventFormat {
    return this.#format;
  }

  /** `myevents [json|plain|xml]`. */
  myevents(args: string): string {
    if (this.#myevents) return '-ERR aready enabled.';
    this.#myevents = true;
    for (const n of MYEVENTS_SET) this.#names.add(n);
    // Only json (or xml, which this simulator does not produce) changes the format.
    if (/json/i.test(args)) this.#format = 'json';
    return '+OK Events Enabled';
  }

  /** `event [plain|json|xml] NAME... [CUSTOM subclass...]`. */
  event(args: string): string {
    const words = args.split(/\s+/).filter((w) => w !== '');
    const first = words[0]?.toLowerCase();
    if (first === 'plain' || first === 'json' || first === 'xml') {
      if (first !== 'xml') this.#format = first;
      words.shift();
    }
    let custom = false;
    let any = false;
    for (const w of words) {
      if (custom) {
        this.#custom.add(w);
        any = true;
        continue;
      }
      const name = w.toUpperCase().replace(/^SWITCH_EVENT_/, '');
      if (!KNOWN_EVENTS.has(name)) continue;
      any = true;
      if (name === 'ALL') this.#all = true;
      else this.#names.add(name);
      if (name === 'CUSTOM') custom = true;
    }
    if (!any) return '-ERR no keywords supplied';
    return '+OK event listener enabled ' + this.#format;
  }

  /** `nixevent NAME...`. */
  nixevent(args: string): string {
    const words = args.split(/\s+/).filter((w) => w !== '');
    let custom = false;
    let any = false;
    for (const w of words) {
      if (custom) {
        this.#custom.delete(w);
        any = true;
        continue;
      }
      const name = w.toUpperCase().replace(/^SWITCH_EVENT_/, '');
      if (!KNOWN_EVENTS.has(name)) continue;
      any = true;
      if (name === 'ALL') {
        this.#all = false;
        this.#names.clear();
        this.#custom.clear();
      } else this.#names.delete(name);
      if (name === 'CUSTOM') custom = true;
    }
    return any ? '+OK events nixed' : '-ERR no keywords supplied';
  }

  /** `noevents`. */
  noevents(): string {
    this.#all = false;
    this.#names.clear();
    this.#custom.clear();
    return '+OK no longer listening for events';
  }

  /** `filter <header> <value>` and `filter delete <header> [<value>]`. */
  filter(args: string): string {
    const m = /^(\S+)\s*(.*)$/.exec(args.trim());
    if (!m) return '-ERR invalid syntax';
    const [, first = '', rest = ''] = m;
    if (first.toLowerCase() === 'delete') {
      const d = /^(\S+)\s*(.*)$/.exec(rest.trim());
      if (!d) return '-ERR invalid syntax';
      const [, header = '', value = ''] = d;
      if (header.toLowerCase() === 'all') this.#filters = [];
      else this.#filters = this.#filters.filter((f) => !(f.header === header && (value === '' || f.value === value)));
      return `+OK filter deleted. [${header}][${value}]`;
    }
    if (rest.trim() === '') return '-ERR invalid syntax';
    this.#filters.push({ header: first, value: rest.trim() });
    return `+OK filter added. [${first}]=[${rest.trim()}]`;
  }

  /** Whether this connection gets the event. */
  wants(ev: SimEvent): boolean {
    if (!this.#subscribed(ev)) return false;
    if (this.#myevents && ev.uniqueId !== this.#uuid && ev.jobOwnerUuid !== this.#uuid) return false;
    return this.#filters.length === 0 || this.#passesFilters(ev);
  }

  #subscribed(ev: SimEvent): boolean {
    if (this.#all) return true;
    if (!this.#names.has(ev.name)) return false;
    return ev.name !== 'CUSTOM' || (ev.subclass !== undefined && this.#custom.has(ev.subclass));
  }

  // A filter only applies to events that carry its header: positive filters on present headers
  // require at least one match, a negative one ("-" prefix) rejects on a match.
  #passesFilters(ev: SimEvent): boolean {
    let applicable = false;
    let matched = false;
    for (const f of this.#filters) {
      const actual = findHeader(ev, f.header);
      if (actual === undefined) continue;
      const negative = f.value.startsWith('-');
      const wanted = f.value.replace(/^[+-]\s*/, '');
      const hit = wanted.startsWith('/')
        ? safeRegex(wanted.slice(1).replace(/\/$/, ''))?.test(actual) === true
        : actual.toLowerCase() === wanted.toLowerCase();
      if (negative) {
        if (hit) return false;
        continue;
      }
      applicable = true;
      if (hit) matched = true;
    }
    return !applicable || matched;
  }
}

function safeRegex(src: string): RegExp | undefined {
  try {
    return new RegExp(src);
  } catch {
    return undefined;
  }
}
