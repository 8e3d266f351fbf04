/** Servers' Redis connections for the cluster tests, on the suite's real redis-server. */
import { createClient } from '@redis/client';
import { type RedisClient, RedisConnection, type RedisSettings } from '../../src/cluster/redis-connection.js';
import { createLogger } from '../../src/log.js';
import { eventually, LogCapture } from '../support/harness.js';
import type { RedisServerProcess } from '../support/redis-server.js';

/** Test-speed settings: short time limit, quick reconnection, leases of a fraction of a second. */
export const FAST_REDIS: Omit<RedisSettings, 'url'> = {
  prefix: 'test:', commandTimeoutMs: 300, reconnectMinMs: 20, reconnectMaxMs: 100, leaseMs: 600,
};

/** One server's connection, its logs kept, and closed by `closeAll`. */
export interface TestConnection {
  readonly redis: RedisConnection;
  readonly logs: LogCapture;
}

/** Connections of servers opened by a suite; `closeAll` closes them (in an afterEach). */
export class TestConnections {
  readonly #open: RedisConnection[] = [];
  readonly #server: RedisServerProcess;

  constructor(server: RedisServerProcess) {
    this.#server = server;
  }

  /** A started connection of server `serverId` (started: it connects in the background). */
  open(serverId: string, settings: Partial<RedisSettings> = {}): TestConnection {
    const logs = new LogCapture();
    const redis = new RedisConnection({ url: this.#server.url, ...FAST_REDIS, ...settings },
      createLogger('debug', logs), serverId);
    redis.start();
    this.#open.push(redis);
    return { redis, logs };
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#open.splice(0).map((redis) => redis.close()));
  }
}

/** Waits until `redis` is connected. */
export async function connected(redis: RedisConnection, timeoutMs = 5000): Promise<void> {
  await eventually(() => redis.up, timeoutMs, 'the redis connection');
}

/** Runs `fn` with a plain client of the test's own (to look at and reset what the servers wrote). */
export async function withClient<T>(url: string, fn: (client: RedisClient) => Promise<T>): Promise<T> {
  const client: RedisClient = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}

/** The number of subscribers of `channel` (PUBSUB NUMSUB). */
export async function subscribers(url: string, channel: string): Promise<number> {
  const reply = await withClient(url, (client) => client.sendCommand(['PUBSUB', 'NUMSUB', channel]));
  return Number((reply as unknown as unknown[])[1] ?? 0);
}

/** Waits until `channel` has `count` subscribers (default: at least one). */
export async function subscribed(url: string, channel: string, count?: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await subscribers(url, channel);
    if (count === undefined ? n > 0 : n === count) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${channel} to have ${count ?? 'a'} subscriber(s)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
