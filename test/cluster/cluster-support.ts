/**
 * Servers' Redis connections for the cluster tests, on the suite's real redis-server, and whole servers beside
 * simulated nodes linked over SIP.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import { type RedisClient, RedisConnection, type RedisSettings } from '../../src/cluster/redis-connection.js';
import { createLogger } from '../../src/log.js';
import { FsSimulator, type FsSimulatorOptions, SimNetwork, XmlDialplan } from '../../src/sim/index.js';
import { ServerProcess } from '../ops/server-process.js';
import { get, sample, type ServiceHarness, type ServiceOptions, startService } from '../ops/service-support.js';
import { loopbackLookup } from '../support/engine-harness.js';
import { eventually, eventuallyAsync, LogCapture } from '../support/harness.js';
import type { RedisServerProcess } from '../support/redis-server.js';
import type { Reply } from '../support/twiml-server.js';

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
  await eventuallyAsync(async () => {
    const n = await subscribers(url, channel);
    return count === undefined ? n > 0 : n === count;
  }, timeoutMs, `${channel} to have ${count ?? 'a'} subscriber(s)`);
}

/** Waits until the server's Redis connection is up, as its metrics say. */
export async function redisUp(s: ServiceHarness): Promise<void> {
  await eventuallyAsync(async () => sample((await get(`${s.admin}/metrics`)).body, 'pivot_cluster_redis_up') === 1,
    5000, 'the server to reach Redis');
}

/** A whole server in a child process of its own (to be killed for real), listening on free loopback ports. */
export interface ChildServer {
  readonly process: ServerProcess;
  /** Its outbound event socket port. */
  readonly esl: number;
  /** Ends the process if it still runs and removes its spool directory. */
  close(): void;
}

/** Starts a child server in the cluster on `redisUrl` (FAST_REDIS settings), with `cluster` keys besides its Redis. */
export async function startChildServer(redisUrl: string, cluster: Record<string, unknown> = {}): Promise<ChildServer> {
  const dir = mkdtempSync(join(tmpdir(), 'pivot-cluster-child-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({
    esl: { host: '127.0.0.1', port: 0 }, admin: { port: 0 }, log: { level: 'info' },
    call: { record: { spoolDir: dir } },
    cluster: { redis: { ...FAST_REDIS, url: redisUrl }, ...cluster },
  }));
  const child = new ServerProcess(config);
  const close = (): void => {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const { esl } = await child.ports();
    return { process: child, esl, close };
  } catch (err) {
    close();
    throw err;
  }
}

/** The simulated nodes of a linked cluster: each node's switchname and the address it takes legs from the others on. */
export const LINKED_NODES = [
  { name: 'fs-a', sipAddress: '127.0.0.1:5081' },
  { name: 'fs-b', sipAddress: '127.0.0.1:5082' },
  { name: 'fs-c', sipAddress: '127.0.0.1:5083' },
] as const;

/** The shipped extension that takes legs between nodes, as every linked node runs it. */
const CLUSTER_DIALPLAN = new XmlDialplan(readFileSync(join(process.cwd(), 'conf/freeswitch/pivot-cluster.xml'), 'utf8'));

/** What a suite sets for every server and node of its linked cluster. */
export interface LinkedClusterOptions {
  /** `cluster` keys of every server besides its Redis and the nodes (e.g. `legs`). */
  readonly cluster?: Record<string, unknown>;
  /** The routes of every server's web app. */
  readonly routes?: Readonly<Record<string, Reply>>;
  /** What every server is given besides its node (e.g. its verbs). */
  readonly service?: Omit<ServiceOptions, 'sim'>;
  /** Simulator options of every node besides its name, clock and SIP link (e.g. `mediaDurations`). */
  readonly sim?: FsSimulatorOptions;
}

/** Top-level configuration of one server; its `cluster` keys go over the suite's. */
export type ServerOverrides = Record<string, unknown> & { readonly cluster?: Record<string, unknown> };

/** Whole servers beside simulated nodes linked over SIP, sharing the suite's Redis; see {@link useLinkedCluster}. */
export interface LinkedCluster {
  /** The nodes made for the current test, in order (emptied after each test). */
  readonly sims: readonly FsSimulator[];
  /** A node of {@link LINKED_NODES}, on the test's network, running the pivot-cluster extension. */
  readonly node: (index: number) => FsSimulator;
  /** A whole server beside `sim`, in the cluster. */
  readonly server: (sim: FsSimulator, overrides?: ServerOverrides) => Promise<ServiceHarness>;
  /** Waits until the cluster's directory lists (at least) as many servers as `of`. */
  readonly listed: (...of: ServiceHarness[]) => Promise<void>;
  /** Two servers, each beside a node of its own (the first two), once both are listed. */
  readonly twoServers: () => Promise<[ServiceHarness, ServiceHarness]>;
  /** Stops `s` now (the fixture does not stop it again). */
  readonly stop: (s: ServiceHarness) => Promise<void>;
}

/**
 * A linked cluster for the enclosing suite on `redis` (from `useRedisServer`): before each test Redis is up and empty
 * and the nodes' network new; after it, its servers and nodes are closed. Call inside a `describe`.
 */
export function useLinkedCluster(redis: RedisServerProcess, options: LinkedClusterOptions = {}): LinkedCluster {
  const sims: FsSimulator[] = [];
  const servers: ServiceHarness[] = [];
  let network = new SimNetwork<FsSimulator>();

  beforeEach(async () => {
    await redis.start();
    await withClient(redis.url, (client) => client.flushAll());
    network = new SimNetwork();
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await Promise.all(sims.splice(0).map((sim) => sim.close()));
  });

  const cluster: LinkedCluster = {
    sims,
    node: (index) => {
      const spec = LINKED_NODES[index];
      if (spec === undefined) throw new Error(`no linked node ${index}`);
      const sim = new FsSimulator({ timeScale: 0.01, ...options.sim, switchname: spec.name, dialplan: CLUSTER_DIALPLAN,
        sip: { network, address: spec.sipAddress, context: 'pivot-cluster' } });
      sims.push(sim);
      return sim;
    },
    server: async (sim, overrides = {}) => {
      const s = await startService({
        ...overrides,
        cluster: { redis: { ...FAST_REDIS, url: redis.url }, nodes: LINKED_NODES, ...options.cluster, ...overrides.cluster },
      }, loopbackLookup, { ...options.service, sim });
      for (const [path, reply] of Object.entries(options.routes ?? {})) s.web.route(path, reply);
      servers.push(s);
      return s;
    },
    listed: async (...of) => {
      await eventuallyAsync(async () => (await withClient(redis.url, (client) => client.keys(`${FAST_REDIS.prefix}server:*`)))
        .length >= of.length, 5000, 'the servers in the directory');
    },
    twoServers: async () => {
      const a = await cluster.server(cluster.node(0));
      const b = await cluster.server(cluster.node(1));
      await cluster.listed(a, b);
      return [a, b];
    },
    stop: async (s) => {
      const at = servers.indexOf(s);
      if (at >= 0) servers.splice(at, 1);
      await s.close();
    },
  };
  return cluster;
}
