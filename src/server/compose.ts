/**
 * The composition root: the one place where the server's parts are built from the configuration and wired
 * together. Every layer below takes its parts as arguments; only this file decides which ones: the webhook
 * dispatcher and its address check, the recording delivery queue, the Prometheus metrics and the observed parts
 * that feed them, the TwiML engine (rebuilt on reload), the Event Socket server's options, the admin server, the
 * Calls API server and the park-watcher. `RunningServer` (running-server.ts) starts and stops what this builds; the simulator, the demo,
 * the tests and the benchmarks build their servers here too.
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { AdminServer } from '../admin/admin-server.js';
import { apiTokenLookup } from '../api/basic-auth.js';
import { CallsApiServer } from '../api/calls-api-server.js';
import { type CallRegistry, MemoryCallRegistry } from '../api/call-registry.js';
import { BusCallUpdates } from '../cluster/bus-call-updates.js';
import { RedisAccountLimiter } from '../cluster/redis-account-limiter.js';
import { RedisCallRegistry } from '../cluster/redis-call-registry.js';
import { RedisRoomDirectory } from '../cluster/redis-room-directory.js';
import { RedisBus } from '../cluster/redis-bus.js';
import { RedisConnection } from '../cluster/redis-connection.js';
import { RedisQueueStore } from '../cluster/redis-queue-store.js';
import { QUEUE_LEG, queueLegHandler } from '../call/rooms/queue-leg.js';
import { type LegSettings, RedisRemoteReach } from '../cluster/redis-remote-reach.js';
import type { CallsService } from '../api/calls-service.js';
import type { CallPlacer, PendingCalls } from '../api/created-calls.js';
import { type CallUpdateForwarder, LocalCallsService } from '../api/local-calls-service.js';
import { Origination } from '../api/origination.js';
import { registryObserver } from '../api/registry-observer.js';
import {
  AccountLimiter, authTokenFor, type CallLifecycleObserver, type CallLimiter, compileSettings, createCallHandler,
  CreatedCalls, createRoomServices, type EndpointResolver, type EngineSettings, handleConferenceLegs,
  type LegArrivals, LiveCalls, type QueueStore, RecordingDeliveryQueue, type RecordingStore, type RemoteReach,
  type RoomDirectory, type RoomServices, type VerbRegistry, WhisperRegistry,
} from '../call/index.js';
import { ACCOUNT_ID_VARIABLE, callLogIds } from '../call/call-description.js';
import type { Config } from '../config/index.js';
import { AppError } from '../errors.js';
import { type CallHandler, type ChannelData, type EslChannel, EslServer, type EslServerOptions } from '../esl/index.js';
import type { Observer } from '../metrics/index.js';
import { ParkWatcher, socketTarget } from '../park/index.js';
import {
  type AddressChecker, type CallWebhook, createAddressChecker, createWebhookClient, createWebhookDispatcher,
  type LookupFunction, webhookClientOptions, type WebhookClient,
} from '../webhook/index.js';
import { observeRecordings, observeWebhook } from './call-instruments.js';
import { createMetrics, type Metrics } from './prometheus-metrics.js';

/** What a server is built from besides its configuration: the stores and resolvers a program may plug in. */
export interface ServerDeps {
  readonly config: Readonly<Config>;
  readonly log: Logger;
  /** Webhook dispatcher (default: a new one with the configured deny list, closed when the server stops). */
  readonly dispatcher?: Dispatcher;
  /** Resolves the host names of customer URLs, for the dispatcher and the media URL check (default: dns.lookup). */
  readonly lookup?: LookupFunction;
  /**
   * The queues of `<Enqueue>` (default: shared through Redis with `cluster.redis.url`, else in-process, for this
   * server alone).
   */
  readonly queueStore?: QueueStore;
  /** Where `<User>` and `<Device>` ids ring (default: the configured templates). */
  readonly endpointResolver?: EndpointResolver;
  /**
   * What the Calls API serves when `api.enabled`: the service that creates, finds and controls calls. Default: this
   * server's own (local-calls-service.ts) over its registry of calls and its live calls.
   */
  readonly callsService?: CallsService;
  /**
   * Builds what places the calls the default service creates and cancels them until they answer (origination),
   * over the server's calls; absent: the default service refuses to create calls.
   */
  readonly callPlacer?: (calls: CallsOfServer) => CallPlacer & PendingCalls;
  /** The handler of each verb (default: the built-in ones), for a caller that wraps one to drive a feature from a document. */
  readonly verbs?: VerbRegistry;
}

