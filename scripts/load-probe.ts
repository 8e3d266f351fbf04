/**
 * The parent's handle on a measured server process (pivot-esl as `serve` runs it, or the floor program): start it
 * on loopback, ask for its figures over IPC, stop it. Shared by `npm run bench:calls` and `npm run soak`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ProbeRequest, ProbeStats } from './load-server-child.js';
import type { AddedReply, AddedSamples } from './bench-calls-probe.js';

/** A loopback port free at the time of asking. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ServerSettings {
  /** The floor program instead of pivot-esl. */
  readonly floor: boolean;
  /** Where pivot-esl's recordings are spooled. */
  readonly spoolDir: string;
}

type ChildReply = { type: 'listening' | 'failed'; port?: number } | ProbeStats | AddedReply;

/** A measured server in its own process. */
export class ProbedServer {
  port = 0;
  readonly #child: ChildProcess;
  readonly #replies: Array<(message: ChildReply) => void> = [];

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: ChildReply) => this.#replies.shift()?.(message));
  }

  static async start(settings: ServerSettings): Promise<ProbedServer> {
    const name = settings.floor ? './bench-calls-floor-server.js' : './load-server-child.js';
    const port = settings.floor ? 0 : await freePort();
    const flags = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
    const child = fork(fileURLToPath(new URL(name, import.meta.url)), [], {
      execArgv: ['--expose-gc', ...flags],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: {
        ...process.env,
        PIVOT_ESL_PORT: String(port),
        PIVOT_ESL_HOST: '127.0.0.1',
        PIVOT_LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'error',
        PIVOT_RECORDING_SPOOL_DIR: settings.spoolDir,
        PIVOT_DRAIN_MS: '0',
        // The admin server runs as in production, on a free port.
        PIVOT_ADMIN_PORT: '0',
      },
    });
    const server = new ProbedServer(child);
    const ready = await server.#next();
    if (ready.type !== 'listening') throw new Error('the server did not start');
    server.port = ready.port ?? port;
    return server;
  }

  /** What the server added in the window so far (see bench-calls-probe.ts); `reset` starts a new window. */
  async added(reset: boolean): Promise<AddedSamples> {
    this.send({ type: 'added', reset });
    const reply = await this.#next();
    if (reply.type !== 'added') throw new Error('unexpected reply');
    return reply.samples;
  }

  /** The process's figures; `gc` collects garbage first. */
  async stats(gc = false): Promise<ProbeStats> {
    this.send({ type: 'stats', gc });
    const reply = await this.#next();
    if (reply.type !== 'stats') throw new Error('unexpected reply');
    return reply;
  }

  send(message: ProbeRequest | { type: string; [more: string]: unknown }): void {
    this.#child.send(message);
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.send({ type: 'stop' });
    await exited;
  }

  #next(): Promise<ChildReply> {
    return new Promise((resolve) => this.#replies.push(resolve));
  }
}

/** CPU milliseconds (user + system) between two reports. */
export function cpuMsBetween(a: ProbeStats, b: ProbeStats): number {
  return b.cpuUserMs + b.cpuSystemMs - a.cpuUserMs - a.cpuSystemMs;
}

/** Total of the active resources of a report. */
export function handleCount(s: ProbeStats): number {
  return Object.values(s.resources).reduce((sum, n) => sum + n, 0);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 20 ms until it holds; throws after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}
