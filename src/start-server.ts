/**
 * Starting the server from a program that embeds it: the same server as `pivot-esl serve`, without the process
 * signals (the program decides when to stop, drain or reload) and with the stores it may plug in.
 */
import type { CallsService } from './api/calls-service.js';
import type { EndpointResolver, QueueStore } from './call/index.js';
import type { Config } from './config/index.js';
import { createLogger, type Logger } from './log.js';
import { Service } from './server/running-server.js';
import type { LookupFunction } from './webhook/index.js';

/** What may be given besides the configuration. */
export interface StartServerOptions {
  /** pino logger the server writes to (default: JSON lines on stdout at `log.level`). */
  readonly log?: Logger;
  /** The queues of `<Enqueue>` (default: in-process, for this server alone). */
  readonly queueStore?: QueueStore;
  /** Where `<User>` and `<Device>` ids ring (default: the configured templates). */
  readonly endpointResolver?: EndpointResolver;
  /** Resolves the host names of customer URLs before they are checked against the deny list (default: dns.lookup). */
  readonly lookup?: LookupFunction;
  /** What the Calls API serves when `api.enabled`. */
  readonly callsService?: CallsService;
  /** The file `reload()` reads (default: $PIVOT_CONFIG, else conf/default.json). */
  readonly configFile?: string;
  /** The environment `reload()` reads (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Starts a server with `config` (from {@link loadConfig}): the recording spool is prepared, then the admin server
 * (when `admin.enabled`), the Calls API server (when `api.enabled`), the outbound Event Socket server and the
 * park-watcher (when `park.enabled`) start. Resolves with the running server (`eslAddress`, `adminAddress`,
 * `apiAddress`, `stop(drainMs)`, `reload()`, `hangUpAll()`).
 * @throws AppError when it cannot start (ERR_SPOOL_UNUSABLE, a port in use...); what had started is stopped.
 */
export async function startServer(config: Readonly<Config>, options: StartServerOptions = {}): Promise<Service> {
  const { log = createLogger(config.log.level), ...rest } = options;
  const service = new Service({ config, log, ...rest });
  try {
    await service.start();
  } catch (err) {
    await service.stop(0);
    throw err;
  }
  return service;
}
