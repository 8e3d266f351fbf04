import { EslError } from '../errors.js';
import { EslEvent } from './event.js';
import { findHeader, parseHeaderBlock } from './header-block.js';
import { ContentType, MAX_CONTENT_LENGTH } from './protocol.js';

export { parseHeaderBlock } from './header-block.js';

const LF = 0x0a;
/**
 * A header block without a body and longer than this (the reply to `connect`, held for the whole call) is kept as
 * text and parsed only when asked: thousands of calls stay open at once.
 */
const LAZY_BLOCK_CHARS = 1024;
const CR = 0x0d;

export interface FrameParserOptions {
  /** Largest header block accepted before its blank line (CHANNEL_DATA of a SIP call is 5-30 KB). */
  maxHeaderBytes: number;
  /** Largest body accepted (FreeSWITCH itself refuses more than 16 MiB). */
  maxBodyBytes: number;
}

export const DEFAULT_FRAME_LIMITS: FrameParserOptions = { maxHeaderBytes: 1024 * 1024, maxBodyBytes: MAX_CONTENT_LENGTH };

/**
 * Splits the byte stream from FreeSWITCH into messages and decodes them.
 *
 * It replaces modesl's parser, which rescans the whole buffer for the blank line on every chunk (quadratic on the
 * large CHANNEL_DATA), rebuilds every event header by header, and throws on a bad %-escape. Here each chunk is
 * scanned once, bytes are joined only when a message is complete, JSON events are a single JSON.parse, and
 * decoding never throws. A malformed frame is reported once through `onError` and parsing stops: the stream can
 * no longer be trusted.
 */
export class FrameParser {
  readonly #onMessage: (message: EslEvent) => void;
  readonly #onError: (err: EslError) => void;
  readonly #limits: FrameParserOptions;
  #chunks: Buffer[] = [];
  #total = 0;
  /** Bytes of the pending data already searched for the end of the header block. */
  #scanned = 0;
  #outer: Record<string, string> | null = null;
  #bodyLength = 0;
  #failed = false;

  constructor(onMessage: (message: EslEvent) => void, onError: (err: EslError) => void,
    limits: FrameParserOptions = DEFAULT_FRAME_LIMITS) {
    this.#onMessage = onMessage;
    this.#onError = onError;
    this.#limits = limits;
  }

