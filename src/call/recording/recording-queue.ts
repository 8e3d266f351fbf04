/**
 * Recording delivery without loss: a {@link RecordingStore} backed by a durable queue in the spool directory (see
 * queue-entry.ts) and a worker that retries with exponential backoff, across restarts of the server.
 *
 * - `deliver` (called by the Record verb when a recording is finished) writes the sidecar first, then makes the
 *   first upload attempt at once, within `uploadTimeoutMs`. Delivered: the file and sidecar are removed and the
 *   verb reports `completed` as before. Not delivered: the result is `pending` and the call goes on at once (its
 *   action request is not held for the retry budget, as Twilio sends the action with the RecordingUrl at once);
 *   the worker owns the recording from then on and sends its recording status callback when the outcome is known:
 *   `completed` after a 2xx, or `failed` with ErrorCode once `maxAttempts` uploads failed.
 * - The worker (`start`) picks up every sidecar left in the queue, so recordings of a previous run are delivered
 *   after a restart; `close` stops it: the timer is cleared and uploads in progress are aborted (they stay queued,
 *   the interrupted attempt not counted).
 * - Deleted only after a 2xx. A recording given up is moved to `failed/` with its sidecar and logged with
 *   ERR_RECORDING_DELIVERY_FAILED.
 */
import { createReadStream } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import { AppError, toAppError } from '../../errors.js';
import { redactUrl, withRecordingStatus, type CallWebhook } from '../../webhook/index.js';
import {
  moveToFailed, prepareSpool, removeEntry, scanQueue, spoolDirs, wavPath, writeEntry, type QueueEntry, type SpoolDirs,
} from './queue-entry.js';
import {
  readSmallFile, type DeliveryResult, type RecordingCall, type RecordingFile, type RecordingStore,
} from './recording-store.js';
import { prepareSpoolDirectory, type SpoolPermissions } from './spool-directory.js';
import { abortOrTimeout } from '../../util/abort.js';
import { setMaxListeners } from 'node:events';
import { logCode } from '../../log-code.js';

/** How the queue delivers. */
export interface RecordingQueueOptions {
  readonly spoolDir: string;
  /** Group and mode the spool directory is given at start-up (see spool-directory.ts). */
  readonly spoolPermissions: SpoolPermissions;
  readonly webhook: CallWebhook;
  /** The auth token uploads and callbacks of an account are signed with (undefined: unsigned). */
  readonly authTokenFor: (accountSid: string) => string | undefined;
  readonly log: Logger;
  readonly uploadTimeoutMs: number;
  /** Uploads per recording, the first included. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Uploads in progress at once (the worker's; first attempts made by calls are not counted). */
  readonly concurrency: number;
  /** Time allowed for a recording status callback. */
  readonly callbackTimeoutMs: number;
}

/** setTimeout's largest delay. */
const MAX_TIMER_MS = 2_147_483_647;

type AttemptOutcome =
  | { readonly type: 'delivered' }
  | { readonly type: 'retry'; readonly error: AppError }
  | { readonly type: 'given-up'; readonly error: AppError }
  | { readonly type: 'stopped' };

/** The durable recording store and its delivery worker. */
export class RecordingDeliveryQueue implements RecordingStore {
  readonly #options: RecordingQueueOptions;
  readonly #dirs: SpoolDirs;
  readonly #entries = new Map<string, QueueEntry>();
  readonly #inFlight = new Map<string, Promise<unknown>>();
  readonly #callbacks = new Set<Promise<void>>();
  readonly #stop = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #started = false;

