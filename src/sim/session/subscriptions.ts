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

/**
 * Subscription state of one connection, as mod_event_socket keeps it: a list of event types (`ALL` among them),
 * a table of CUSTOM subclasses (`event ALL` adds every subclass), the `myevents` binding and the filters.
 */
export class Subscriptions {
  readonly #uuid: string;
  #format: EventFormat = 'plain';
  #myevents = false;
  /** LFLAG_EVENTS: set by myevents, event and nixevent; cleared by noevents. */
  #listening = false;
  readonly #names = new Set<string>();
  readonly #custom = new Set<string>();
  /** Every CUSTOM subclass (what `event ALL` inserts), but those nixed since. */
  #allCustom = false;
  readonly #customNixed = new Set<string>();
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
    this.#listening = true;
    for (const n of MYEVENTS_SET) this.#names.add(n);
    // Only json (or xml, which this simulator does not produce) changes the format; FreeSWITCH looks for the
    // word in lower or upper case.
    if (args.includes('json') || args.includes('JSON')) this.#format = 'json';
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
    let keys = 0;
    for (const w of words) {
      if (custom) {
        this.#custom.add(w);
        this.#customNixed.delete(w);
        continue;
      }
      const name = eventName(w);
      if (name === undefined) continue;
      keys++;
      if (name === 'ALL') {
        for (const known of KNOWN_EVENTS) this.#names.add(known);
        this.#allCustom = true;
        this.#customNixed.clear();
      }
      this.#names.add(name);
      if (name === 'CUSTOM') custom = true;
    }
    if (keys === 0) return '-ERR no keywords supplied';
    this.#listening = true;
    return '+OK event listener enabled ' + this.#format;
  }

  /**
   * `nixevent NAME... [CUSTOM subclass...]`. As in FreeSWITCH: no format word; `CUSTOM` itself stays subscribed
   * (only the subclasses after it go); `ALL` clears the event types but not the subclass table; any other name
   * taken from an `ALL` subscription leaves every other type subscribed.
   */
  nixevent(args: string): string {
    const words = args.split(/\s+/).filter((w) => w !== '');
    let custom = false;
    let keys = 0;
    for (const w of words) {
      if (custom) {
        this.#custom.delete(w);
        if (this.#allCustom) this.#customNixed.add(w);
        continue;
      }
      const name = eventName(w);
      if (name === undefined) continue;
      keys++;
      if (name === 'CUSTOM') custom = true;
      else if (name === 'ALL') this.#names.clear();
      else {
        this.#names.delete('ALL');
        this.#names.delete(name);
      }
    }
    if (keys === 0) return '-ERR no keywords supplied';
    this.#listening = true;
    return '+OK events nixed';
  }

  /** `noevents`. */
  noevents(): string {
    if (!this.#listening) return '-ERR not listening for events';
    this.#listening = false;
    this.#names.clear();
    this.#custom.clear();
    this.#allCustom = false;
    this.#customNixed.clear();
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
    if (!this.#listening || !this.#subscribed(ev)) return false;
    if (this.#filters.length > 0 && !this.#passesFilters(ev)) return false;
    return !this.#myevents || ev.uniqueId === this.#uuid || ev.jobOwnerUuid === this.#uuid;
  }

  #subscribed(ev: SimEvent): boolean {
    if (this.#names.has('ALL')) return true;
    if (!this.#names.has(ev.name)) return false;
    if (ev.name !== 'CUSTOM' || ev.subclass === undefined) return true;
    return this.#custom.has(ev.subclass) || (this.#allCustom && !this.#customNixed.has(ev.subclass));
  }

  // FreeSWITCH's event_handler: once a filter exists, an event goes out only if a positive filter matches one of
  // its headers (a header it lacks matches nothing), unless a negative filter ("-" prefix) matches after that.
  #passesFilters(ev: SimEvent): boolean {
    let send = false;
    for (const f of this.#filters) {
      const actual = findHeader(ev, f.header);
      if (actual === undefined) continue;
      const prefix = /^[+\- ]*/.exec(f.value)?.[0] ?? '';
      const positive = !prefix.replace(/ /g, '').endsWith('-');
      if (send && positive) continue;
      const wanted = f.value.slice(prefix.length);
      const hit = f.value.startsWith('/')
        ? safeRegex(wanted.slice(1).replace(/\/$/, ''))?.test(actual) === true
        : actual.toLowerCase() === wanted.toLowerCase();
      if (!hit) continue;
      if (!positive) return false;
      send = true;
    }
    return send;
  }
}

/** The event type a word of `event`/`nixevent` names (case-insensitive, `SWITCH_EVENT_` accepted), if any. */
function eventName(word: string): string | undefined {
  const name = word.toUpperCase().replace(/^SWITCH_EVENT_/, '');
  return KNOWN_EVENTS.has(name) ? name : undefined;
}

function safeRegex(src: string): RegExp | undefined {
  try {
    return new RegExp(src);
  } catch {
    return undefined;
  }
}
