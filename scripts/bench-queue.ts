/**
 * `node dist/scripts/bench-queue.js`: the queues of `<Enqueue>` shared through Redis. A redis-server is started by
 * the script on a free loopback port (no persistence), as the tests start theirs. Two measures:
 *
 * 1. The stores: three servers' queue stores (each its own connection and bus, as three servers would have) share
 *    one queue. `--callers` (default 3000) enter it, spread over the three, `--concurrency` (default 50) at a time:
 *    enqueues per second. Then `--concurrency` takers, spread over the three, take them all, each offering the
 *    bridge to the taken caller (two thirds of the offers cross to another server through the bus): takes (with
 *    their offer) per second. Every caller must be offered exactly once.
 * 2. Whole servers: `--calls` (default 200) calls, one at a time, from a simulated node to a server whose web app
 *    answers `<Enqueue waitUrl="/wait">`, the wait document `<Leave/>`: the time from the call's start to its first
 *    TwiML request, and from that request to the first waitUrl request (the enqueue), with and without
 *    `cluster.redis.url` (an account limit set in both: with Redis, the call's slot is taken there first), after a
 *    warm-up run, the two alternated (half the calls each, twice, in both orders).
 *
 * The last line is machine-readable:
 * `queue-bench callers=<n> servers=3 enqueue_per_s=<x> take_per_s=<y> first_request_p50_ms=<a>
 * first_request_redis_p50_ms=<b> added_first_request_p50_ms=<b-a> enqueue_p50_ms=<c> enqueue_redis_p50_ms=<d>`
 */
import { Writable } from 'node:stream';
import { createBridgeLink } from '../src/call/index.js';
import { queueKey } from '../src/call/rooms/room-names.js';
import { RedisBus } from '../src/cluster/redis-bus.js';
import { RedisConnection } from '../src/cluster/redis-connection.js';
import { RedisQueueStore } from '../src/cluster/redis-queue-store.js';
import { createLogger } from '../src/log.js';
import { get, sample, startService } from '../test/ops/service-support.js';
import { loopbackLookup } from '../test/support/engine-harness.js';
import { RedisServerProcess } from '../test/support/redis-server.js';
import { twiml } from '../test/support/twiml-server.js';
import { benchArgs } from './bench-args.js';
import { percentile, until } from './load-probe.js';

interface Args { callers: number; concurrency: number; calls: number }

function parseArgs(argv: string[]): Args {
  return benchArgs(argv, { integers: { callers: 3000, concurrency: 50, calls: 200 } });
}

const QUEUE = queueKey(`AC${'ab'.repeat(16)}`, 'bench');
const SETTINGS = { prefix: 'bench:', commandTimeoutMs: 2000, reconnectMinMs: 50, reconnectMaxMs: 500, leaseMs: 30_000 };
const quiet = (): ReturnType<typeof createLogger> =>
  createLogger('error', new Writable({ write: (_chunk, _enc, done) => done() }));

function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/** Runs `count` jobs, `concurrency` at a time. */
async function pool(count: number, concurrency: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await job(next++);
  }));
}

/** Enqueues and takes per second through three servers' stores. */
async function storeThroughput(url: string, args: Args): Promise<{ enqueuePerS: number; takePerS: number }> {
  const servers = ['A', 'B', 'C'].map((id) => {
    const redis = new RedisConnection({ url, ...SETTINGS }, quiet(), id);
    redis.start();
    const bus = new RedisBus(redis, quiet());
    return { redis, bus, store: new RedisQueueStore(redis, bus, quiet()) };
  });
  await until(() => servers.every((s) => s.redis.up), 10_000, 'the connections');
  const offered = new Set<string>();
  let started = performance.now();
  await pool(args.callers, args.concurrency, async (i) => {
    const callSid = `CA${i}`;
    const queued = await servers[i % 3]!.store.enqueue(QUEUE, { callSid, enqueuedAtMs: Date.now(), coreUuid: 'node' },
      args.callers, () => {
        if (offered.has(callSid)) throw new Error(`${callSid} offered twice`);
        offered.add(callSid);
      });
    if (!queued) throw new Error('queue full');
  });
  const enqueueS = (performance.now() - started) / 1000;
  started = performance.now();
  let taken = 0;
  await Promise.all(Array.from({ length: args.concurrency }, async (_, t) => {
    const store = servers[t % 3]!.store;
    const signal = new AbortController().signal;
    for (let call = await store.takeFirst(QUEUE, { timeoutMs: 0, signal }); call;
      call = await store.takeFirst(QUEUE, { timeoutMs: 0, signal })) {
      const link = createBridgeLink();
      if (!(await call.offer({ room: `bench-${t}`, dequeuerCallSid: `CA-agent-${t}`, method: 'POST', link }))) {
        throw new Error(`${call.callSid} refused its offer`);
      }
      link.markLeft('dequeuer');
      taken++;
    }
  }));
  const takeS = (performance.now() - started) / 1000;
  await until(() => offered.size === args.callers, 10_000, 'every offer');
  if (taken !== args.callers) throw new Error(`${taken} taken of ${args.callers}`);
  for (const s of servers) {
    s.store.close();
    await s.bus.close();
    await s.redis.close();
  }
  return { enqueuePerS: args.callers / enqueueS, takePerS: args.callers / takeS };
}