/** The calls a server knows: those that run their script (interruptible) and the registry of recent ones. */
export interface CallsOfServer {
  readonly live: LiveCalls;
  readonly registry: CallRegistry;
}

/** The parts of a whole server, built and not started. */
export interface ServerParts {
  readonly dispatcher: Dispatcher;
  /** True when the dispatcher was built here (and so is closed by the server). */
  readonly ownsDispatcher: boolean;
  /** The durable recording store: started before calls are taken, closed after the last one. */
  readonly recordings: RecordingDeliveryQueue;
  readonly metrics: Metrics;
  readonly engine: ReloadableEngine;
  readonly server: EslServer;
  /** The admin HTTP server when `admin.enabled`. */
  readonly admin: AdminServer | undefined;
  /** The Calls API HTTP server when `api.enabled`. */
  readonly api: CallsApiServer | undefined;
  /** Every call the engine runs is registered in both, whether the Calls API is enabled or not. */
  readonly calls: CallsOfServer;
  /**
   * The Redis connection the shared stores use when `cluster.redis.url` is set (started with the server, closed
   * after its last call); undefined: every store is this server's own.
   */
  readonly redis: RedisConnection | undefined;
  /** Messages between the servers of the cluster, over `redis` (undefined without it); closed before it. */
  readonly bus: RedisBus | undefined;
  /**
   * Starts answering the updates of this server's calls that other servers of the cluster forward (undefined
   * without a cluster); returns what stops it. Started with the connection, stopped before the bus closes.
   */
  readonly serveCallUpdates: (() => () => Promise<void>) | undefined;
  /**
   * Legs to and from the other servers of the cluster (`ctx.rooms.reach`, undefined without `redis`): told where the
   * outbound socket listens once it does, closed when the server stops.
   */
  readonly reach: RedisRemoteReach | undefined;
  /** Placing the calls created through the API, when `api.enabled`: started once the outbound socket listens. */
  readonly origination: Origination | undefined;
  /** The park-watcher when `park.enabled`, once the outbound socket listens at `address`. */
  readonly parkWatcher: (address: AddressInfo) => ParkWatcher | undefined;
}

/**
 * Builds a whole server: one address check shared by the dispatcher and the engine's media URL check, the
 * recording queue, the metrics, the engine, the Event Socket server, and the admin server (answering `ready()` on
 * /readyz), and the Calls API server (whose auth tokens are read from `config()`, the configuration in force).
 * `shutdown` aborts once the server has stopped: status callbacks still waiting for a retry give up.
 */
