/**
 * The webhook client: fetches TwiML documents, sends status callbacks, and uploads recordings, over one injected
 * undici dispatcher (keep-alive, connection reuse, address guard; see dispatcher.ts).
 */
import type { Dispatcher } from 'undici';
import { AppError, toAppError } from '../errors.js';
import {
  DEFAULT_CONNECTION_OVERRIDES,
  parseConnectionOverrides,
  type ConnectionOverrides,
} from './connection-overrides.js';
import type {
  NotifyOptions,
  NotifyOutcome,
  PutRequest,
  PutResult,
  TwimlResponse,
  WebhookClientOptions,
  WebhookRequest,
} from './client-types.js';
import { redactUrl, type DebugSink, type WebhookDebugRecord } from './debug-record.js';
import { appendQuery, encodeForm } from './form-encoding.js';
import type { Params } from './params.js';
import { send, type HopRequest, type SendOutcome, type SendSpec } from './send.js';
import { computeSignature, SIGNATURE_HEADER } from './signature.js';
import { WebhookError } from './webhook-error.js';

/**
 * Sends the webhook requests of calls. Every request honours the connection overrides of its URL, is signed when an
 * auth token is given, and reports a debug record.
 * @example
 * const client = new WebhookClient({ dispatcher: createWebhookDispatcher() });
 * const doc = await client.fetchTwiml({ url, method: 'POST', params }, call.signal);
 */
export class WebhookClient {
  readonly #dispatcher: Dispatcher;
  readonly #defaults: ConnectionOverrides;
  readonly #maxBodyBytes: number;
  readonly #maxRedirects: number;
  readonly #notifyTimeoutMs: number;
  readonly #userAgent: string;
  readonly #excerptBytes: number;
  readonly #onDebug: DebugSink | undefined;

  constructor(options: WebhookClientOptions) {
    this.#dispatcher = options.dispatcher;
    const given = Object.entries(options.defaults ?? {}).filter(([, value]) => value !== undefined);
    this.#defaults = { ...DEFAULT_CONNECTION_OVERRIDES, ...Object.fromEntries(given) };
    this.#maxBodyBytes = options.maxBodyBytes ?? 65536;
    this.#maxRedirects = options.maxRedirects ?? 3;
    this.#notifyTimeoutMs = options.notifyTimeoutMs ?? 15000;
    this.#userAgent = options.userAgent ?? 'pivot-esl';
    this.#excerptBytes = options.excerptBytes ?? 2048;
    this.#onDebug = options.onDebug;
  }

  /**
   * Fetches a TwiML document. Rejects with a {@link WebhookError} (non-2xx, empty or oversized body, network,
   * timeout, redirects, denied address, bad URL), or with the signal's reason when `signal` aborts, which cancels
   * the socket at once.
   */
  async fetchTwiml(req: WebhookRequest, signal: AbortSignal): Promise<TwimlResponse> {
    const { url, overrides } = this.#parse(req.method, req.url, req.params, req.onDebug);
    const outcome = await this.#send(req, url, overrides, { keepBody: true, signal });
    const { result, debug } = outcome;
    if (!result) throw outcome.error ?? new AppError('ERR_INTERNAL');
    const contentType = headerValue(result.headers['content-type']);
    return {
      url: debug.redirects.length === 0 ? url : result.url,
      status: result.status,
      contentType,
      body: decodeBody(result.body, contentType),
      timing: debug.timing,
      debug,
    };
  }

