import { findHeader, parseHeaderBlock } from './header-block.js';
import { findJsonString } from './json-lookup.js';
import { ContentType } from './protocol.js';

/** A header value: a string, or a list for FreeSWITCH's array headers (JSON arrays, `ARRAY::a|:b` in plain). */
export type HeaderValue = string | readonly string[];
export type Headers = Readonly<Record<string, HeaderValue>>;

const ARRAY_PREFIX = 'ARRAY::';

/**
 * One message received from FreeSWITCH: a command reply, an api response, an event or a disconnect notice.
 * For events, `headers` are the event's own headers (the outer envelope is dropped); for everything else they are
 * the message headers. Values are decoded.
 */
export class EslEvent {
  readonly contentType: string;
  #headers: Headers | undefined;
  /** The URL-encoded header block, kept as text until the whole table is asked for. */
  #raw: string | undefined;
  /** A JSON event's text, kept until the whole table is asked for. */
  #json: string | undefined;
  #body: string | undefined;

  /**
   * `headers` is the decoded table, or the raw `Name: value` block: the reply to `connect` (a hundred headers or
   * more, held for the whole call) stays one string, and single headers are looked up in it without building the
   * table. JSON events are made with {@link EslEvent.fromJson}.
   */
  constructor(contentType: string, headers: Headers | string, body = '') {
    this.contentType = contentType;
    if (typeof headers === 'string') this.#raw = headers;
    else this.#headers = headers;
    this.#body = body;
  }

  /**
   * A `text/event-json` event from its text, which must be a JSON object: single members are read from the text,
   * and the object is built only when the whole table is asked for.
   */
  static fromJson(json: string): EslEvent {
    const event = new EslEvent(ContentType.EventJson, {});
    event.#headers = undefined;
    event.#json = json;
    event.#body = undefined;
    return event;
  }

  /** Every header, decoded. */
  get headers(): Headers {
    if (this.#headers === undefined) {
      if (this.#json !== undefined) {
        const data = parseJsonObject(this.#json);
        const body = data['_body'];
        this.#body ??= typeof body === 'string' ? body : '';
        delete data['_body'];
        this.#headers = data;
      } else {
        this.#headers = parseHeaderBlock(this.#raw ?? '', true);
      }
      this.#raw = undefined;
      this.#json = undefined;
    }
    return this.#headers;
  }

  /** The message body (for JSON events, their `_body` member); '' when there is none. */
  get body(): string {
    if (this.#body === undefined) {
      const value = this.#json !== undefined ? findJsonString(this.#json, '_body') : undefined;
      this.#body = typeof value === 'string' ? value : '';
    }
    return this.#body;
  }

  /** `Event-Name` for events and CHANNEL_DATA, '' for replies. */
  get name(): string {
    return this.header('Event-Name') ?? '';
  }

  get isEvent(): boolean {
    return this.contentType === ContentType.EventJson || this.contentType === ContentType.EventPlain ||
      this.contentType === ContentType.EventXml;
  }

  /** A header as a string; an array header is written as FreeSWITCH writes it in plain events. */
  header(name: string): string | undefined {
    if (this.#raw !== undefined) return findHeader(this.#raw, name);
    if (this.#json !== undefined && name !== '_body') {
      const value = findJsonString(this.#json, name);
      if (value !== null) return value;
    }
    const value = this.headers[name];
    if (value === undefined || typeof value === 'string') return value;
    return ARRAY_PREFIX + value.join('|:');
  }

  /** A header as a list: array headers give their items, a plain `ARRAY::a|:b` string is split. */
  headerList(name: string): string[] {
    const value = this.headers[name];
    if (value === undefined) return [];
    if (typeof value !== 'string') return [...value];
    return value.startsWith(ARRAY_PREFIX) ? value.slice(ARRAY_PREFIX.length).split('|:') : [value];
  }

  /** A channel variable carried by the event (`variable_<name>`). */
  variable(name: string): string | undefined {
    return this.header('variable_' + name);
  }

  /** Every channel variable carried by the event, without the `variable_` prefix. */
  variables(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of Object.keys(this.headers)) {
      if (key.startsWith('variable_')) out[key.slice(9)] = this.header(key) ?? '';
    }
    return out;
  }
}

/** The members of a JSON event; a malformed text gives no members. */
function parseJsonObject(json: string): Record<string, HeaderValue> {
  try {
    const data = JSON.parse(json) as Record<string, HeaderValue> | null;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return {};
    return data;
  } catch {
    return {};
  }
}