export function composeServer(deps: ServerDeps, lifetime: { readonly ready: () => boolean; readonly shutdown: AbortSignal;
  readonly config?: () => Readonly<Config> }): ServerParts {
  const { config, log } = deps;
  const addresses = createAddressChecker(config, deps.lookup);
  const dispatcher = deps.dispatcher ?? createWebhookDispatcher({ addresses });
  const recordings = createRecordingQueue(config, createWebhookClient(config, dispatcher), log);
  const redis = config.cluster.redis.url ? new RedisConnection(config.cluster.redis, log) : undefined;
  const bus = redis && new RedisBus(redis, log);
  const reach = redis && new RedisRemoteReach(redis, legSettings(config), log);
  const metrics = createMetrics({ recordingsPending: () => recordings.pending, ...(redis && { redisUp: () => redis.up }) });
  const registry = redis ? new RedisCallRegistry(redis, config.api.history) : new MemoryCallRegistry(config.api.history);
  const calls: CallsOfServer = { live: new LiveCalls(), registry };
  const created = new CreatedCalls();
  // The queues of <Enqueue>: the program's own, else shared through Redis in a cluster, else this server's.
  const queueStore = deps.queueStore ?? (redis && bus && new RedisQueueStore(redis, bus, log));
  // A taker on another node meets this server's waiting callers over a leg.
  if (reach && queueStore instanceof RedisQueueStore) reach.handle(QUEUE_LEG, queueLegHandler(queueStore));
  const engine = createReloadableEngine(config, dispatcher, metrics.observer, recordings, {
    addresses, shutdown: lifetime.shutdown, calls: calls.live, lifecycle: registryObserver(calls.registry, log), created,
    ...(redis && { limiter: new RedisAccountLimiter(redis, NO_LIMITS), roomDirectory: new RedisRoomDirectory(redis) }),
    ...(reach && { reach, legs: reach }),
    ...(queueStore && { queueStore }),
    ...(deps.endpointResolver && { endpointResolver: deps.endpointResolver }),
    ...(deps.verbs && { verbs: deps.verbs }),
  });
  const server = createCallServer({ config, log, handler: engine.handler, observer: metrics.observer });
  const admin = config.admin.enabled ? new AdminServer(config.admin, metrics, lifetime.ready, log) : undefined;
  const origination = config.api.enabled && !deps.callPlacer ? new Origination({ config, log,
    settings: engine.settings, webhook: engine.webhook, limiter: engine.limiter, created, registry: calls.registry,
    shutdown: lifetime.shutdown }) : undefined;
  const forwarder = redis && bus && new BusCallUpdates(redis, bus, config.cluster.forwardTimeoutMs, log);
  const ownService = config.api.enabled && !deps.callsService;
  // In a cluster every server answers the updates of its calls that other servers forward, its API on or not.
  const local = ownService || forwarder
    ? localCallsService(deps, calls, ownService ? deps.callPlacer?.(calls) ?? origination?.creator : undefined, forwarder)
    : undefined;
  const service = config.api.enabled ? deps.callsService ?? local : undefined;
  const api = service && createCallsApi(deps, service, lifetime.config ?? (() => config));
  return {
    dispatcher, ownsDispatcher: deps.dispatcher === undefined, recordings, metrics, engine, server, admin, api, calls,
    origination, redis, bus, reach,
    serveCallUpdates: forwarder && local
      && (() => forwarder.serve((account, sid, request) => local.updateHere(account, sid, request))),
    parkWatcher: (address) => {
      if (!config.park.enabled) return undefined;
      const watcher = new ParkWatcher(config, socketTarget(address.address, address.port), log,
        { observer: metrics.observer, runsCall: (uuid) => server.runs(uuid) });
      const profiles = engine.rooms.profiles;
      watcher.forwardRoomEvents((event) => profiles.roomEvent(event));
      return watcher;
    },
  };
}

/** `cluster.legs` and `cluster.nodes`. */
function legSettings(config: Readonly<Config>): LegSettings {
  const { legs, nodes } = config.cluster;
  return { nodes, sipProfile: legs.sipProfile, context: legs.context, answerTimeoutSeconds: legs.answerTimeoutSeconds,
    jobTtlMs: legs.jobTtlMs };
}

/** The socket legs for this server are handed to: `cluster.legs.socket`, else where the outbound socket listens. */
export function legSocket(config: Readonly<Config>, address: AddressInfo): string {
  return config.cluster.legs.socket || socketTarget(address.address, address.port);
}

/** Limits before the engine sets the configured ones. */
const NO_LIMITS = { maxCallsPerAccount: 0, accounts: new Map<string, number>() };

/**
 * This server's own calls service over its registry and live calls; created calls are placed by `placer` (absent:
 * none), updates of calls other servers run go through `forwarder` (absent: no cluster).
 */
function localCallsService(deps: ServerDeps, calls: CallsOfServer, placer: (CallPlacer & PendingCalls) | undefined,
  forwarder: CallUpdateForwarder | undefined): LocalCallsService {
  return new LocalCallsService({ registry: calls.registry, calls: calls.live, log: deps.log,
    ...(forwarder && { forwarder }), ...(placer && { placer, pending: placer }) });
}