  /** Sends a callback and reports how it went; the reply body is ignored. Never throws. */
  async notify(req: WebhookRequest, options: NotifyOptions = {}): Promise<NotifyOutcome> {
    try {
      const { url, overrides } = this.#parse(req.method, req.url, req.params, req.onDebug);
      const totalTimeoutMs = Math.min(overrides.totalTimeoutMs, options.timeoutMs ?? this.#notifyTimeoutMs);
      const outcome = await this.#send(req, url, { ...overrides, totalTimeoutMs }, {
        keepBody: false,
        signal: options.signal,
      });
      const { result, error, debug } = outcome;
      return { ok: result !== undefined, status: debug.status, error, debug };
    } catch (err) {
      // Only #parse throws here, and it has reported the record already.
      const error = toAppError(err);
      return { ok: false, status: undefined, error, debug: earlyRecord(req.method, req.url, req.params, error) };
    }
  }

  /** Uploads `req.body` with PUT. Resolves on a 2xx reply; rejects like {@link WebhookClient.fetchTwiml}. */
  async put(req: PutRequest, signal: AbortSignal): Promise<PutResult> {
    const { url, overrides } = this.#parse('PUT', req.url, [], req.onDebug);
    const body = req.body;
    const repeatable = typeof body === 'string' || body instanceof Uint8Array;
    const outcome = await this.#run(
      {
        method: 'PUT',
        url,
        params: [],
        overrides,
        repeatable,
        keepBody: false,
        signal,
        prepare: (target) => {
          const hop = this.#hop(target, 'PUT', [], req.authToken, {
            'content-type': 'application/octet-stream',
            ...req.headers,
          });
          return { ...hop, body };
        },
      },
      req.onDebug,
    );
    if (!outcome.result) throw outcome.error ?? new AppError('ERR_INTERNAL');
    return { status: outcome.result.status, debug: outcome.debug };
  }

  /**
   * Removes and reads the connection-override fragment. Only http: and https: URLs are accepted; a refused URL is
   * reported to the debug sinks and thrown as ERR_WEBHOOK_BAD_URL.
   */
  #parse(
    method: string,
    url: URL,
    params: Params,
    onDebug: DebugSink | undefined,
  ): { url: URL; overrides: ConnectionOverrides } {
    if (url.protocol === 'http:' || url.protocol === 'https:') return parseConnectionOverrides(url, this.#defaults);
    const error = new WebhookError('ERR_WEBHOOK_BAD_URL', redactUrl(url), {
      message: `${url.protocol} URLs are not fetched`,
    });
    const record = earlyRecord(method, url, params, error);
    report(onDebug, record);
    report(this.#onDebug, record);
    throw error;
  }

  #send(
    req: WebhookRequest,
    url: URL,
    overrides: ConnectionOverrides,
    mode: { keepBody: boolean; signal: AbortSignal | undefined },
  ): Promise<SendOutcome> {
    const isGet = req.method === 'GET';
    return this.#run(
      {
        method: req.method,
        url: isGet ? appendQuery(url, req.params) : url,
        params: req.params,
        overrides,
        repeatable: true,
        keepBody: mode.keepBody,
        signal: mode.signal,
        prepare: (target) => this.#hop(target, req.method, req.params, req.authToken, req.headers),
      },
      req.onDebug,
    );
  }

  async #run(
    spec: Omit<SendSpec, 'dispatcher' | 'maxRedirects' | 'maxBodyBytes' | 'excerptBytes'>,
    onDebug: DebugSink | undefined,
  ): Promise<SendOutcome> {
    const outcome = await send({
      ...spec,
      dispatcher: this.#dispatcher,
      maxRedirects: this.#maxRedirects,
      maxBodyBytes: this.#maxBodyBytes,
      excerptBytes: this.#excerptBytes,
    });
    report(onDebug, outcome.debug);
    report(this.#onDebug, outcome.debug);
    return outcome;
  }

  /** Headers and body of one hop: credentials become Basic auth, POST params a form body, and the hop is signed. */
  #hop(
    target: URL,
    method: 'GET' | 'POST' | 'PUT',
    params: Params,
    authToken: string | undefined,
    extra: Readonly<Record<string, string>> | undefined,
  ): HopRequest {
    const url = new URL(target);
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    url.username = '';
    url.password = '';
    const headers: Record<string, string> = { 'user-agent': this.#userAgent };
    for (const [name, value] of Object.entries(extra ?? {})) {
      const key = name.toLowerCase();
      if (!FRAMING_HEADERS.has(key)) headers[key] = value;
    }
    if (user !== '' || password !== '') {
      headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    }
    const form = method === 'POST';
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (authToken !== undefined) {
      headers[SIGNATURE_HEADER] = computeSignature(authToken, url, form ? params : [], method);
    }
    return form ? { url, headers, body: encodeForm(params) } : { url, headers };
  }
}

/** Headers the client owns: extra headers by these names are dropped. */
const FRAMING_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', SIGNATURE_HEADER]);

function report(sink: DebugSink | undefined, record: WebhookDebugRecord): void {
  try {
    sink?.(record);
  } catch {
    // A failing debug sink must not change the outcome of the request.
  }
}

function earlyRecord(method: string, url: URL, params: Params, error: AppError): WebhookDebugRecord {
  return {
    method,
    url: redactUrl(url),
    params,
    attempts: 0,
    redirects: [],
    timing: { startedAt: Date.now(), connectMs: undefined, headersMs: undefined, totalMs: 0 },
    errorCode: error.code,
    twilioCode: error.twilioCode,
    errorMessage: error.message,
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Decodes per the `charset` of the content type; unknown charsets fall back to UTF-8. A BOM is dropped. */
function decodeBody(body: Buffer, contentType: string | undefined): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
