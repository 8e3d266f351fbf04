/**
 * The TwiML engine as the Event Socket server's call handler: built once (configuration compiled, one webhook
 * client and recording store shared by every call), it turns each channel into a call context and runs it.
 */
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Config } from '../config/index.js';
import { CallEndedError, toAppError } from '../errors.js';
import type { CallHandler, ChannelData } from '../esl/index.js';
import {
  AddressChecker,
  type CallWebhook,
  type LookupFunction,
  type ParamFormat,
  withDebugSink,
  DEFAULT_DENIED_NETWORKS,
  PRIVATE_NETWORKS,
  WebhookClient,
  type WebhookClientOptions,
  type WebhookDispatcherOptions,
} from '../webhook/index.js';
import { hangupChannel } from './call-actions.js';
import type { CallContext } from './call-context.js';
import { callLogIds, describeCall } from './call-description.js';
import type { EndpointResolver } from './dial/endpoint-resolver.js';
import { AccountLimiter } from './account-limiter.js';
import { resolveCallSource, SourceVariable, type CallSource } from './call-source.js';
import { openDebugLog } from './debug-log.js';
import { authTokenFor, compileSettings, type EngineSettings } from './engine-settings.js';
import { RecordingDeliveryQueue } from './recording/recording-queue.js';
import { HttpPutRecordingStore, type RecordingStore } from './recording/recording-store.js';
import type { Observer } from '../metrics/observer.js';
import { createRoomServices, type RoomServices } from './rooms/room-services.js';
import { runCall } from './run-call.js';
import { CallTimes } from './status/call-times.js';
import { StatusReporter } from './status/status-reporter.js';
import { statusTargetOf } from './status/status-target.js';
import { classifyConnection } from './whisper/leg-connection.js';
import { runWhisperLeg } from './whisper/whisper-leg.js';
import { WhisperRegistry } from './whisper/whisper-registry.js';
import { CallHandle, type LiveCalls } from './live-calls.js';

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
  /** Conference rooms and queues; default: in-process ones for this handler. */
  readonly rooms?: RoomServices;
  /**
   * The counts of calls per account; default: a new one. A server that rebuilds its handler (a reload) passes the
   * same one each time, so that calls in progress stay counted; the handler being built sets its limits.
   */
  readonly limiter?: AccountLimiter;
  /** Where the calls running their script are registered, so that they can be interrupted from outside; default: nowhere. */
  readonly calls?: LiveCalls;
  /** Whispers of dialled legs; default: an in-process registry for this handler (a server that rebuilds its handler passes the same one). */
  readonly whispers?: WhisperRegistry;
  /**
   * The server's address check, the one its webhook dispatcher connects through (see {@link createAddressChecker});
   * the engine asks it about the media URLs FreeSWITCH fetches. Default: one from `config` with the system resolver.
   */
  readonly addresses?: AddressChecker;
  /**
   * Aborts when the server has stopped: status callbacks still waiting to be retried then give up, so that no timer
   * outlives the server. Default: never.
   */
  readonly shutdown?: AbortSignal;
  /** Where `<User>` and `<Device>` ids ring; default: the configured templates (call.dial.userTemplate, deviceTemplate). */
  readonly endpointResolver?: EndpointResolver;
}

/** The options of the shared webhook dispatcher from the configuration. */
export function webhookDispatcherOptions(config: Readonly<Config>): WebhookDispatcherOptions {
  return {
    denyList: [
      ...DEFAULT_DENIED_NETWORKS,
      ...(config.webhook.denyPrivateNetworks ? PRIVATE_NETWORKS : []),
      ...config.webhook.deniedNetworks,
    ],
  };
}

/**
 * The server's one address check of customer URLs, from the configuration (`webhook.denyPrivateNetworks`,
 * `webhook.deniedNetworks`): build it once, hand it to the webhook dispatcher (`addresses`) and to the engine.
 */