/** The Calls API server over `service`; its tokens are those of the configuration `config()` gives. */
function createCallsApi(deps: ServerDeps, service: CallsService, config: () => Readonly<Config>): CallsApiServer {
  const { api } = deps.config;
  return new CallsApiServer({ host: api.host, port: api.port, maxBodyBytes: api.maxBodyBytes },
    { service, tokenFor: (accountSid) => apiTokenLookup(config().webhook)(accountSid), log: deps.log });
}

/** What an outbound Event Socket server that runs calls is built from. */
export interface CallServerDeps {
  readonly config: Readonly<Config>;
  readonly log: Logger;
  /**
   * What runs each call. Default: the TwiML engine with `webhook` (or a client over `dispatcher`); with none of
   * the three, calls are refused.
   */
  readonly handler?: CallHandler;
  /** The webhook client of the default engine. */
  readonly webhook?: WebhookClient;
  /** The shared webhook dispatcher (from `createWebhookDispatcher`) the default engine sends its requests through. */
  readonly dispatcher?: Dispatcher;
  /** Where the default engine delivers recordings (default: one HTTP PUT each). */
  readonly recordings?: RecordingStore;
  /** Scale of the default engine's own timers; 1 unless FreeSWITCH time is simulated faster. */
  readonly timeScale?: number;
  /** Where the Event Socket layer reports calls and round trips (metrics). */
  readonly observer?: Observer;
}

/** The outbound Event Socket server with its options from the configuration and the call handler. */
export function createCallServer(deps: CallServerDeps): EslServer {
  const webhook = deps.webhook ?? (deps.dispatcher && createWebhookClient(deps.config, deps.dispatcher));
  const handler = deps.handler ?? (webhook && createCallHandler({
    config: deps.config, webhook,
    ...(deps.recordings && { recordings: deps.recordings }),
    ...(deps.timeScale !== undefined && { timeScale: deps.timeScale }),
  }));
  const options: EslServerOptions = { ...eslServerOptions(deps.config), logBindings: callLogBindings(deps.config),
    ...(deps.observer && { observer: deps.observer }) };
  return new EslServer(options, deps.log, handler ?? refuseCall);
}

/** The TwiML engine behind one indirection: what the server runs for each call, rebuilt on reload. */
export interface ReloadableEngine {
  /** What the server runs for each call: the engine built from the configuration in force when the call came in. */
  readonly handler: CallHandler;
  /** The settings of the engine in force. */
  readonly settings: () => EngineSettings;
  /** The webhook client of the engine in force. */
  readonly webhook: () => CallWebhook;
  /** The counts of calls per account every engine shares. */
  readonly limiter: CallLimiter;
  /** Rebuilds the engine from `config`; calls in progress keep the settings they started with. */
  reload(config: Readonly<Config>): void;
  /** The conference rooms and queues every engine shares. */
  readonly rooms: RoomServices;
}

/**
 * What lives as long as the server, not a configuration: its address check of customer URLs (built once, with the
 * dispatcher; a reload does not change the deny list), the signal of its shutdown, and the stores a program
 * embedding the server may give it in place of the built-in ones.
 */
export interface ServerLifetime {
  readonly addresses?: AddressChecker;
  readonly shutdown?: AbortSignal;
  /** The queues of `<Enqueue>` (default: in-process, for this server alone). */
  readonly queueStore?: QueueStore;
  /** Where `<User>` and `<Device>` ids ring (default: the configured templates). */
  readonly endpointResolver?: EndpointResolver;
  /** Where every call is registered while its script runs, to be interrupted (default: the engine's own). */
  readonly calls?: LiveCalls;
  /** Told of each call's start, answer and end (default: nobody). */
  readonly lifecycle?: CallLifecycleObserver;
  /** Calls created through the API, run as they were created when their channel arrives. */
  readonly created?: CreatedCalls;
  /** Rooms and calls of the other servers of the cluster (`ctx.rooms.reach`); absent on a server of its own. */
  readonly reach?: RemoteReach;
  /** Legs from other servers of the cluster, recognised among the channels that arrive; absent: none. */
  readonly legs?: LegArrivals;
  /** The handler of each verb (default: the built-in ones). */
  readonly verbs?: VerbRegistry;
  /** What counts the calls of each account (default: this server's own count); the engine sets its limits. */
  readonly limiter?: CallLimiter;
  /** Which server of the cluster holds each `<Conference>` room (with `reach`); absent on a server of its own. */
  readonly roomDirectory?: RoomDirectory;
}

