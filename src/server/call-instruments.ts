/**
 * Instruments built around the engine's own parts, so that the engine's code does not change: a webhook client
 * that times its document requests, and a recording store that counts the uploads under way.
 */
import type { DeliveryResult, RecordingCall, RecordingFile, RecordingStore } from '../call/index.js';
import { toAppError } from '../errors.js';
import { type TwimlResponse, WebhookClient, type WebhookClientOptions, type WebhookRequest } from '../webhook/index.js';
import type { Observer } from '../metrics/index.js';

/** A webhook client reporting each document request (status, duration) and each failure's code. */
class ObservedWebhookClient extends WebhookClient {
  readonly #observer: Observer;

  constructor(options: WebhookClientOptions, observer: Observer) {
    super(options);
    this.#observer = observer;
  }

  override async fetchTwiml(req: WebhookRequest, signal: AbortSignal): Promise<TwimlResponse> {
    const started = performance.now();
    try {
      const res = await super.fetchTwiml(req, signal);
      this.#observer.webhookRequest(String(res.status), (performance.now() - started) / 1000);
      return res;
    } catch (err) {
      // A request cancelled because the call ended is no failure of the web server.
      if (!signal.aborted) {
        const error = toAppError(err);
        const status = 'status' in error && typeof error.status === 'number' ? String(error.status) : 'error';
        this.#observer.webhookRequest(status, (performance.now() - started) / 1000);
        this.#observer.fetchError(error.code);
      }
      throw err;
    }
  }
}

/** The engine's webhook client with its document requests observed. */
export function observeWebhook(options: WebhookClientOptions, observer: Observer): WebhookClient {
  return new ObservedWebhookClient(options, observer);
}

/** Wraps a recording store so that the uploads under way are counted. */
export function observeRecordings(store: RecordingStore, observer: Observer): RecordingStore {
  return {
    async deliver(file: RecordingFile, call: RecordingCall): Promise<DeliveryResult> {
      observer.recordingsPending(1);
      try {
        return await store.deliver(file, call);
      } finally {
        observer.recordingsPending(-1);
      }
    },
  };
}
