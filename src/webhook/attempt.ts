/**
 * One HTTP exchange of a webhook request over the injected undici dispatcher: connect timeout, read timeout, the
 * caller's signal, and a capped body read. Retries and redirects are the caller's business.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import type { AppError } from '../errors.js';
import { after, onAbort } from '../util/abort.js';
import { classifyError } from './classify-error.js';
import { redactUrl } from './debug-record.js';
import { WebhookError } from './webhook-error.js';

/** What to send, and how long to wait. */
export interface AttemptSpec {
  readonly dispatcher: Dispatcher;
  /** Without fragment or credentials. */
  readonly url: URL;
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array | Readable;
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  /** Cancels the attempt; its reason must be an AppError and is thrown as it is. */
  readonly signal: AbortSignal;
  /** A 2xx body larger than this fails with ERR_WEBHOOK_BODY_TOO_LARGE when `keepBody`; otherwise it is dropped. */
  readonly maxBodyBytes: number;
  /** Keep the whole 2xx body (documents); otherwise only the first `excerptBytes` of any body are kept. */
  readonly keepBody: boolean;
  readonly excerptBytes: number;
}

/** A reply, whatever its status. */
export interface AttemptResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The whole body (a kept 2xx body) or its first `excerptBytes`. */
  readonly body: Buffer;
  readonly connectMs: number | undefined;
  readonly headersMs: number;
}

/** How one attempt ended: with a reply of any status, or with an error (and what is known of its timing). */
export type AttemptOutcome =
  | { readonly ok: true; readonly response: AttemptResponse }
  | { readonly ok: false; readonly error: AppError; readonly connectMs: number | undefined };

/**
 * Sends one request and reads its reply; never rejects. The socket is destroyed whenever the reply is not read to
 * its end (abort, timeout, body over the cap).
 */
export async function attempt(spec: AttemptSpec): Promise<AttemptOutcome> {
  const started = performance.now();
  const where = redactUrl(spec.url);
  const controller = new AbortController();
  let connectMs: number | undefined;
  const stopParent = onAbort(spec.signal, (reason) => controller.abort(reason));
  const stopConnectTimer = after(spec.connectTimeoutMs, () =>
    controller.abort(new WebhookError('ERR_WEBHOOK_CONNECT_TIMEOUT', where, {
      message: `no connection to ${spec.url.host} within ${spec.connectTimeoutMs} ms`,
    })),
  );
  const readTimer = idleTimer(spec.readTimeoutMs, () =>
    controller.abort(new WebhookError('ERR_WEBHOOK_TIMEOUT', where, {
      message: `no data from ${spec.url.host} for ${spec.readTimeoutMs} ms`,
    })),
  );
  const dispatcher = spec.dispatcher.compose((dispatch) => (opts, handler) =>
    dispatch(opts, new ProgressProbe(handler, {
      connected: () => {
        connectMs ??= performance.now() - started;
        stopConnectTimer();
        // An upload may take longer than rt to send; undici's header timeout covers it instead.
        if (spec.method !== 'PUT') readTimer.start();
      },
      progress: () => readTimer.start(),
      done: () => readTimer.stop(),
    })),
  );
  try {
    const res = await untilAborted(
      request(spec.url, {
        dispatcher,
        method: spec.method,
        headers: spec.headers,
        body: spec.body ?? null,
        signal: controller.signal,
        headersTimeout: spec.readTimeoutMs,
        bodyTimeout: spec.readTimeoutMs,
      }),
      controller.signal,
    );
    const headersMs = performance.now() - started;
    const success = res.statusCode >= 200 && res.statusCode < 300;
    const keep = spec.keepBody && success;
    const declared = Number(res.headers['content-length']);
    if (keep && declared > spec.maxBodyBytes) throw tooLarge(res.body, where, spec.maxBodyBytes, res.statusCode);
    // A 2xx body is read to its end when it fits, so that the connection can be reused; of an error reply only the
    // excerpt is wanted.
    const { data, overflow } = await readCapped(res.body, success ? spec.maxBodyBytes : spec.excerptBytes);
    if (overflow && keep) throw tooLarge(res.body, where, spec.maxBodyBytes, res.statusCode);
    const body = keep ? data : data.subarray(0, spec.excerptBytes);
    return { ok: true, response: { status: res.statusCode, headers: res.headers, body, connectMs, headersMs } };
  } catch (err) {
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : err;
    return { ok: false, error: classifyError(reason, where), connectMs };
  } finally {
    stopConnectTimer();
    readTimer.stop();
    stopParent();
  }
}

/**
 * Settles with `work`, or rejects as soon as `signal` aborts. undici only acts on an abort once the request has a
 * connection, so a request still waiting for one would otherwise hang; it stays cancelled (undici aborts it the
 * moment it gets a connection, or errors it when the dispatcher closes) and a late reply has its body destroyed.
 */
function untilAborted(work: Promise<Dispatcher.ResponseData>, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  return new Promise((resolve, reject) => {
    const stop = onAbort(signal, reject);
    work.then(
      (res) => {
        stop();
        if (signal.aborted) res.body.destroy();
        else resolve(res);
      },
      (err: unknown) => {
        stop();
        reject(err);
      },
    );
  });
}

/** A timer restarted on every sign of progress (Twilio's read timeout: to the first byte, then between packets). */
function idleTimer(ms: number, fire: () => void): { start(): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  return {
    start() {
      if (timer) timer.refresh();
      else (timer = setTimeout(fire, ms)).unref();
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

function tooLarge(body: Readable, url: string, max: number, status: number): WebhookError {
  body.destroy();
  return new WebhookError('ERR_WEBHOOK_BODY_TOO_LARGE', url, { status, message: `response body over ${max} bytes` });
}

/** Reads at most `max` bytes; past that the stream is destroyed (and with it the connection). */
async function readCapped(body: Readable, max: number): Promise<{ data: Buffer; overflow: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = max - size;
    if (chunk.length > room) {
      if (room > 0) chunks.push(chunk.subarray(0, room));
      body.destroy();
      return { data: Buffer.concat(chunks, max), overflow: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { data: Buffer.concat(chunks, size), overflow: false };
}

type Controller = Dispatcher.DispatchController;

/** Passes every event through, and reports when the request gets a connection and when data arrives. */
class ProgressProbe implements Dispatcher.DispatchHandler {
  readonly #inner: Dispatcher.DispatchHandler;
  readonly #events: { connected(): void; progress(): void; done(): void };

  constructor(inner: Dispatcher.DispatchHandler, events: { connected(): void; progress(): void; done(): void }) {
    this.#inner = inner;
    this.#events = events;
  }

  onRequestStart(controller: Controller, context: unknown): void {
    this.#events.connected();
    this.#inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: Controller, status: number, headers: IncomingHttpHeaders, socket: Duplex): void {
    this.#inner.onRequestUpgrade?.(controller, status, headers, socket);
  }

  onResponseStart(controller: Controller, status: number, headers: IncomingHttpHeaders, message?: string): void {
    this.#events.progress();
    this.#inner.onResponseStart?.(controller, status, headers, message);
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    this.#events.progress();
    this.#inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Controller, trailers: IncomingHttpHeaders): void {
    this.#events.done();
    this.#inner.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Controller, error: Error): void {
    this.#events.done();
    this.#inner.onResponseError?.(controller, error);
  }
}
