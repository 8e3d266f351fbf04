/**
 * A real redis-server for the cluster tests: started on a free loopback port with no persistence, no config file
 * and a temporary directory of its own, stopped after the suite (and, whatever happens, when the test process
 * exits). It can be killed and started again on the same port, for outage tests. Without `redis-server` on the
 * PATH, the suites declared with {@link describeWithRedis} are skipped, and the run says why once.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARY = 'redis-server';

/** Every redis-server started and not stopped yet: killed when the process exits, so that none outlives the run. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

let availability: boolean | undefined;

/** Whether `redis-server` can be run (checked once). */
export function redisServerAvailable(): boolean {
  if (availability === undefined) {
    try {
      execFileSync(BINARY, ['--version'], { stdio: 'ignore' });
      availability = true;
    } catch {
      availability = false;
    }
  }
  return availability;
}

let skipSaid = false;

/**
 * `describe` when redis-server can run, else a skipped suite and one loud line on stderr saying why.
 */
export function describeWithRedis(title: string, body: (this: Mocha.Suite) => void): void {
  if (redisServerAvailable()) {
    describe(title, body);
    return;
  }
  if (!skipSaid) {
    skipSaid = true;
    process.stderr.write(`\n*** CLUSTER TESTS SKIPPED: ${BINARY} is not on the PATH (install the Debian package `
      + `redis-server; .ci/run does) ***\n\n`);
  }
  describe.skip(`${title} (no ${BINARY})`, body);
}

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Whether a Redis server answers PING on `port`. */
async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/** One redis-server process on its own port and directory. */
export class RedisServerProcess {
  #child: ChildProcess | undefined;
  #port = 0;
  #dir: string | undefined;
  #log = '';

  /** Its port (0 before the first start). */
  get port(): number {
    return this.#port;
  }

  /** The URL a client connects with. */
  get url(): string {
    return `redis://127.0.0.1:${this.#port}`;
  }

  /** Starts it (on the port it had, after a kill) and waits until it answers PING. */
  async start(): Promise<void> {
    if (this.#child) return;
    this.#dir ??= mkdtempSync(join(tmpdir(), 'pivot-redis-'));
    if (this.#port === 0) this.#port = await freePort();
    const child = spawn(BINARY, ['--port', String(this.#port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--dir', this.#dir, '--daemonize', 'no', '--loglevel', 'warning'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#log = '';
    const keep = (chunk: Buffer): void => { this.#log = (this.#log + chunk.toString()).slice(-4000); };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    running.add(child);
    child.once('exit', () => running.delete(child));
    this.#child = child;
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(this.#port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await this.kill();
        throw new Error(`redis-server did not start on port ${this.#port}: ${this.#log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Kills it at once (SIGKILL: an outage, not a shutdown) and waits until it has exited. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes it (SIGSTOP): connections stay open and nothing answers, as with a Redis that hangs. */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** Lets a frozen server go on (SIGCONT). */
  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  /** Kills it and removes its directory. */
  async stop(): Promise<void> {
    await this.kill();
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
  }
}

/**
 * A redis-server for the enclosing suite: started before its tests, stopped after them (even when one fails).
 * Call inside a `describe`.
 */
export function useRedisServer(): RedisServerProcess {
  const server = new RedisServerProcess();
  before(async function () {
    this.timeout(15_000);
    await server.start();
  });
  after(async () => {
    await server.stop();
  });
  return server;
}
