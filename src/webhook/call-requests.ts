/**
 * The requests of one call, in one place: every document fetch, callback and upload a call makes goes through its
 * {@link CallRequests}, which is built once per call (and once per whisper leg) and owns
 * - the call's auth token (its account's own, else the default), so no request is signed another way;
 * - its request format (Twilio or Kazoo names) and the AccountSid rule: a call without an account leaves the
 *   account parameter out of every request rather than sending it empty;
 * - the one Timestamp format of callbacks (Twilio's RFC 2822 with `+0000`, see params.ts), from its clock;
 * - the call's debug sink (its debug log sees every request of the call);
 * - the callbacks under way, which the call waits for before it ends.
 * The parameter lists themselves are built in params.ts.
 */
import type { ErrorCode } from '../errors.js';
import { logCode, type CodedFields } from '../log-code.js';
import type { Logger } from '../log.js';
import { withDebugSink, type CallWebhook } from './call-webhook.js';
import type { NotifyOptions, NotifyOutcome, PutRequest, PutResult, TwimlResponse, WebhookMethod } from './client-types.js';
import type { DebugSink } from './debug-record.js';
import { redactUrl } from './debug-record.js';
import {
  buildCallParams, withKnownAccount, type CallDescription, type ParamFormat, type Params, type RequestExtras,
} from './params.js';

/** What a call's requests are built from. */
export interface CallRequestsOptions {
  /** The shared client. */
  readonly client: CallWebhook;
  /** The token the call's requests are signed with (undefined: unsigned). */
  readonly authToken: string | undefined;
  readonly format: ParamFormat;
  /** The call's account ('' when it has none: the account parameter is then left out). */
  readonly accountSid: string;
  /** The call's logger, bound to its ids: failed callbacks are logged on it. */
  readonly log: Logger;
  /** Receives the debug record of every request of the call (its debug log). */
  readonly debug?: DebugSink;
  /** The clock of the callbacks' Timestamp; default: the system's. */
  readonly now?: () => Date;
}

/** A request of the call: where, how, with which parameters (signing is the call's). */
export interface CallRequest {
  readonly url: URL;
  readonly method: WebhookMethod;
  readonly params: Params;
}

/** How a failed callback is logged. */
export interface CallbackFailure {
  /**
   * The code of the line, with the request's own code as its `cause`; absent: the line carries the request's own
   * code (ERR_WEBHOOK_*, ERR_WEBHOOK_HTTP_STATUS when it has none).
   */
  readonly code?: ErrorCode;
  /** Fields besides `status`, `url` (redacted) and `cause`. */
  readonly fields?: CodedFields;
  readonly msg: string;
}

/** One call's webhook requests. */
export class CallRequests {
  readonly format: ParamFormat;
  readonly accountSid: string;
  readonly #client: CallWebhook;
  readonly #authToken: string | undefined;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #callbacks: Promise<unknown>[] = [];

  constructor(options: CallRequestsOptions) {
    this.format = options.format;
    this.accountSid = options.accountSid;
    this.#client = options.debug ? withDebugSink(options.client, options.debug) : options.client;
    this.#authToken = options.authToken;
    this.#log = options.log;
    this.#now = options.now ?? (() => new Date());
  }

  /** The time a callback is stamped with (params.ts writes it in the one Timestamp format). */
  now(): Date {
    return this.#now();
  }

  /** The parameters of a request about `call`, in the call's naming, with `extras` (see {@link buildCallParams}). */
  callParams(call: CallDescription, extras: RequestExtras = {}): Params {
    return buildCallParams(call, extras, this.format);
  }

  /** Fetches a document of the call. */
  fetchDocument(req: CallRequest, signal: AbortSignal): Promise<TwimlResponse> {
    return this.#client.fetchTwiml(this.#signed(req), signal);
  }

  /** Sends a request whose outcome the caller reads (it never throws); not tracked. */
  notify(req: CallRequest, options?: NotifyOptions): Promise<NotifyOutcome> {
    return this.#client.notify(this.#signed(req), options);
  }

  /**
   * Sends a callback off the call's path: a failure is logged as `failure` says, and the call waits for it before
   * it ends.
   */
  sendCallback(req: CallRequest, failure: CallbackFailure, options?: NotifyOptions): void {
    this.track(this.notify(req, options).then((outcome) => {
      if (outcome.ok) return;
      const fields = { status: outcome.status, url: redactUrl(req.url), ...failure.fields };
      if (failure.code) logCode(this.#log, failure.code, { cause: outcome.error?.code, ...fields }, failure.msg);
      else logCode(this.#log, outcome.error?.code ?? 'ERR_WEBHOOK_HTTP_STATUS', fields, failure.msg);
    }));
  }

  /** Uploads with HTTP PUT, signed as the call's requests are. */
  put(req: Omit<PutRequest, 'authToken' | 'onDebug'>, signal: AbortSignal): Promise<PutResult> {
    return this.#client.put(this.#authToken === undefined ? req : { ...req, authToken: this.#authToken }, signal);
  }

  /** Adds work the call waits for before it ends (a callback sent another way, e.g. with retries). */
  track(sent: Promise<unknown>): void {
    this.#callbacks.push(sent);
  }

  /** Resolves once every tracked callback has settled, those tracked while others finished included. */
  async settled(): Promise<void> {
    const callbacks = this.#callbacks;
    for (let done = 0; done < callbacks.length;) {
      const batch = callbacks.length;
      await Promise.allSettled(callbacks.slice(done, batch));
      done = batch;
    }
  }

  #signed(req: CallRequest): CallRequest & { readonly authToken?: string } {
    const params = withKnownAccount(req.params, this.accountSid);
    return { url: req.url, method: req.method, params, ...(this.#authToken === undefined ? {} : { authToken: this.#authToken }) };
  }
}
