/**
 * Serialisation of FreeSWITCH events, in the two formats an Event Socket client can ask for.
 *
 * Plain: `Name: <url-encoded value>\n` per header, then either `\n` or, when the event has a body,
 * `Content-Length: <bytes>\n\n<body>`. JSON: one flat cJSON object in header order, arrays as JSON
 * arrays, the body as `"Content-Length"` + `"_body"`. Both are wrapped in an outer
 * `Content-Length: <bytes>\nContent-Type: text/event-<fmt>\n\n` frame (esl-captures/transcript-*.txt).
 *
 * Events are assembled from {@link HeaderBlock}s so that the static parts of a call's headers are
 * encoded once and reused: a 3 KB event then costs a few string concatenations.
 */
import { urlEncodeLikeFreeSwitch } from './fs-url-encode.js';
import { quoteJsonLikeCJson } from './json-string.js';

/** A header value: a string, or a multi-valued header (FreeSWITCH "ARRAY::"). */
export type HeaderValue = string | readonly string[];
/** One event header, in wire order. */
export type EventHeader = readonly [name: string, value: HeaderValue];
/** The event formats the simulator serialises. */
export type EventFormat = 'plain' | 'json';

/** A run of headers encoded once in both formats. */
export interface HeaderBlock {
  readonly headers: readonly EventHeader[];
  /** `Name: value\n` lines. */
  readonly plain: string;
  /** `"Name":"value"` pairs joined by commas, without surrounding commas. */
  readonly json: string;
  readonly plainBytes: number;
  readonly jsonBytes: number;
}

/** The value FreeSWITCH writes in plain format: arrays joined as `ARRAY::a|:b`, empty as `_undef_`. */
export function plainValue(value: HeaderValue): string {
  const raw = typeof value === 'string' ? value : 'ARRAY::' + value.join('|:');
  return raw === '' ? '_undef_' : urlEncodeLikeFreeSwitch(raw);
}

function jsonValue(value: HeaderValue): string {
  if (typeof value === 'string') return quoteJsonLikeCJson(value);
  return '[' + value.map(quoteJsonLikeCJson).join(',') + ']';
}

/** Encodes headers as plain `Name: value\n` lines (no terminating blank line). */
export function encodePlainHeaders(headers: readonly EventHeader[]): string {
  let out = '';
  for (const [name, value] of headers) out += name + ': ' + plainValue(value) + '\n';
  return out;
}

/** Encodes headers as comma-separated JSON members (no braces). */
export function encodeJsonMembers(headers: readonly EventHeader[]): string {
  let out = '';
  for (const [name, value] of headers) {
    if (out !== '') out += ',';
    out += quoteJsonLikeCJson(name) + ':' + jsonValue(value);
  }
  return out;
}

/**
 * A run of headers whose encodings are computed on first use, once per format: a connection
 * only ever needs one of the two.
 */
export class LazyHeaderBlock implements HeaderBlock {
  readonly headers: readonly EventHeader[];
  #plain: string | undefined;
  #json: string | undefined;
  #plainBytes = -1;
  #jsonBytes = -1;
  readonly #encodePlain: () => string;
  readonly #encodeJson: () => string;

  constructor(headers: readonly EventHeader[], encodePlain?: () => string, encodeJson?: () => string) {
    this.headers = headers;
    this.#encodePlain = encodePlain ?? (() => encodePlainHeaders(headers));
    this.#encodeJson = encodeJson ?? (() => encodeJsonMembers(headers));
  }
  get plain(): string {
    return (this.#plain ??= this.#encodePlain());
  }
  get json(): string {
    return (this.#json ??= this.#encodeJson());
  }
  get plainBytes(): number {
    if (this.#plainBytes < 0) this.#plainBytes = Buffer.byteLength(this.plain);
    return this.#plainBytes;
  }
  get jsonBytes(): number {
    if (this.#jsonBytes < 0) this.#jsonBytes = Buffer.byteLength(this.json);
    return this.#jsonBytes;
  }
}

/** Pre-encodes a run of headers (lazily, per format). */
export function makeHeaderBlock(headers: readonly EventHeader[]): HeaderBlock {
  return new LazyHeaderBlock(headers);
}

/** The empty block, handy as a placeholder. */
export const EMPTY_BLOCK: HeaderBlock = makeHeaderBlock([]);

/** Serialises an event body (what follows the outer frame headers) from its blocks. */
export function encodeEventBody(
  format: EventFormat,
  blocks: readonly HeaderBlock[],
  body?: string,
): { text: string; bytes: number } {
  const bodyBytes = body ? Buffer.byteLength(body) : 0;
  if (format === 'plain') {
    let text = '';
    let bytes = 0;
    for (const b of blocks) {
      text += b.plain;
      bytes += b.plainBytes;
    }
    if (body) {
      const tail = 'Content-Length: ' + bodyBytes + '\n\n';
      return { text: text + tail + body, bytes: bytes + tail.length + bodyBytes };
    }
    return { text: text + '\n', bytes: bytes + 1 };
  }
  let text = '{';
  let bytes = 1;
  for (const b of blocks) {
    if (b.json === '') continue;
    if (bytes > 1) {
      text += ',';
      bytes += 1;
    }
    text += b.json;
    bytes += b.jsonBytes;
  }
  if (body) {
    const extra = makeHeaderBlock([
      ['Content-Length', String(bodyBytes)],
      ['_body', body],
    ]);
    text += (bytes > 1 ? ',' : '') + extra.json;
    bytes += (bytes > 1 ? 1 : 0) + extra.jsonBytes;
  }
  return { text: text + '}', bytes: bytes + 1 };
}

/** Wraps a serialised event in the outer Event Socket frame. */
export function frameEventBody(format: EventFormat, encoded: { text: string; bytes: number }): string {
  return (
    'Content-Length: ' + encoded.bytes + '\nContent-Type: text/event-' + format + '\n\n' + encoded.text
  );
}

/** Encodes a whole event frame, as FreeSWITCH writes it on an Event Socket. */
export function encodeEventFrame(
  format: EventFormat,
  headers: readonly EventHeader[] | readonly HeaderBlock[],
  body?: string,
): string {
  const blocks = isBlockList(headers) ? headers : [makeHeaderBlock(headers)];
  return frameEventBody(format, encodeEventBody(format, blocks, body));
}

function isBlockList(list: readonly EventHeader[] | readonly HeaderBlock[]): list is readonly HeaderBlock[] {
  const first = list[0];
  return first !== undefined && !Array.isArray(first);
}
