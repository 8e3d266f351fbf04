/**
 * Running the server for real: the configuration from conf/ and the environment, then the service (outbound
 * Event Socket server, admin HTTP server, park-watcher) and the signals:
 *
 * - SIGTERM / SIGINT: drain (stop accepting at once, calls finish for up to `server.drainMs`, the rest are hung
 *   up), flush the logs, exit 0. A second SIGTERM / SIGINT hangs every call up at once (the same signal twice
 *   within REPEATED_SIGNAL_MS counts once).
 * - SIGHUP: reload the configuration file and the environment (log level, `call.*`, `webhook.*`) for the calls
 *   that start from then on; a bad file is logged with its key and the running configuration kept.
 */
import { loadConfig } from '../config/index.js';
import { toAppError } from '../errors.js';
import { createLogger } from '../log.js';
import { Service } from './running-server.js';
import { logCode } from '../log-code.js';

/** What `serve` may be told besides the environment. */
export interface ServeOptions {
  /** Configuration file to load instead of $PIVOT_CONFIG or conf/default.json. */
  readonly configFile?: string;
}

/** After the drain, how long the process may take to exit on its own before it is made to. */
const EXIT_GRACE_MS = 2000;

/**
 * The same signal again within this time is one request delivered twice, not a second one: a terminal's Ctrl-C
 * reaches both `npm start` (which forwards it to the server) and the server itself.
 */
export const REPEATED_SIGNAL_MS = 200;

/**
 * Starts the server with the configuration from conf/ and the environment. A bad configuration exits 1 with a fatal
 * line naming the key; a port that cannot be bound sets exit code 1.
 */
export async function serve(options: ServeOptions = {}): Promise<void> {
  let config;
  try {
    config = loadConfig(options.configFile === undefined ? {} : { file: options.configFile });
  } catch (err) {
    const code = toAppError(err).code;
    process.stderr.write(JSON.stringify({ level: 'fatal', code, msg: err instanceof Error ? err.message : String(err) }) + '\n');
    process.exit(1);
  }
  const log = createLogger(config.log.level);
  const service = new Service({ config, log, configFile: options.configFile });
  let signals = 0;
  let last: { readonly signal: string; readonly at: number } | undefined;
  const stop = (signal: string): void => {
    const now = performance.now();
    if (last?.signal === signal && now - last.at < REPEATED_SIGNAL_MS) {
      log.debug({ signal }, 'the same signal again at once: taken as one');
      return;
    }
    last = { signal, at: now };
    signals++;
    if (signals > 1) {
      logCode(log, 'ERR_SHUTDOWN', { signal, calls: service.server.activeCalls }, 'second signal: hanging up every call now');
      service.hangUpAll();
      return;
    }
    log.info({ signal, drainMs: service.config.server.drainMs, calls: service.server.activeCalls }, 'stopping');
    void service.stop().then(() => {
      log.flush();
      process.exitCode = 0;
      // Anything still holding the event loop (a keep-alive socket of a customer server) must not hold the exit.
      setTimeout(() => process.exit(0), EXIT_GRACE_MS).unref();
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    log.info({ signal: 'SIGHUP' }, 'reloading the configuration');
    service.reload();
  });
  process.on('uncaughtException', (err) => logCode(log, 'ERR_INTERNAL', { err }, 'uncaught exception'));
  process.on('unhandledRejection', (err) => logCode(log, 'ERR_INTERNAL', { err }, 'unhandled rejection'));
  // The handlers are in place before the listening line can reach anyone: a SIGTERM sent as soon as it is seen
  // drains instead of killing.
  try {
    await service.start();
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code;
    log.fatal({ code: toAppError(err).code, err, errno }, 'cannot start');
    log.flush();
    process.exitCode = 1;
    await service.stop(0);
  }
}