export function createAddressChecker(config: Readonly<Config>, lookup?: LookupFunction): AddressChecker {
  return new AddressChecker({ ...webhookDispatcherOptions(config), ...(lookup && { lookup }) });
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
 * The durable recording store of the server (see recording-queue.ts): start it before taking calls and close it
 * after the Event Socket server has closed.
 */
export function createRecordingQueue(config: Readonly<Config>, webhook: CallWebhook, log: Logger): RecordingDeliveryQueue {
  const settings = compileSettings(config);
  const { record } = config.call;
  return new RecordingDeliveryQueue({
    spoolDir: settings.record.spoolDir,
    spoolPermissions: { mode: parseInt(record.spoolMode, 8), group: record.spoolGroup },
    webhook,
    authTokenFor: (accountSid) => authTokenFor(settings, accountSid),
    log: log.child({ component: 'recording-delivery' }),
    uploadTimeoutMs: record.uploadTimeoutMs,
    maxAttempts: record.delivery.maxAttempts,
    initialDelayMs: record.delivery.initialDelayMs,
    maxDelayMs: record.delivery.maxDelayMs,
    concurrency: record.delivery.concurrency,
    callbackTimeoutMs: config.webhook.statusCallbackTimeoutMs,
  });
}

/**
 * Builds the call handler. Per call it takes a slot of the call's account (a call over the account's limit is
 * refused unanswered), reads the script's source from the channel (or configuration), refuses the call unanswered
 * when there is no usable voice URL, and otherwise runs it. Status callbacks follow the call on every path, and
 * the call ends only once they (and its debug log) are done.
 * @example
 * const handler = createCallHandler({ config, webhook: createWebhookClient(config, createWebhookDispatcher()) });
 */
export function createCallHandler(deps: CallEngineDeps): CallHandler {
  const compiled = compileSettings(deps.config, deps.timeScale ?? 1);
  const shared: EngineSettings = deps.endpointResolver
    ? { ...compiled, dial: { ...compiled.dial, resolver: deps.endpointResolver } } : compiled;
  const recordings = deps.recordings ?? new HttpPutRecordingStore(deps.webhook, shared.record.uploadTimeoutMs, shared.authToken);
  const limiter = deps.limiter ?? new AccountLimiter(shared.limits);
  limiter.configure(shared.limits);
  const rooms = deps.rooms ?? createRoomServices();
  const whispers = deps.whispers ?? new WhisperRegistry();
  const addresses = deps.addresses ?? createAddressChecker(deps.config);
  return async (channel) => {
    const connection = classifyConnection(channel.data, whispers);
    if (connection.kind !== 'call') {
      await runWhisperLeg(channel, { settings: shared, webhook: deps.webhook, recordings, rooms, whispers, addresses,
        ...(deps.observer ? { observer: deps.observer } : {}) }, connection);
      return;
    }
    const identity = describeCall(channel.data, shared);
    const authToken = authTokenFor(shared, identity.accountSid);
    const settings: EngineSettings = authToken === shared.authToken ? shared : { ...shared, authToken };
    // The Event Socket layer may have bound the call's ids already (see app.ts); bind them only once.
    const log = 'callSid' in channel.log.bindings() ? channel.log
      : channel.log.child(callLogIds(identity.callSid, identity.accountSid));
    const debugLog = openDebugLog(channel.data, settings, identity.callSid, log);
    const webhook: CallWebhook = debugLog ? withDebugSink(deps.webhook, (record) => debugLog.write(record)) : deps.webhook;
    const callbacks: Promise<unknown>[] = [];
    const target = statusTargetOf(channel.data, settings, log);
    const status = target && new StatusReporter({
      target, webhook, identity, authToken, log,
      format: formatOf(channel.data, settings),
      settings: settings.statusCallback,
      track: (sent) => callbacks.push(sent),
      ...(deps.shutdown && { shutdown: deps.shutdown }),
    });
    status?.started(channel.answered);
    const stopWatchingAnswer = status ? channel.on('answer', () => status.answered()) : undefined;
    const times = status && new CallTimes(channel, settings.timeScale);
    const release = limiter.acquire(identity.accountSid);
    let ctx: CallContext | undefined;
    try {
      if (!release) {
        log.warn({ code: 'ERR_CALL_ACCOUNT_LIMIT', limit: limiter.limitOf(identity.accountSid),
          cause: settings.limits.rejectCause }, 'call refused unanswered: the account is at its limit of calls');
        await hangupChannel(channel, log, settings.limits.rejectCause);
        return;
      }
      let source: CallSource;
      try {
        source = resolveCallSource(channel.data, settings, log);
      } catch (err) {
        const error = toAppError(err);
        log.error({ code: error.code, err: error.message, cause: settings.rejectCause }, 'call refused unanswered');
        await hangupChannel(channel, log, settings.rejectCause);
        return;
      }
      ctx = {
        channel, log, settings, webhook, recordings, source, identity, rooms, whispers, addresses,
        signal: channel.signal,
        ...(deps.observer ? { observer: deps.observer } : {}),
        state: {
          document: source.voiceUrl,
          answered: channel.answered,
          requests: 0,
          recordings: 0,
          terminators: undefined,
          variables: new Map(),
          fallbackUsed: false,
          callbacks,
          failed: false,
          hangupRequested: undefined,
        },
      };
      const handle = new CallHandle(identity.callSid);
      const unregister = deps.calls?.add(handle);
      try {
        await runCall(ctx, handle);
      } finally {
        unregister?.();
      }
    } finally {
      release?.();
      stopWatchingAnswer?.();
      times?.dispose();
      status?.completed({
        answered: ctx ? ctx.state.answered || channel.answered : channel.answered,
        failed: ctx ? ctx.state.failed : true,
        requestedCause: ctx?.state.hangupRequested,
        endReason: channel.signal.reason instanceof CallEndedError ? channel.signal.reason : undefined,
      }, times?.seconds() ?? 0);
      // Callbacks may start others while they finish (a recording's status): wait until none is left.
      for (let settled = 0; settled < callbacks.length;) {
        const batch = callbacks.length;
        await Promise.allSettled(callbacks.slice(settled, batch));
        settled = batch;
      }
      await debugLog?.flush();
    }
  };
}

/** Request parameter naming of a call, as its source would read it (also for calls refused before the source). */
function formatOf(data: ChannelData, settings: EngineSettings): ParamFormat {
  const raw = data.variable(SourceVariable.ReqFormat)?.trim().toLowerCase();
  if (raw === 'kazoo') return 'kazoo';
  if (raw === 'twiml') return 'twilio';
  return settings.defaults.reqFormat === 'kazoo' ? 'kazoo' : 'twilio';
}
