/**
 * The one Redis connection of a server whose cluster shares state (`cluster.redis.url`): built once by the
 * composition root, closed when the server stops.
 *
 * The client is `@redis/client`, node-redis's core: the official Node.js client, maintained by Redis itself, which
 * speaks RESP3 and runs Lua scripts (EVALSHA/EVAL), which the shared stores need for their atomic steps; ioredis
 * stays maintained, but Redis recommends node-redis for new projects, and new Redis features land there first.
 *
 * What this module promises its users:
 * - the server never waits for Redis to start: the connection is opened in the background, and reopened after a
 *   loss with a doubling wait from `reconnectMinMs` up to `reconnectMaxMs`;
 * - no command waits more than `commandTimeoutMs`, and none is queued while the connection is down: it fails at
 *   once. Every failure is an AppError: ERR_CLUSTER_REDIS_UNAVAILABLE (down, refused) or ERR_CLUSTER_REDIS_TIMEOUT;
 * - an outage is logged once (with its code), and its end once;
 * - entries a server owns carry a lease of `leaseMs`: the stores register how to renew theirs, and the connection
 *   renews them every third of a lease and at once after a reconnection (Redis may have lost them);
 * - the URL's password is never logged.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createClient } from '@redis/client';
import type { Logger } from 'pino';
import { AppError, toAppError } from '../errors.js';
import { logCode } from '../log-code.js';

/** `cluster.redis.*`. */
export interface RedisSettings {
  readonly url: string;
  readonly prefix: string;
  readonly commandTimeoutMs: number;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  readonly leaseMs: number;
}

export type RedisClient = ReturnType<typeof createClient>;

/** A Lua script run by its SHA1 (EVALSHA), sent whole (EVAL) only when Redis does not have it yet. */
export class RedisScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const options = { keys: [...keys], arguments: args.map(String) };
    try {
      return await client.evalSha(this.#sha, options);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return client.eval(this.#source, options);
    }
  }
}

/** The doubling wait before the `attempt`th reconnection (0-based), capped. */
export function reconnectDelay(attempt: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
}

