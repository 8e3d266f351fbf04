/**
 * The whole server as operations see it: the outbound Event Socket server with the TwiML engine, the admin HTTP
 * server (metrics, health, readiness), the park-watcher when enabled, and the three things signals do to them:
 * drain, stop at once, reload.
 */
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { AdminServer } from './admin/admin-server.js';
import { createApp } from './app.js';
import {
  createAddressChecker, createRecordingQueue, createWebhookClient, type EndpointResolver, type QueueStore,
  type RecordingDeliveryQueue,
} from './call/index.js';
import { type Config, loadConfig } from './config/index.js';
import { AppError, CallEndedError, toAppError } from './errors.js';
import type { EslServer } from './esl/index.js';
import { createReloadableHandler, type ReloadableHandler } from './lifecycle/reloadable-handler.js';
import { configInForce, restartNeeded } from './lifecycle/running-config.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics/index.js';
import { ParkWatcher, socketTarget } from './park/index.js';
import { createWebhookDispatcher, type LookupFunction } from './webhook/index.js';
import { setMaxListeners } from 'node:events';
import { logCode } from './log-code.js';

export interface ServiceDeps {
  readonly config: Readonly<Config>;
  readonly log: Logger;
  /** The configuration file reloads read (undefined: $PIVOT_CONFIG, else conf/default.json). */
  readonly configFile?: string | undefined;
  /** The environment reloads read (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Webhook dispatcher (default: a new one with the configured deny list). */
  readonly dispatcher?: Dispatcher;
  /** Resolves the host names of customer URLs, for the dispatcher and the media URL check (default: dns.lookup). */
  readonly lookup?: LookupFunction;
  /** The queues of `<Enqueue>` (default: in-process, for this server alone; a shared store serves several). */
  readonly queueStore?: QueueStore;
  /** Where `<User>` and `<Device>` ids ring (default: the configured templates). */
  readonly endpointResolver?: EndpointResolver;
}

/** A running server. */
export class Service {
  readonly server: EslServer;
  readonly metrics: Metrics;
  readonly #deps: ServiceDeps;
  readonly #log: Logger;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #handler: ReloadableHandler;
  readonly #recordings: RecordingDeliveryQueue;
  readonly #admin: AdminServer | undefined;
  /** Aborted once the server has stopped: what calls left behind (status callback retries) gives up. */
  readonly #lifetime = new AbortController();
  #config: Readonly<Config>;
  #watcher: ParkWatcher | undefined;
  #listening = false;
  #draining = false;
  #stopped: Promise<void> | undefined;
  eslAddress: AddressInfo | undefined;
  adminAddress: AddressInfo | undefined;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
    // Every call's status callbacks listen to it (and let go when they end): many at once is normal, not a leak.
    setMaxListeners(Number.POSITIVE_INFINITY, this.#lifetime.signal);
    this.#config = deps.config;
    this.#log = deps.log;
    this.#ownsDispatcher = deps.dispatcher === undefined;
    // One address check for the server: the dispatcher connects through it, the engine checks media URLs with it.
    const addresses = createAddressChecker(deps.config, deps.lookup);
    this.#dispatcher = deps.dispatcher ?? createWebhookDispatcher({ addresses });
    this.#recordings = createRecordingQueue(deps.config, createWebhookClient(deps.config, this.#dispatcher), deps.log);
    const recordings = this.#recordings;
    this.metrics = createMetrics({ recordingsPending: () => recordings.pending });
    this.#handler = createReloadableHandler(deps.config, this.#dispatcher, this.metrics.observer, this.#recordings,
      { addresses, shutdown: this.#lifetime.signal,
        ...(deps.queueStore && { queueStore: deps.queueStore }),
        ...(deps.endpointResolver && { endpointResolver: deps.endpointResolver }) });
    this.server = createApp({ config: deps.config, log: deps.log, handler: this.#handler.handler,
      observer: this.metrics.observer });
    if (deps.config.admin.enabled) {
      this.#admin = new AdminServer(deps.config.admin, this.metrics, () => this.ready, deps.log);
    }
  }

  /**
   * The configuration in force: the last one loaded, with the keys only a restart changes (see RESTART_KEYS) as the
   * server started with them.
   */
  get config(): Readonly<Config> {
    return this.#config;
  }

  /** Listening on the outbound socket and not draining: what /readyz reports. */
  get ready(): boolean {
    return this.#listening && !this.#draining && this.server.accepting;
  }

  /**
   * Starts the recording delivery queue (recordings an earlier run left undelivered are picked up now), the admin
   * server, the outbound socket server, then the park-watcher.
   */
  async start(): Promise<void> {
    try {
      await this.#recordings.start();
    } catch (err) {
      if (err instanceof AppError && err.code === 'ERR_SPOOL_UNUSABLE') throw err;
      throw new AppError('ERR_RECORDING_QUEUE', `cannot open the recording spool ${this.#config.call.record.spoolDir}`,
        { cause: err });
    }
    if (this.#admin) this.adminAddress = await this.#admin.listen();
    this.eslAddress = await this.server.listen();
    this.#listening = true;
    const { park } = this.#config;
    if (park.enabled) {
      const server = this.server;
      this.#watcher = new ParkWatcher(this.#config, socketTarget(this.eslAddress.address, this.eslAddress.port),
        this.#log, { observer: this.metrics.observer, runsCall: (uuid) => server.runs(uuid) });
      const profiles = this.#handler.rooms.profiles;
      this.#watcher.forwardRoomEvents((event) => profiles.roomEvent(event));
      this.#watcher.start();
    }
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
    this.#handler.reload(this.#config);
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
    await Promise.all([this.#watcher?.stop(), this.server.close(drainMs)]);
    // Every call has ended; a status callback still waiting for a retry gives up now rather than outlive the server.
    this.#lifetime.abort(new CallEndedError('ERR_SHUTDOWN'));
    // After the calls: their last recordings are queued by then; undelivered ones stay spooled for the next run.
    await this.#recordings.close();
    await this.#admin?.close();
    if (this.#ownsDispatcher) await this.#dispatcher.close();
    this.#log.info('stopped');
  }
}
