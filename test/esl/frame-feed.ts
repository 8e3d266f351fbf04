import type { EslError } from '../../src/errors.js';
import type { EslEvent } from '../../src/esl/event.js';
import { FrameParser, type FrameParserOptions } from '../../src/esl/frame-parser.js';

/** What a parser reported for a byte stream. */
export interface Outcome {
  messages: EslEvent[];
  errors: EslError[];
  /** Bytes still held by the parser after the last chunk. */
  buffered: number;
}

/** Feeds the chunks to one fresh parser, in order, and records everything it reports. */
export function feed(chunks: Iterable<Buffer>, limits?: FrameParserOptions): Outcome {
  const messages: EslEvent[] = [];
  const errors: EslError[] = [];
  const parser = limits
    ? new FrameParser((m) => messages.push(m), (e) => errors.push(e), limits)
    : new FrameParser((m) => messages.push(m), (e) => errors.push(e));
  for (const chunk of chunks) parser.push(chunk);
  return { messages, errors, buffered: parser.bufferedBytes };
}

/** The bytes cut at the given offsets (sorted, strictly inside the buffer). */
export function cutAt(data: Buffer, offsets: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (const at of offsets) {
    out.push(data.subarray(from, at));
    from = at;
  }
  out.push(data.subarray(from));
  return out;
}

/** The bytes as `count` chunks of (nearly) equal size. */
export function evenChunks(data: Buffer, count: number): Buffer[] {
  const offsets: number[] = [];
  for (let i = 1; i < count; i++) offsets.push(Math.floor((data.length * i) / count));
  return cutAt(data, offsets);
}

/** One byte per chunk. */
export function byteChunks(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i++) out.push(data.subarray(i, i + 1));
  return out;
}

/** A small deterministic PRNG (mulberry32): the same seed always gives the same sequence in [0, 1). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Chunks of random sizes between 1 and `max` bytes, from a seeded PRNG. */
export function randomChunks(data: Buffer, seed: number, max: number): Buffer[] {
  const random = prng(seed);
  const out: Buffer[] = [];
  let from = 0;
  while (from < data.length) {
    const size = 1 + Math.floor(random() * max);
    out.push(data.subarray(from, from + size));
    from += size;
  }
  return out;
}

/** True when both lists hold messages of the same content type, headers (in order) and body. */
export function sameMessages(a: readonly EslEvent[], b: readonly EslEvent[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as EslEvent;
    const y = b[i] as EslEvent;
    if (x.contentType !== y.contentType || x.body !== y.body) return false;
    const keys = Object.keys(x.headers);
    const otherKeys = Object.keys(y.headers);
    if (keys.length !== otherKeys.length) return false;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k] as string;
      if (key !== otherKeys[k] || x.header(key) !== y.header(key)) return false;
    }
  }
  return true;
}

const UNRESERVED = /[A-Za-z0-9!$'()*,\-./_~]/;

/** Encodes a header value byte by byte the way FreeSWITCH writes plain events (uppercase %XX). */
export function fsEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(ch) ? ch : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** A text/event-plain frame as FreeSWITCH builds it; array values are written `ARRAY::a|:b`. */
export function plainEvent(headers: Readonly<Record<string, string | readonly string[]>>, body?: string): Buffer {
  let inner = '';
  for (const [name, value] of Object.entries(headers)) {
    const text = typeof value === 'string' ? value : 'ARRAY::' + value.join('|:');
    inner += `${name}: ${fsEncode(text)}\n`;
  }
  inner += body ? `Content-Length: ${Buffer.byteLength(body)}\n\n${body}` : '\n';
  return Buffer.from(`Content-Length: ${Buffer.byteLength(inner)}\nContent-Type: text/event-plain\n\n${inner}`);
}