/** `url` without its user name and password: what the logs show. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '[unparsable]';
  }
}

/** This process among the servers of the cluster: its host name, its pid and a random part (a restart is another). */
export function newServerId(): string {
  return `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
}

export class RedisConnection {
  /** The prefix every key starts with. */
  readonly prefix: string;
  /** This server, as the entries it owns name it. */
  readonly serverId: string;
  readonly leaseMs: number;
  readonly #settings: RedisSettings;
  readonly #log: Logger;
  readonly #client: RedisClient;
  readonly #renewers = new Set<() => Promise<void>>();
  #renewTimer: NodeJS.Timeout | undefined;
  #connecting: Promise<unknown> | undefined;
  #closed = false;
  /** An outage being logged: its code is not logged again until the connection is back (or a command succeeds). */
  #failing: string | undefined;

  constructor(settings: RedisSettings, log: Logger, serverId: string = newServerId()) {
    this.#settings = settings;
    this.prefix = settings.prefix;
    this.serverId = serverId;
    this.leaseMs = settings.leaseMs;
    this.#log = log.child({ component: 'cluster-redis' });
    this.#client = createClient({
      url: settings.url,
      // Commands fail at once while the connection is down instead of waiting in a queue.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: Math.max(settings.commandTimeoutMs, 1000),
        reconnectStrategy: (attempt) => reconnectDelay(attempt, settings.reconnectMinMs, settings.reconnectMaxMs),
      },
    });
    this.#client.on('error', (err: unknown) => this.#failed(err));
    this.#client.on('ready', () => this.#ready());
  }

  /** Whether the connection is up now (the `pivot_cluster_redis_up` gauge). */
  get up(): boolean {
    return this.#client.isReady;
  }

  /** The key of `parts` under the prefix. */
  key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  /** Opens the connection in the background (never throws, never waits) and starts renewing leases. */
  start(): void {
    if (this.#connecting || this.#closed) return;
    this.#log.info({ redis: redactRedisUrl(this.#settings.url), serverId: this.serverId }, 'connecting to redis');
    this.#connecting = this.#client.connect().catch((err: unknown) => this.#failed(err));
    this.#renewTimer = setInterval(() => this.#renewAll(), Math.max(1, Math.floor(this.leaseMs / 3)));
    this.#renewTimer.unref();
  }

  /**
   * Runs `command` on the client within the time limit. Rejects with ERR_CLUSTER_REDIS_UNAVAILABLE when the
   * connection is down or Redis answers an error, ERR_CLUSTER_REDIS_TIMEOUT when it does not answer in time; the
   * first failure of an outage is logged.
   */
  async run<T>(what: string, command: (client: RedisClient) => Promise<T>): Promise<T> {
    if (this.#closed) throw new AppError('ERR_CLUSTER_REDIS_UNAVAILABLE', `redis ${what}: the connection is closed`);
    let timer: NodeJS.Timeout | undefined;
    const pending = Promise.resolve().then(() => command(this.#client));
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AppError('ERR_CLUSTER_REDIS_TIMEOUT',
        `redis ${what}: no answer within ${this.#settings.commandTimeoutMs} ms`)), this.#settings.commandTimeoutMs);
    });
    try {
      const result = await Promise.race([pending, timeout]);
      this.#failing = undefined;
      return result;
    } catch (err) {
      // A command given up on may still answer or fail later: nobody waits for it any more.
      pending.catch(() => undefined);
      const error = err instanceof AppError ? err
        : new AppError('ERR_CLUSTER_REDIS_UNAVAILABLE', `redis ${what}: ${toAppError(err).message}`, { cause: err });
      this.#failed(error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A second connection with the same settings, for what blocks a connection (SUBSCRIBE): the message bus uses it.
   * Its commands are not time-limited by `run`; the caller limits them.
   */
  duplicate(): RedisClient {
    return this.#client.duplicate();
  }

  /**
   * Registers how to renew the leases of entries this server owns: run every third of a lease and after each
   * reconnection. Returns the function that stops it.
   */
  keepLeases(renew: () => Promise<void>): () => void {
    this.#renewers.add(renew);
    return () => this.#renewers.delete(renew);
  }

  /** Renews every lease now (what the timer does). */
  async renewLeases(): Promise<void> {
    await Promise.all([...this.#renewers].map((renew) => renew().catch(() => undefined)));
  }

  /** Closes the connection: what is pending gets its answer if it comes within the time limit, then it is cut. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#renewTimer);
    this.#renewers.clear();
    if (this.#client.isReady) {
      let timer: NodeJS.Timeout | undefined;
      const cut = new Promise<void>((resolve) => { timer = setTimeout(resolve, this.#settings.commandTimeoutMs); });
      await Promise.race([this.#client.close().catch(() => undefined), cut]);
      clearTimeout(timer);
    }
    if (this.#client.isOpen) this.#client.destroy();
    await this.#connecting;
  }

  #renewAll(): void {
    if (this.#client.isReady) void this.renewLeases();
  }

  #ready(): void {
    this.#log.info({ redis: redactRedisUrl(this.#settings.url), serverId: this.serverId, recovered: this.#failing !== undefined },
      'redis connection ready');
    this.#failing = undefined;
    // Redis may have lost the entries (a restart without persistence): put this server's back at once.
    void this.renewLeases();
  }

  #failed(err: unknown): void {
    if (this.#closed) return;
    const error = err instanceof AppError ? err
      : new AppError('ERR_CLUSTER_REDIS_UNAVAILABLE', toAppError(err).message, { cause: err });
    // One line per outage: a slow answer and a refused connection during one outage are the same news.
    if (this.#failing !== undefined) return;
    this.#failing = error.code;
    logCode(this.#log, error.code, { redis: redactRedisUrl(this.#settings.url), err: error.message },
      error.code === 'ERR_CLUSTER_REDIS_TIMEOUT' ? 'redis is slow: shared state falls back until it answers'
        : 'redis is unreachable: shared state falls back until it is back');
  }
}
