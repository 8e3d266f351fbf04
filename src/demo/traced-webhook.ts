/**
 * A webhook client that reports each request to a transcript as it is sent, and its outcome when it ends. It is
 * the engine's own client (same options as `createWebhookClient`), so the requests are exactly those of a real
 * call.
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Config } from '../config/index.js';
import { CallEndedError, toAppError } from '../errors.js';
import { parseTwiml, type TwimlDocument } from '../twiml/index.js';
import {
  redactUrl,
  WebhookClient,
  type NotifyOptions,
  type NotifyOutcome,
  type PutRequest,
  type PutResult,
  type TwimlResponse,
  type WebhookRequest,
  webhookClientOptions,
} from '../webhook/index.js';
import type { Transcript } from './transcript.js';

/** The part of a transcript the client writes to. */
export type WebhookTrace = Pick<Transcript, 'request' | 'reply' | 'document'>;

function failure(err: unknown): string {
  if (err instanceof CallEndedError) return 'aborted: the call ended';
  const error = toAppError(err);
  const status = 'status' in error && typeof error.status === 'number' ? ` ${error.status}` : '';
  const twilio = error.twilioCode === undefined ? '' : ` (Twilio ${error.twilioCode})`;
  return `failed${status}: ${error.code}${twilio} ${error.message}`;
}

function parsed(res: TwimlResponse): TwimlDocument | undefined {
  try {
    return parseTwiml(res.body, res.url);
  } catch {
    return undefined;
  }
}

function bodySize(body: PutRequest['body']): string {
  if (body instanceof Readable) return 'a stream';
  return `${typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength} bytes`;
}

/** The engine's webhook client, reporting to `trace`. */
export class TracingWebhookClient extends WebhookClient {
  readonly #trace: WebhookTrace;

  constructor(config: Readonly<Config>, dispatcher: Dispatcher, trace: WebhookTrace) {
    super(webhookClientOptions(config, dispatcher));
    this.#trace = trace;
  }

  override async fetchTwiml(req: WebhookRequest, signal: AbortSignal): Promise<TwimlResponse> {
    this.#trace.request(req.method, redactUrl(req.url), req.params);
    try {
      const res = await super.fetchTwiml(req, signal);
      const moved = res.debug.redirects.length === 0 ? '' : `, after redirects to ${res.debug.redirects.join(' -> ')}`;
      this.#trace.reply(`${res.status} ${res.contentType ?? '(no content type)'}, ${Buffer.byteLength(res.body)} bytes${moved}`);
      this.#trace.document(parsed(res));
      return res;
    } catch (err) {
      this.#trace.reply(failure(err));
      this.#trace.document(undefined);
      throw err;
    }
  }

  override async notify(req: WebhookRequest, options?: NotifyOptions): Promise<NotifyOutcome> {
    this.#trace.request(req.method, redactUrl(req.url), req.params);
    const outcome = await super.notify(req, options);
    this.#trace.reply(outcome.ok ? `${outcome.status ?? ''} (reply not run: the call is over)` : failure(outcome.error));
    return outcome;
  }

  override async put(req: PutRequest, signal: AbortSignal): Promise<PutResult> {
    this.#trace.request('PUT', redactUrl(req.url), [], `${req.headers?.['content-type'] ?? 'application/octet-stream'}, ${bodySize(req.body)}`);
    try {
      const res = await super.put(req, signal);
      this.#trace.reply(String(res.status));
      return res;
    } catch (err) {
      this.#trace.reply(failure(err));
      throw err;
    }
  }
}
