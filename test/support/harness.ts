import type { AddressInfo } from 'node:net';
import { createCallServer } from '../../src/server/compose.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import type { EslChannel } from '../../src/esl/channel.js';
import type { EslServer } from '../../src/esl/outbound-server.js';
import { AppError, type ErrorCode } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';

/** One parsed log line. */
export type LogLine = Record<string, unknown> & { msg?: string; code?: string; level?: string };

/** A pino destination keeping every line in memory so that tests can assert on codes and fields. */
export class LogCapture {
  readonly lines: LogLine[] = [];
  write(line: string): void {
    this.lines.push(JSON.parse(line) as LogLine);
  }
  withCode(code: ErrorCode): LogLine[] {
    return this.lines.filter((l) => l.code === code);
  }
  /** The lines that report a failed request of the call (a document, or a request made after hangup), in order. */
  failedRequests(): LogLine[] {
    return this.lines.filter((l) => l.code !== undefined && typeof l['request'] === 'number');
  }
}

export interface Harness {
  server: EslServer;
  port: number;
  logs: LogCapture;
  config: Readonly<Config>;
  /** Channels handed to the handler, in order. */
  channels: EslChannel[];
  close(): Promise<void>;
}

/** Test-speed timings: a test that needs the defaults overrides them. */
export const FAST_ESL = {
  connectTimeoutMs: 300,
  commandTimeoutMs: 500,
  hangupCompleteTimeoutMs: 200,
  exitTimeoutMs: 200,
  handlerGraceMs: 300,
  lingerSeconds: 10,
};

/** Starts a server on a free loopback port with `handler` and in-memory logs. */
export async function startServer(handler: (channel: EslChannel) => Promise<void>,
  esl: Record<string, unknown> = {}): Promise<Harness> {
  const config = loadConfig({ file: undefined, env: {}, overrides: { esl: { port: 0, ...FAST_ESL, ...esl }, log: { level: 'debug' } } });
  const logs = new LogCapture();
  const log = createLogger(config.log.level, logs);
  const channels: EslChannel[] = [];
  const server = createCallServer({ config, log, handler: async (channel) => { channels.push(channel); await handler(channel); } });
  const address: AddressInfo = await server.listen();
  return { server, port: address.port, logs, config, channels, close: () => server.close(0) };
}

/** Resolves when `check` holds, polling every few ms; rejects after `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs = 2000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * `eventually` for a check that asks something asynchronously (Redis, an HTTP endpoint): polls every 20 ms, one
 * check at a time; rejects after `timeoutMs`.
 */
export async function eventuallyAsync(check: () => Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The catalogue code of an error, or undefined when it is not one of the server's. */
export function codeOf(err: unknown): string | undefined {
  return err instanceof AppError ? err.code : undefined;
}
