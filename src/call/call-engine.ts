/**
 * The TwiML engine as the Event Socket server's call handler: built once (configuration compiled, one webhook
 * client and recording store shared by every call), it turns each channel into a call context and runs it.
 */
import type { Dispatcher } from 'undici';
import type { Config } from '../config/index.js';
import { toAppError } from '../errors.js';
import type { CallHandler } from '../esl/index.js';
import {
  DEFAULT_DENIED_NETWORKS,
  PRIVATE_NETWORKS,
  WebhookClient,
  type WebhookClientOptions,
  type WebhookDispatcherOptions,
} from '../webhook/index.js';
import { hangupChannel } from './call-actions.js';
import type { CallContext } from './call-context.js';
import { describeCall } from './call-description.js';
import { resolveCallSource, type CallSource } from './call-source.js';
import { compileSettings } from './engine-settings.js';
import { HttpPutRecordingStore, type RecordingStore } from './recording/recording-store.js';
import type { Observer } from '../metrics/observer.js';
import { createRoomServices, type RoomServices } from './rooms/room-services.js';
import { runCall } from './run-call.js';
import { isWhisperLeg, runWhisperLeg } from './whisper/whisper-leg.js';
import { WhisperRegistry } from './whisper/whisper-registry.js';

/** What the engine is built from. */
export interface CallEngineDeps {
  readonly config: Readonly<Config>;
  /** The webhook client shared by every call (see {@link createWebhookClient}). */
  readonly webhook: WebhookClient;
  /** Where recordings go; default: HTTP PUT through `webhook`. */
  readonly recordings?: RecordingStore;
  /** Scale of the engine's own timers (Gather timeouts); 1 unless FreeSWITCH time is simulated faster. */
  readonly timeScale?: number;
  /** Where verb timings are reported (metrics). */
  readonly observer?: Observer;
  /** Conference rooms and queues; default: in-process ones for this server. */
  readonly rooms?: RoomServices;
  /** Whispers of dialled legs; default: an in-process registry for this server. */
  readonly whispers?: WhisperRegistry;
}

/** The options of the shared webhook dispatcher from the configuration. */
export function webhookDispatcherOptions(config: Readonly<Config>): WebhookDispatcherOptions {
  return {
    denyList: config.webhook.denyPrivateNetworks ? [...DEFAULT_DENIED_NETWORKS, ...PRIVATE_NETWORKS] : DEFAULT_DENIED_NETWORKS,
  };
}

/** The webhook client of the engine, over the shared dispatcher, with the configured timeouts. */
export function createWebhookClient(config: Readonly<Config>, dispatcher: Dispatcher): WebhookClient {
  return new WebhookClient(webhookClientOptions(config, dispatcher));
}

/** The options of the engine's webhook client, from the configuration (also for clients that extend it). */
export function webhookClientOptions(config: Readonly<Config>, dispatcher: Dispatcher): WebhookClientOptions {
  const { webhook } = config;
  return {
    dispatcher,
    defaults: {
      connectTimeoutMs: webhook.connectTimeoutMs,
      readTimeoutMs: webhook.timeoutMs,
      totalTimeoutMs: webhook.timeoutMs,
      retryCount: webhook.retryCount,
    },
  };
}

/**
 * Builds the call handler. Per call it reads the script's source from the channel (or configuration), refuses
 * the call unanswered when there is no usable voice URL, and otherwise runs it.
 * @example
 * const handler = createCallHandler({ config, webhook: createWebhookClient(config, createWebhookDispatcher()) });
 */
export function createCallHandler(deps: CallEngineDeps): CallHandler {
  const settings = compileSettings(deps.config, deps.timeScale ?? 1);
  const webhook = deps.webhook;
  const recordings = deps.recordings ?? new HttpPutRecordingStore(webhook, settings.record.uploadTimeoutMs, settings.authToken);
  const rooms = deps.rooms ?? createRoomServices();
  const whispers = deps.whispers ?? new WhisperRegistry();
  return async (channel) => {
    if (isWhisperLeg(channel.data)) {
      await runWhisperLeg(channel, { settings, webhook, recordings, rooms, whispers,
        ...(deps.observer ? { observer: deps.observer } : {}) });
      return;
    }
    let source: CallSource;
    try {
      source = resolveCallSource(channel.data, settings, channel.log);
    } catch (err) {
      const error = toAppError(err);
      channel.log.error({ code: error.code, err: error.message, cause: settings.rejectCause }, 'call refused unanswered');
      await hangupChannel(channel, channel.log, settings.rejectCause);
      return;
    }
    const identity = describeCall(channel.data, settings);
    const ctx: CallContext = {
      channel,
      // The Event Socket layer may have bound the call's ids already (see app.ts); bind them only once.
      log: 'callSid' in channel.log.bindings() ? channel.log
        : channel.log.child({ callSid: identity.callSid, accountSid: identity.accountSid }),
      signal: channel.signal,
      settings,
      webhook,
      recordings,
      source,
      identity,
      ...(deps.observer ? { observer: deps.observer } : {}),
      rooms,
      whispers,
      state: {
        document: source.voiceUrl,
        answered: channel.answered,
        requests: 0,
        recordings: 0,
        terminators: undefined,
        variables: new Map(),
        fallbackUsed: false,
        callbacks: [],
      },
    };
    try {
      await runCall(ctx);
    } finally {
      await Promise.allSettled(ctx.state.callbacks);
    }
  };
}