  /** Feeds bytes as they arrive; calls back once per complete message, in order. */
  push(data: Buffer): void {
    if (this.#failed || data.length === 0) return;
    this.#chunks.push(data);
    this.#total += data.length;
    // A peer that trickles bytes would otherwise leave a long list to walk on every chunk.
    if (this.#chunks.length > 64) this.#chunks = [Buffer.concat(this.#chunks, this.#total)];
    while (!this.#failed) {
      if (this.#outer === null) {
        if (!this.#takeHeaderBlock()) return;
      } else if (!this.#takeBody()) {
        return;
      }
    }
  }

  /** Bytes received and not yet part of a complete message. */
  get bufferedBytes(): number {
    return this.#total;
  }

  #takeHeaderBlock(): boolean {
    const end = this.#findBlankLine();
    if (end < 0) {
      if (this.#total > this.#limits.maxHeaderBytes) {
        this.#fail('ERR_ESL_FRAME_TOO_LARGE', `header block over ${this.#limits.maxHeaderBytes} bytes`);
      }
      return false;
    }
    // The block keeps its blank line: parseHeaderBlock skips empty lines and a trailing CR.
    const text = this.#take(end).toString('utf8');
    if (text.length > LAZY_BLOCK_CHARS && findHeader(text, 'Content-Length') === undefined) {
      this.#onMessage(new EslEvent(findHeader(text, 'Content-Type') ?? '', text.trimEnd()));
      return true;
    }
    const outer = parseHeaderBlock(text, true);
    const lengthText = outer['Content-Length'];
    if (lengthText === undefined) {
      this.#emit(outer, null);
      return true;
    }
    const length = /^\d{1,9}$/.test(lengthText.trim()) ? Number(lengthText.trim()) : NaN;
    if (!Number.isFinite(length) || length > this.#limits.maxBodyBytes) {
      this.#fail(Number.isFinite(length) ? 'ERR_ESL_FRAME_TOO_LARGE' : 'ERR_ESL_PROTOCOL',
        `bad Content-Length ${JSON.stringify(lengthText.slice(0, 40))}`);
      return false;
    }
    this.#outer = outer;
    this.#bodyLength = length;
    return true;
  }

  #takeBody(): boolean {
    if (this.#total < this.#bodyLength) return false;
    const outer = this.#outer as Record<string, string>;
    const body = this.#take(this.#bodyLength);
    this.#outer = null;
    this.#bodyLength = 0;
    this.#emit(outer, body);
    return true;
  }

  /**
   * Index just past the first blank line (LF LF, or LF CR LF) in the pending bytes, or -1. Searches each byte once;
   * an LF whose following bytes have not arrived yet is searched again on the next chunk.
   */
  #findBlankLine(): number {
    let offset = 0;
    for (const chunk of this.#chunks) {
      const chunkEnd = offset + chunk.length;
      if (chunkEnd > this.#scanned) {
        const from = Math.max(0, this.#scanned - offset);
        for (let i = chunk.indexOf(LF, from); i >= 0; i = chunk.indexOf(LF, i + 1)) {
          const at = offset + i;
          const next = i + 1 < chunk.length ? chunk[i + 1] : this.#byteAt(at + 1);
          const after = next === CR ? (i + 2 < chunk.length ? chunk[i + 2] : this.#byteAt(at + 2)) : next;
          if (after === LF) return next === LF ? at + 2 : at + 3;
          if (after === undefined) {
            this.#scanned = at;
            return -1;
          }
        }
      }
      offset = chunkEnd;
    }
    this.#scanned = this.#total;
    return -1;
  }

  #byteAt(index: number): number | undefined {
    let offset = 0;
    for (const chunk of this.#chunks) {
      if (index < offset + chunk.length) return chunk[index - offset];
      offset += chunk.length;
    }
    return undefined;
  }

  /** Removes and returns the first `length` pending bytes as one buffer. */
  #take(length: number): Buffer {
    // `Content-Length: 0` (the linger notice) may end the pending bytes: there is no chunk left to cut from.
    if (length === 0) return Buffer.alloc(0);
    const first = this.#chunks[0] as Buffer;
    let out: Buffer;
    if (first.length >= length) {
      out = first.subarray(0, length);
      if (first.length === length) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(length);
    } else {
      const all = Buffer.concat(this.#chunks, this.#total);
      out = all.subarray(0, length);
      this.#chunks = all.length > length ? [all.subarray(length)] : [];
    }
    this.#total -= length;
    this.#scanned = 0;
    return out;
  }

  #emit(outer: Record<string, string>, body: Buffer | null): void {
    const contentType = outer['Content-Type'] ?? '';
    let message: EslEvent;
    if (contentType === ContentType.EventJson && body) {
      const parsed = parseJsonEvent(body);
      if (!parsed) {
        this.#fail('ERR_ESL_PROTOCOL', 'an event-json body is not a JSON object');
        return;
      }
      message = parsed;
    } else if (contentType === ContentType.EventPlain && body) {
      message = parsePlainEvent(body);
    } else {
      message = new EslEvent(contentType, outer, body ? body.toString('utf8') : '');
    }
    this.#onMessage(message);
  }

  #fail(code: 'ERR_ESL_PROTOCOL' | 'ERR_ESL_FRAME_TOO_LARGE', message: string): void {
    this.#failed = true;
    this.#chunks = [];
    this.#total = 0;
    this.#onError(new EslError(code, message));
  }
}

/**
 * A JSON event, read lazily (see EslEvent.fromJson). Only its shape is checked here: an object's braces. A text
 * that is not JSON at all is refused; one that is broken inside its braces gives an event with no members.
 */
function parseJsonEvent(body: Buffer): EslEvent | null {
  const text = body.toString('utf8').trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return null;
  return EslEvent.fromJson(text);
}

function parsePlainEvent(body: Buffer): EslEvent {
  let end = body.indexOf('\n\n');
  if (end < 0) end = body.length;
  const headers = parseHeaderBlock(body.toString('utf8', 0, end), true);
  let inner = '';
  const length = Number(headers['Content-Length']);
  if (Number.isInteger(length) && length > 0) {
    inner = body.toString('utf8', end + 2, Math.min(body.length, end + 2 + length));
  }
  return new EslEvent(ContentType.EventPlain, headers, inner);
}