/** Call start -> first TwiML request, and that request -> the first waitUrl request, per call. */
async function firstRequests(redisUrl: string | undefined, calls: number): Promise<{ first: number[]; enqueue: number[] }> {
  // An account limit in both runs: with Redis, each call takes its slot there before its first request.
  const s = await startService({ log: { level: 'error' }, call: { limits: { maxCallsPerAccount: 1000 } },
    ...(redisUrl !== undefined && { cluster: { redis: { ...SETTINGS, url: redisUrl } } }) }, loopbackLookup);
  const voiceAt = new Map<string, number>();
  const waitAt = new Map<string, number>();
  s.web.route('/voice', (req) => {
    voiceAt.set(req.params['CallSid'] ?? '', performance.now());
    return twiml('<Enqueue waitUrl="/wait">bench</Enqueue>');
  });
  s.web.route('/wait', (req) => {
    const sid = req.params['CallSid'] ?? '';
    if (!waitAt.has(sid)) waitAt.set(sid, performance.now());
    return twiml('<Leave/>');
  });
  const first: number[] = [];
  const enqueue: number[] = [];
  try {
    if (redisUrl !== undefined) {
      await until(async () => sample((await get(`${s.admin}/metrics`)).body, 'pivot_cluster_redis_up') === 1, 10_000,
        'the server to reach Redis');
    }
    for (let i = 0; i < calls; i++) {
      const at = performance.now();
      const call = s.call({ variables: { 'ecallmgr_Account-ID': 'ab'.repeat(16) } });
      await call.ended;
      const voice = voiceAt.get(call.uuid);
      const wait = waitAt.get(call.uuid);
      if (voice === undefined || wait === undefined) throw new Error(`call ${call.uuid} did not enqueue`);
      // The first calls warm the server up.
      if (i >= Math.min(10, calls / 10)) {
        first.push(voice - at);
        enqueue.push(wait - voice);
      }
    }
  } finally {
    await s.close();
  }
  return { first, enqueue };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const redis = new RedisServerProcess();
  await redis.start();
  try {
    const { enqueuePerS, takePerS } = await storeThroughput(redis.url, args);
    // A warm-up run first, then the two alternated, half the calls each time, so that neither gets a colder process.
    await firstRequests(undefined, Math.max(20, args.calls / 4));
    const local = { first: [] as number[], enqueue: [] as number[] };
    const shared = { first: [] as number[], enqueue: [] as number[] };
    for (let round = 0; round < 2; round++) {
      const order = [[undefined, local], [redis.url, shared]] as const;
      for (const [url, into] of round === 0 ? order : [...order].reverse()) {
        const got = await firstRequests(url, Math.max(10, Math.floor(args.calls / 2)));
        into.first.push(...got.first);
        into.enqueue.push(...got.enqueue);
      }
    }
    const ms = (n: number): string => n.toFixed(2);
    const firstLocal = median(local.first);
    const firstShared = median(shared.first);
    console.log(`${args.callers} callers through 3 servers' stores, ${args.concurrency} at a time: ` +
      `${enqueuePerS.toFixed(0)} enqueues/s, ${takePerS.toFixed(0)} takes (with their offer)/s`);
    console.log(`call start -> first TwiML request, p50: ${ms(firstLocal)} ms alone, ${ms(firstShared)} ms with Redis`);
    console.log(`first request -> first waitUrl request (the enqueue), p50: ${ms(median(local.enqueue))} ms alone, ` +
      `${ms(median(shared.enqueue))} ms with Redis`);
    console.log(`queue-bench callers=${args.callers} servers=3 enqueue_per_s=${enqueuePerS.toFixed(0)} ` +
      `take_per_s=${takePerS.toFixed(0)} first_request_p50_ms=${ms(firstLocal)} first_request_redis_p50_ms=${ms(firstShared)} ` +
      `added_first_request_p50_ms=${ms(firstShared - firstLocal)} enqueue_p50_ms=${ms(median(local.enqueue))} ` +
      `enqueue_redis_p50_ms=${ms(median(shared.enqueue))}`);
  } finally {
    await redis.stop();
  }
}

await main();
