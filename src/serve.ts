/**
 * Running the server for real: the configuration from conf/ and the environment, the shared webhook dispatcher,
 * the outbound Event Socket server with the TwiML engine, and a graceful stop on SIGTERM/SIGINT.
 */
import { createApp } from './app.js';
import { createRecordingQueue, createWebhookClient, webhookDispatcherOptions } from './call/index.js';
import { loadConfig } from './config/index.js';
import { AppError } from './errors.js';
import { createLogger } from './log.js';
import { createWebhookDispatcher } from './webhook/index.js';

/** What `serve` may be told besides the environment. */
export interface ServeOptions {
  /** Configuration file to load instead of $PIVOT_CONFIG or conf/default.json. */
  readonly configFile?: string;
}

/**
 * Starts the server with the configuration from conf/ and the environment; SIGTERM/SIGINT drain and exit 0.
 * A bad configuration exits 1 with a fatal line naming the key; a port that cannot be bound sets exit code 1.
 */
export async function serve(options: ServeOptions = {}): Promise<void> {
  let config;
  try {
    config = loadConfig(options.configFile === undefined ? {} : { file: options.configFile });
  } catch (err) {
    const code = err instanceof AppError ? err.code : 'ERR_INTERNAL';
    process.stderr.write(JSON.stringify({ level: 'fatal', code, msg: err instanceof Error ? err.message : String(err) }) + '\n');
    process.exit(1);
  }
  const log = createLogger(config.log.level);
  const dispatcher = createWebhookDispatcher(webhookDispatcherOptions(config));
  // Recordings left undelivered by an earlier run are picked up now; the worker stops after the calls have.
  const recordings = createRecordingQueue(config, createWebhookClient(config, dispatcher), log);
  try {
    await recordings.start();
  } catch (err) {
    log.fatal({ code: 'ERR_RECORDING_QUEUE', err, spoolDir: config.call.record.spoolDir }, 'cannot open the recording spool');
    log.flush();
    process.exitCode = 1;
    await dispatcher.close();
    return;
  }
  const server = createApp({ config, log, dispatcher, recordings });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, drainMs: config.server.drainMs, calls: server.activeCalls }, 'stopping');
    void server.close(config.server.drainMs).then(() => recordings.close()).then(() => dispatcher.close()).then(() => {
      log.info('stopped');
      log.flush();
      process.exitCode = 0;
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('uncaughtException', (err) => log.error({ code: 'ERR_INTERNAL', err }, 'uncaught exception'));
  process.on('unhandledRejection', (err) => log.error({ code: 'ERR_INTERNAL', err }, 'unhandled rejection'));
  // The handlers are in place before the listening line can reach anyone: a SIGTERM sent as soon as it is seen
  // drains instead of killing.
  try {
    await server.listen();
  } catch (err) {
    log.fatal({ code: 'ERR_INTERNAL', err }, 'cannot listen');
    log.flush();
    process.exitCode = 1;
    await recordings.close();
    await dispatcher.close();
  }
}