/**
 * The TwiML engine, rebuilt on reload so that SIGHUP can change what the `call.*` and `webhook.*` keys set (voice
 * routes, TTS voices, time limits, the signing token...) without touching a call in progress. What outlives a
 * reload is built once: the recording store (`recordings`, the server's delivery queue), the conference rooms and
 * queues, the whispers of legs being dialled, the per-account call counts, and `lifetime`. The webhook client and
 * the recording store report to `observer`.
 */
export function createReloadableEngine(config: Readonly<Config>, dispatcher: Dispatcher, observer: Observer,
  recordings: RecordingStore, lifetime: ServerLifetime = {}): ReloadableEngine {
  const { queueStore, endpointResolver, limiter = new AccountLimiter(NO_LIMITS), reach, roomDirectory, ...shared } = lifetime;
  const rooms = createRoomServices(queueStore, { ...(reach && { reach }), ...(roomDirectory && { directory: roomDirectory }) });
  // Members of other servers' calls reach this server's conference rooms through their legs.
  if (rooms.reach) handleConferenceLegs(rooms.reach);
  const whispers = new WhisperRegistry();
  const store = observeRecordings(recordings, observer);
  const build = (c: Readonly<Config>): { handler: CallHandler; webhook: CallWebhook; settings: EngineSettings } => {
    const webhook = observeWebhook(webhookClientOptions(c, dispatcher), observer);
    const handler = createCallHandler({ config: c, webhook, recordings: store, observer, rooms, limiter, whispers,
      ...shared, ...(endpointResolver && { endpointResolver }) });
    return { handler, webhook, settings: compileSettings(c) };
  };
  let current = build(config);
  return {
    handler: (channel) => current.handler(channel),
    reload: (next) => { current = build(next); },
    settings: () => current.settings,
    webhook: () => current.webhook,
    limiter,
    rooms,
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

/** The Event Socket server's options from the configuration. */
export function eslServerOptions(config: Readonly<Config>): EslServerOptions {
  const { esl } = config;
  return {
    host: esl.host,
    port: esl.port,
    allowedSources: esl.allowedSources,
    lingerSeconds: esl.lingerSeconds,
    connectTimeoutMs: esl.connectTimeoutMs,
    commandTimeoutMs: esl.commandTimeoutMs,
    completeGraceMs: esl.completeGraceMs,
    hangupCompleteTimeoutMs: esl.hangupCompleteTimeoutMs,
    exitTimeoutMs: esl.exitTimeoutMs,
    handlerGraceMs: esl.handlerGraceMs,
    shutdownHangupCause: esl.shutdownHangupCause,
    frameLimits: { maxHeaderBytes: esl.maxHeaderBytes, maxBodyBytes: esl.maxBodyBytes },
  };
}

/**
 * The ids every log line of a call carries besides its uuid: CallSid (the uuid, as on every request) and
 * AccountSid (Kazoo's account id, else the configured one; none when neither is set), so that a call's lines can be
 * found by either.
 */
function callLogBindings(config: Readonly<Config>): (data: ChannelData) => Record<string, string> {
  return (data) => callLogIds(data.uuid, data.variable(ACCOUNT_ID_VARIABLE) || config.call.accountSid);
}

/** Without a call script runner the call cannot be served: say so, and let the server hang it up. */
async function refuseCall(channel: EslChannel): Promise<void> {
  const err = new AppError('ERR_NO_CALL_HANDLER');
  channel.log.error({ code: err.code }, err.message);
}
