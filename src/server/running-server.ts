/**
 * The whole server as operations see it: the outbound Event Socket server with the TwiML engine, the admin HTTP
 * server (metrics, health, readiness), the park-watcher when enabled, and the three things signals do to them:
 * drain, stop at once, reload. Its parts are built by the composition root (compose.ts); this class starts them in
 * order and stops them in the reverse one.
 */
import { setMaxListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import type { AdminServer } from '../admin/admin-server.js';
import type { CallsApiServer } from '../api/calls-api-server.js';
import type { CallRegistry } from '../api/call-registry.js';
import type { Origination } from '../api/origination.js';
import type { RedisBus } from '../cluster/redis-bus.js';
import type { RedisConnection } from '../cluster/redis-connection.js';
import type { RedisRemoteReach } from '../cluster/redis-remote-reach.js';
import type { RecordingDeliveryQueue } from '../call/index.js';
import { type Config, loadConfig } from '../config/index.js';
import { configInForce, restartNeeded } from '../config/reload-keys.js';
import { AppError, CallEndedError, toAppError } from '../errors.js';
import type { EslServer } from '../esl/index.js';
import type { Logger } from '../log.js';
import type { Metrics } from './prometheus-metrics.js';
import type { ParkWatcher } from '../park/index.js';
import { composeServer, legSocket, type ReloadableEngine, type ServerDeps, type ServerParts } from './compose.js';
import { logCode } from '../log-code.js';

export interface ServiceDeps extends ServerDeps {
  /** The configuration file reloads read (undefined: $PIVOT_CONFIG, else conf/default.json). */
  readonly configFile?: string | undefined;
  /** The environment reloads read (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

/** A running server. */
export class Service {
  readonly server: EslServer;
  readonly metrics: Metrics;
  readonly #deps: ServiceDeps;
  readonly #log: Logger;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #engine: ReloadableEngine;
  readonly #recordings: RecordingDeliveryQueue;
  readonly #admin: AdminServer | undefined;
  readonly #api: CallsApiServer | undefined;
  /** Placing the calls created through the API (when `api.enabled`). */
  readonly origination: Origination | undefined;
  /** The registry of calls behind the Calls API. */
  readonly registry: CallRegistry;
  readonly #redis: RedisConnection | undefined;
  readonly #bus: RedisBus | undefined;
  /** Legs to and from the other servers of the cluster (`ctx.rooms.reach`), when `cluster.redis.url` is set. */
  readonly reach: RedisRemoteReach | undefined;
  readonly #parkWatcher: ServerParts['parkWatcher'];
  /** Aborted once the server has stopped: what calls left behind (status callback retries) gives up. */
  readonly #lifetime = new AbortController();
  #config: Readonly<Config>;
  #watcher: ParkWatcher | undefined;
  #listening = false;
  #draining = false;
  #stopped: Promise<void> | undefined;
  eslAddress: AddressInfo | undefined;
  adminAddress: AddressInfo | undefined;
  apiAddress: AddressInfo | undefined;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
    // Every call's status callbacks listen to it (and let go when they end): many at once is normal, not a leak.
    setMaxListeners(Number.POSITIVE_INFINITY, this.#lifetime.signal);
    this.#config = deps.config;
    this.#log = deps.log;
    const parts = composeServer(deps, { ready: () => this.ready, shutdown: this.#lifetime.signal, config: () => this.#config });
    this.#dispatcher = parts.dispatcher;
    this.#ownsDispatcher = parts.ownsDispatcher;
    this.#recordings = parts.recordings;
    this.metrics = parts.metrics;
    this.#engine = parts.engine;
    this.server = parts.server;
    this.#admin = parts.admin;
    this.#api = parts.api;
    this.origination = parts.origination;
    this.registry = parts.calls.registry;
    this.#redis = parts.redis;
    this.#bus = parts.bus;
    this.reach = parts.reach;
    this.#parkWatcher = parts.parkWatcher;
  }

  /**
   * The configuration in force: the last one loaded, with the keys only a restart changes (see RESTART_KEYS) as the
   * server started with them.
   */
  get config(): Readonly<Config> {
    return this.#config;
  }

  /**
   * Listening on the outbound socket and not draining: what /readyz reports. Redis being down does not make the
   * server unready: calls still run (what needs shared state falls back), and `pivot_cluster_redis_up` says it.
   */
  get ready(): boolean {
    return this.#listening && !this.#draining && this.server.accepting;
  }

  /**
   * Starts the connection to the cluster's Redis (in the background: the server does not wait for it), the
   * recording delivery queue (recordings an earlier run left undelivered are picked up now), the admin server, the
   * Calls API server, the outbound socket server, then the park-watcher.
   */
  async start(): Promise<void> {
    this.#redis?.start();
    try {
      await this.#recordings.start();
    } catch (err) {
      if (err instanceof AppError && err.code === 'ERR_SPOOL_UNUSABLE') throw err;
      throw new AppError('ERR_RECORDING_QUEUE', `cannot open the recording spool ${this.#config.call.record.spoolDir}`,
        { cause: err });
    }
    if (this.#admin) this.adminAddress = await this.#admin.listen();
    if (this.#api) this.apiAddress = await this.#api.listen();
    this.eslAddress = await this.server.listen();
    this.#listening = true;
    this.reach?.listening(legSocket(this.#config, this.eslAddress));
    this.origination?.start(this.eslAddress);
    this.#watcher = this.#parkWatcher(this.eslAddress);
    this.#watcher?.start();
  }

  /**
   * Drains: stops accepting at once (the listening socket closes, so FreeSWITCH fails over to the next host of its
   * `socket` list), stops taking parked calls, lets calls in progress run for up to `drainMs`, then hangs up the
   * rest with the shutdown cause. Resolves once everything is closed. A second call returns the same promise.
   */
  stop(drainMs = this.#config.server.drainMs): Promise<void> {
    this.#stopped ??= this.#stop(drainMs);
    return this.#stopped;
  }

  /** Hangs up every call now (a second SIGTERM); a drain in progress then finishes at once. */
  hangUpAll(): void {
    this.#draining = true;
    this.server.destroy(new CallEndedError('ERR_SHUTDOWN', undefined, 'the server is stopping now'));
  }

  /**
   * Reloads the configuration file and the environment. What can change at run time (log level, `call.*`,
   * `webhook.*`, but for the keys of RESTART_KEYS) applies to calls that start from now on; the reload line lists
   * under `restartNeeded` the keys whose new value differs from the one the server runs with. A bad file is logged
   * with the key and changes nothing.
   * @returns true when the new configuration is in force.
   */
  reload(): boolean {
    let next: Readonly<Config>;
    try {
      next = loadConfig({ file: this.#deps.configFile, ...(this.#deps.env ? { env: this.#deps.env } : {}) });
    } catch (err) {
      const error = toAppError(err);
      logCode(this.#log, 'ERR_CONFIG_RELOAD', { cause: error.code, err: error.message },
        'configuration reload refused; the running configuration is kept');
      return false;
    }
    const pending = restartNeeded(this.#config, next);
    this.#config = configInForce(this.#config, next);
    this.#engine.reload(this.#config);
    // Said at the level in force before, so that a reload to a quieter level is still reported.
    this.#log.info({ logLevel: next.log.level, ...(pending.length ? { restartNeeded: pending } : {}) },
      'configuration reloaded');
    this.#log.level = next.log.level;
    this.#log.debug('debug logging is on');
    return true;
  }

  async #stop(drainMs: number): Promise<void> {
    this.#draining = true;
    this.#log.info({ drainMs, calls: this.server.activeCalls }, 'draining: no new calls accepted');
    // Created calls still queued or ringing end (failed) at once; answered ones drain with the others.
    // Other servers stop sending legs here at once: the server leaves the cluster's directory.
    await Promise.all([this.#watcher?.stop(), this.server.close(drainMs), this.origination?.stop(), this.reach?.close()]);
    // Every call has ended; a status callback still waiting for a retry gives up now rather than outlive the server.
    this.#lifetime.abort(new CallEndedError('ERR_SHUTDOWN'));
    // After the calls: their last recordings are queued by then; undelivered ones stay spooled for the next run.
    await this.#recordings.close();
    await this.#admin?.close();
    await this.#api?.close();
    // Last of the shared state: the calls' final writes are made; what this server owned ends with its leases.
    await this.#bus?.close();
    await this.#redis?.close();
    if (this.#ownsDispatcher) await this.#dispatcher.close();
    this.#log.info('stopped');
  }
}