  constructor(options: RecordingQueueOptions) {
    this.#options = options;
    this.#dirs = spoolDirs(options.spoolDir);
    // Every upload under way listens to it (and lets go when it ends): many at once is normal, not a leak.
    setMaxListeners(Number.POSITIVE_INFINITY, this.#stop.signal);
  }

  /** Recordings waiting for delivery (known to this worker). */
  get pending(): number {
    return this.#entries.size;
  }

  /**
   * Prepares the spool directory (created, given its group and mode, checked: see spool-directory.ts), reads the
   * queue left by earlier runs and starts delivering.
   * @throws AppError ERR_SPOOL_UNUSABLE when this server cannot write the spool directory.
   */
  async start(): Promise<void> {
    if (this.#started) return;
    await prepareSpoolDirectory(this.#dirs.spool, this.#options.spoolPermissions, this.#options.log);
    this.#started = true;
    await prepareSpool(this.#dirs);
    const scan = await scanQueue(this.#dirs);
    for (const bad of scan.unreadable) {
      logCode(this.#options.log, 'ERR_RECORDING_QUEUE', { file: bad.file, err: bad.error },
        'unreadable recording queue entry moved to failed/');
    }
    for (const entry of scan.entries) this.#entries.set(entry.recordingSid, entry);
    if (scan.entries.length > 0) this.#options.log.info({ recordings: scan.entries.length }, 'recordings waiting for delivery resumed');
    this.#schedule();
  }

  /** Stops the worker: no timer is left, uploads and callbacks in progress are aborted and awaited. */
  async close(): Promise<void> {
    this.#stop.abort(new AppError('ERR_SHUTDOWN'));
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await Promise.allSettled([...this.#inFlight.values()]);
    await Promise.allSettled([...this.#callbacks]);
  }

  /**
   * Queues `file` and makes its first attempt. Every attempt, this one included, is signed with the token of the
   * recording's account (the later ones are made after the call), so the call's requests are not used.
   */
  async deliver(file: RecordingFile, { log }: RecordingCall): Promise<DeliveryResult> {
    const entry: QueueEntry = {
      version: 1,
      recordingSid: file.recordingSid,
      callSid: file.callSid,
      accountSid: file.accountSid ?? '',
      file: basename(file.path),
      url: file.url.href,
      attempts: 0,
      nextAttemptAt: Date.now(),
      createdAt: Date.now(),
      ...(file.statusCallback && {
        statusCallback: { ...file.statusCallback, url: file.statusCallback.url.href, params: [...file.statusCallback.params] },
      }),
    };
    try {
      if (dirname(file.path) !== this.#dirs.spool) throw new Error(`${file.path} is not in the spool directory`);
      await prepareSpool(this.#dirs);
      await writeEntry(this.#dirs, entry);
    } catch (err) {
      const error = new AppError('ERR_RECORDING_QUEUE', undefined, { cause: err });
      logCode(log, error.code, { file: file.path, err: toAppError(err).message }, 'recording could not be queued; the file is kept');
      return { delivered: false, error };
    }
    this.#entries.set(entry.recordingSid, entry);
    const outcome = await this.#track(entry, () => this.#attempt(entry, log));
    this.#schedule();
    if (outcome.type === 'delivered') return { delivered: true, error: undefined };
    const error = outcome.type === 'stopped' ? new AppError('ERR_SHUTDOWN') : outcome.error;
    return { delivered: false, error, pending: outcome.type !== 'given-up' };
  }

  /** Runs `work` as the entry's attempt in progress. */
  async #track<T>(entry: QueueEntry, work: () => Promise<T>): Promise<T> {
    const running = work();
    this.#inFlight.set(entry.recordingSid, running);
    try {
      return await running;
    } finally {
      this.#inFlight.delete(entry.recordingSid);
    }
  }

  /** Arms the timer for the earliest entry due that no attempt is working on. */
  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#started || this.#stop.signal.aborted || this.#inFlight.size >= this.#options.concurrency) return;
    let next: number | undefined;
    for (const entry of this.#entries.values()) {
      if (!this.#inFlight.has(entry.recordingSid)) next = Math.min(next ?? Infinity, entry.nextAttemptAt);
    }
    if (next === undefined) return;
    this.#timer = setTimeout(() => this.#runDue(), Math.min(MAX_TIMER_MS, Math.max(0, next - Date.now())));
  }

  #runDue(): void {
    this.#timer = undefined;
    const now = Date.now();
    for (const entry of [...this.#entries.values()].sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)) {
      if (this.#inFlight.size >= this.#options.concurrency || this.#stop.signal.aborted) break;
      if (entry.nextAttemptAt > now || this.#inFlight.has(entry.recordingSid)) continue;
      void this.#track(entry, () => this.#attempt(entry, this.#options.log.child({ callSid: entry.callSid })))
        .finally(() => this.#schedule());
    }
    this.#schedule();
  }

  /** One upload attempt and what follows from it. Never throws. */
  async #attempt(entry: QueueEntry, log: Logger): Promise<AttemptOutcome> {
    const started = performance.now();
    const url = new URL(entry.url);
    const line = { url: redactUrl(url), method: 'PUT', recordingSid: entry.recordingSid, attempt: entry.attempts + 1 };
    let path: string;
    let size: number;
    let contents: Buffer | undefined;
    try {
      path = wavPath(this.#dirs, entry);
      ({ size, contents } = await readSmallFile(path));
    } catch (err) {
      const error = new AppError('ERR_CALL_RECORDING_MISSING', undefined, { cause: err });
      logCode(log, error.code, { ...line, file: entry.file }, 'recording file not found; given up');
      await this.#giveUp(entry, error, log, entry.attempts > 0);
      return { type: 'given-up', error };
    }
    const limit = abortOrTimeout(this.#stop.signal, this.#options.uploadTimeoutMs);
    try {
      const body = contents ?? createReadStream(path);
      const authToken = this.#options.authTokenFor(entry.accountSid);
      const result = await this.#options.webhook.put({
        url, body, headers: { 'content-type': 'audio/wav' }, ...(authToken === undefined ? {} : { authToken }),
      }, limit.signal);
      await removeEntry(this.#dirs, entry).catch((err: unknown) => logCode(log, 'ERR_RECORDING_QUEUE', { ...line,
        err: toAppError(err).message }, 'delivered recording could not be removed from the spool'));
      this.#entries.delete(entry.recordingSid);
      log.info({ ...line, status: result.status, bytes: size, durationMs: ms(started) }, 'recording uploaded');
      if (entry.attempts > 0) this.#report(entry, 'completed', undefined);
      return { type: 'delivered' };
    } catch (err) {
      if (this.#stop.signal.aborted) {
        log.info(line, 'recording upload interrupted by shutdown; it stays queued');
        return { type: 'stopped' };
      }
      return await this.#failed(entry, toAppError(err), log, line, started);
    } finally {
      limit.dispose();
    }
  }

  async #failed(entry: QueueEntry, cause: AppError, log: Logger, line: Record<string, unknown>, started: number):
  Promise<AttemptOutcome> {
    const error = new AppError('ERR_CALL_RECORDING_UPLOAD', undefined, { cause });
    const status = 'status' in cause && typeof cause.status === 'number' ? cause.status : undefined;
    const attempts = entry.attempts + 1;
    const twilioCode = cause.twilioCode;
    const updated: QueueEntry = {
      ...entry, attempts, lastError: cause.code, ...(twilioCode !== undefined && { lastTwilioCode: twilioCode }),
      nextAttemptAt: Date.now() + this.#delayAfter(attempts),
    };
    if (attempts >= this.#options.maxAttempts) {
      logCode(log, 'ERR_RECORDING_DELIVERY_FAILED', { ...line, status, cause: cause.code, attempts, file: entry.file },
        'recording not delivered after its last attempt; kept in failed/');
      await this.#giveUp(updated, error, log, entry.attempts > 0);
      return { type: 'given-up', error };
    }
    try {
      await writeEntry(this.#dirs, updated);
    } catch (err) {
      logCode(log, 'ERR_RECORDING_QUEUE', { ...line, err: toAppError(err).message }, 'recording queue entry not updated');
    }
    this.#entries.set(entry.recordingSid, updated);
    log.warn({ ...line, status, code: error.code, cause: cause.code, durationMs: ms(started),
      retryInMs: updated.nextAttemptAt - Date.now() }, 'recording upload failed; it will be tried again');
    return { type: 'retry', error };
  }

  #delayAfter(attempts: number): number {
    return Math.min(this.#options.maxDelayMs, this.#options.initialDelayMs * 2 ** Math.max(0, attempts - 1));
  }

  /** Moves a recording to failed/; `report`: the queue owns its status callback (not the call's first attempt). */
  async #giveUp(entry: QueueEntry, error: AppError, log: Logger, report: boolean): Promise<void> {
    this.#entries.delete(entry.recordingSid);
    try {
      await moveToFailed(this.#dirs, entry);
    } catch (err) {
      logCode(log, 'ERR_RECORDING_QUEUE', { file: entry.file, err: toAppError(err).message }, 'recording not moved to failed/');
    }
    if (report) this.#report(entry, 'failed', entry.lastTwilioCode ?? error.twilioCode);
  }

  /** Sends the recording status callback the queue owes (for recordings it delivers after the first attempt). */
  #report(entry: QueueEntry, status: 'completed' | 'failed', errorCode: number | undefined): void {
    const callback = entry.statusCallback;
    if (!callback || (status === 'completed' && !callback.reportCompleted)) return;
    const params = withRecordingStatus(callback.params, status, errorCode);
    const authToken = this.#options.authTokenFor(entry.accountSid);
    const url = new URL(callback.url);
    const sent = this.#options.webhook.notify({ url, method: callback.method, params,
      ...(authToken === undefined ? {} : { authToken }) },
    { timeoutMs: this.#options.callbackTimeoutMs, signal: this.#stop.signal }).then((outcome) => {
      if (!outcome.ok) {
        logCode(this.#options.log, outcome.error?.code ?? 'ERR_WEBHOOK_HTTP_STATUS', { status: outcome.status,
          url: redactUrl(url), recordingSid: entry.recordingSid }, 'recording status callback failed');
      }
    });
    this.#callbacks.add(sent);
    void sent.finally(() => this.#callbacks.delete(sent));
  }
}

function ms(started: number): number {
  return Math.round(performance.now() - started);
}
