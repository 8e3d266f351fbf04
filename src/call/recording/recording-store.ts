/**
 * Delivery of finished recordings. The default store uploads the file with an HTTP PUT (Kazoo Pivot's contract)
 * and removes it from the spool directory once the upload succeeded; a failed upload leaves the file in place and
 * is reported with ERR_CALL_RECORDING_UPLOAD. A store with retries and a persistent queue can replace it without
 * touching the Record verb.
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import type { Logger } from 'pino';
import { AppError, toAppError } from '../../errors.js';
import { redactUrl, type CallRequests, type Params } from '../../webhook/index.js';
import { logCode } from '../../log-code.js';

/** A recording waiting to be delivered. */
export interface RecordingFile {
  /** Local path of the WAV file. */
  readonly path: string;
  /** Where it goes. */
  readonly url: URL;
  readonly recordingSid: string;
  readonly callSid: string;
  /** The call's account: a store that delivers later signs the upload with this account's auth token. */
  readonly accountSid?: string;
  /**
   * The recording status callback, for a store that delivers later ({@link DeliveryResult.pending}): it sends it
   * itself once the recording is delivered or given up.
   */
  readonly statusCallback?: RecordingStatusCallback;
}

/** A recording status callback a store sends on its own. */
export interface RecordingStatusCallback {
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  /** The parameters, without RecordingStatus and ErrorCode (the store adds them). */
  readonly params: Params;
  /** Whether `completed` was asked for (`failed` is always sent). */
  readonly reportCompleted: boolean;
}

/** How a delivery went. */
export interface DeliveryResult {
  readonly delivered: boolean;
  readonly error: AppError | undefined;
  /**
   * Not delivered yet, but kept for later attempts: the store owns the recording from now on and sends its
   * status callback (if {@link RecordingFile.statusCallback} is given) once it knows the outcome.
   */
  readonly pending?: boolean;
}

/** The call a recording belongs to: its log, and its requests (an upload made during the call is one of them). */
export interface RecordingCall {
  readonly log: Logger;
  readonly requests: CallRequests;
}

/** Delivers recordings. `deliver` never throws; it reports. */
export interface RecordingStore {
  deliver(file: RecordingFile, call: RecordingCall): Promise<DeliveryResult>;
}

/** Files above this size are streamed instead of read into memory (a stream is sent once, without retries). */
const STREAM_ABOVE_BYTES = 8 * 1024 * 1024;

/**
 * The default store: HTTP PUT as one of the call's requests (signed with its token, seen by its debug log), with its
 * own time limit (the call may be over).
 */
export class HttpPutRecordingStore implements RecordingStore {
  readonly #timeoutMs: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  async deliver(file: RecordingFile, { log, requests }: RecordingCall): Promise<DeliveryResult> {
    const started = performance.now();
    const url = redactUrl(file.url);
    let size: number;
    let contents: Buffer | undefined;
    try {
      ({ size, contents } = await readSmallFile(file.path));
    } catch (err) {
      logCode(log, 'ERR_CALL_RECORDING_MISSING', { file: file.path, err: toAppError(err).message }, 'recording file not found');
      return { delivered: false, error: new AppError('ERR_CALL_RECORDING_MISSING', undefined, { cause: err }) };
    }
    try {
      const body = contents ?? createReadStream(file.path);
      const result = await requests.put({ url: file.url, body, headers: { 'content-type': 'audio/wav' } },
        AbortSignal.timeout(this.#timeoutMs));
      log.info({ url, method: 'PUT', status: result.status, durationMs: ms(started), bytes: size }, 'recording uploaded');
      await unlink(file.path).catch(ignoreMissing);
      return { delivered: true, error: undefined };
    } catch (err) {
      const cause = toAppError(err);
      const error = new AppError('ERR_CALL_RECORDING_UPLOAD', undefined, { cause });
      const status = 'status' in cause && typeof cause.status === 'number' ? cause.status : undefined;
      logCode(log, error.code, { url, method: 'PUT', status, durationMs: ms(started), cause: cause.code, file: file.path },
        'recording upload failed; the file is kept');
      return { delivered: false, error };
    }
  }
}

/**
 * Recordings up to this size (a minute of 8 kHz 16-bit audio) are read without the thread pool: its round trips
 * cost more CPU than reading such a file from the page cache, which blocks the event loop for well under 1 ms.
 */
const READ_AT_ONCE_BYTES = 1024 * 1024;

/**
 * The size of a finished recording and, up to STREAM_ABOVE_BYTES, its bytes (a recording is written once and no
 * longer grows). Larger files are left to be streamed.
 */
export async function readSmallFile(path: string): Promise<{ size: number; contents: Buffer | undefined }> {
  const fd = openSync(path, 'r');
  let size: number;
  try {
    size = fstatSync(fd).size;
    if (size <= READ_AT_ONCE_BYTES) return { size, contents: readAll(fd, size) };
  } finally {
    closeSync(fd);
  }
  if (size > STREAM_ABOVE_BYTES) return { size, contents: undefined };
  const contents = await readFile(path);
  return { size: contents.length, contents };
}

function readAll(fd: number, size: number): Buffer {
  const contents = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const read = readSync(fd, contents, filled, size - filled, filled);
    if (read === 0) return contents.subarray(0, filled);
    filled += read;
  }
  return contents;
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}

function ms(started: number): number {
  return Math.round(performance.now() - started);
}
