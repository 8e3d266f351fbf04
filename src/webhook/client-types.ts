/** The request and result shapes of the webhook client (`WebhookClient`, in client.ts). */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { AppError } from '../errors.js';
import type { ConnectionOverrides } from './connection-overrides.js';
import type { DebugSink, WebhookDebugRecord, WebhookTiming } from './debug-record.js';
import type { Params } from './params.js';

/** HTTP methods TwiML allows for webhooks. */
export type WebhookMethod = 'GET' | 'POST';

/** A document fetch or a callback. */
export interface WebhookRequest {
  /** May carry credentials (sent as Basic auth) and a connection-override fragment (`#ct=…`). */
  readonly url: URL;
  readonly method: WebhookMethod;
  readonly params: Params;
  /** When set, the request carries `X-Twilio-Signature` keyed with it. */
  readonly authToken?: string;
  /**
   * Extra request headers. Host, framing and signature headers are dropped; URL credentials and a POST's content
   * type take precedence over them.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /** Receives the debug record of this request. */
  readonly onDebug?: DebugSink;
}

/** A fetched document. */
export interface TwimlResponse {
  /** The document's URL: the requested one (fragment removed), or the last redirect target. */
  readonly url: URL;
  readonly status: number;
  readonly contentType: string | undefined;
  /** The body decoded per its charset (UTF-8 by default). */
  readonly body: string;
  readonly timing: WebhookTiming;
  readonly debug: WebhookDebugRecord;
}

/** The result of a callback: it never throws. `ok` means a 2xx reply. */
export interface NotifyOutcome {
  readonly ok: boolean;
  readonly status: number | undefined;
  readonly error: AppError | undefined;
  readonly debug: WebhookDebugRecord;
}

/** Options of {@link WebhookClient.notify}. */
export interface NotifyOptions {
  /** Total time for the callback, retries included. Default: the client's `notifyTimeoutMs`. */
  readonly timeoutMs?: number;
  /** A server-shutdown signal; never the call's signal (the call is usually over when callbacks are sent). */
  readonly signal?: AbortSignal;
}

/** An upload (HTTP PUT), e.g. a recording. */
export interface PutRequest {
  readonly url: URL;
  /** A buffer or string is retried per the connection overrides; a stream is sent once. */
  readonly body: Uint8Array | string | Readable;
  /** Default content type: `application/octet-stream`. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly authToken?: string;
  readonly onDebug?: DebugSink;
}

/** A finished upload. */
export interface PutResult {
  readonly status: number;
  readonly debug: WebhookDebugRecord;
}

/** Options of {@link WebhookClient}. */
export interface WebhookClientOptions {
  /** The shared dispatcher, normally from `createWebhookDispatcher()`. Not closed by the client. */
  readonly dispatcher: Dispatcher;
  /** Defaults that a URL's `#ct=…` fragment overrides. Default: Twilio's (5 s, 15 s, 15 s, 1 retry on `ct`). */
  readonly defaults?: Partial<ConnectionOverrides>;
  /** Largest document accepted. Default 65536. */
  readonly maxBodyBytes?: number;
  /** Redirects followed by a GET. Default 3. */
  readonly maxRedirects?: number;
  /** Total time of a callback. Default 15000. */
  readonly notifyTimeoutMs?: number;
  /** Default `pivot-esl`. */
  readonly userAgent?: string;
  /** Bytes of a response body kept in the debug record. Default 2048. */
  readonly excerptBytes?: number;
  /** Receives the debug record of every request. */
  readonly onDebug?: DebugSink;
}
