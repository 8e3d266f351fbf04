import assert from 'node:assert/strict';
import { RedisBus } from '../../src/cluster/redis-bus.js';
import type { RedisConnection } from '../../src/cluster/redis-connection.js';
import { RedisQueueStore } from '../../src/cluster/redis-queue-store.js';
import { createLogger } from '../../src/log.js';
import { enter, offerFrom, queueStoreContract, SUPPORT, takeNow } from '../call/queue-store-contract.js';
import { codeOf, eventually, type LogCapture } from '../support/harness.js';
import { describeWithRedis, useRedisServer } from '../support/redis-server.js';
import { connected, FAST_REDIS, TestConnections, withClient } from './cluster-support.js';

const NEVER = new AbortController().signal;

describeWithRedis('cluster: the queues in Redis', () => {
  const server = useRedisServer();
  const connections = new TestConnections(server);
  let opened: Array<{ store: RedisQueueStore; bus: RedisBus; redis: RedisConnection }> = [];

  /** A server's store on its own connection and bus. */
  async function serverStore(serverId: string, leaseMs = FAST_REDIS.leaseMs): Promise<{ store: RedisQueueStore;
    redis: RedisConnection; logs: LogCapture }> {
    const { redis, logs } = connections.open(serverId, { leaseMs });
    await connected(redis);
    const bus = new RedisBus(redis, createLogger('debug', logs));
    const store = new RedisQueueStore(redis, bus, createLogger('debug', logs));
    await redis.renewLeases();
    opened.push({ store, bus, redis });
    return { store, redis, logs };
  }

  /** Stops a server hard: no goodbye to Redis, its leases are no longer renewed. */
  async function stopHard(redis: RedisConnection): Promise<void> {
    const server = opened.find((o) => o.redis === redis);
    await server?.bus.close();
    await redis.close();
  }

  beforeEach(async () => {
    await server.start();
    await withClient(server.url, (client) => client.flushAll());
  });

  afterEach(async () => {
    for (const { store, bus } of opened) {
      store.close();
      await bus.close();
    }
    opened = [];
    await connections.closeAll();
  });

  describe('the queue store contract, across two servers', () => {
    queueStoreContract(async () => ({ a: (await serverStore('A')).store, b: (await serverStore('B')).store }));
  });

  it('keys are per account and name, under the prefix', async () => {
    const { store } = await serverStore('A');
    await enter(store, 'CA1');
    const keys = await withClient(server.url, (client) => client.keys('*'));
    assert.ok(keys.every((key) => key.startsWith('test:')), keys.join(', '));
    assert.ok(keys.includes(`test:queue:AC${'a'.repeat(32)}.00support`), keys.join(', '));
  });

  it('the calls of a server that died expire with their leases: never handed out, no longer counted', async () => {
    const a = await serverStore('A');
    const b = await serverStore('B');
    await enter(a.store, 'CA1');
    await enter(a.store, 'CA2');
    await enter(b.store, 'CA3');
    await stopHard(a.redis);
    assert.equal((await b.store.standing(SUPPORT, 'CA3'))?.position, 3, 'within the lease they still count');
    await new Promise((resolve) => setTimeout(resolve, FAST_REDIS.leaseMs + 50));
    const standing = await b.store.standing(SUPPORT, 'CA3');
    assert.equal(standing?.position, 1);
    assert.equal(standing?.size, 1);
    assert.equal((await takeNow(b.store))?.callSid, 'CA3', 'the dead server\'s calls are skipped');
    assert.equal(await takeNow(b.store), undefined);
  });

  it('a live server keeps its calls in line beyond the lease', async () => {
    const a = await serverStore('A');
    const b = await serverStore('B');
    await enter(a.store, 'CA1');
    await new Promise((resolve) => setTimeout(resolve, FAST_REDIS.leaseMs * 2));
    assert.equal((await takeNow(b.store))?.callSid, 'CA1');
  });

  it('Redis restarted empty: each server puts its waiting calls back in their places', async () => {
    const a = await serverStore('A');
    const b = await serverStore('B');
    await enter(a.store, 'CA1');
    await enter(b.store, 'CA2');
    await enter(a.store, 'CA3');
    await server.kill();
    await server.start();
    await eventually(() => a.redis.up && b.redis.up, 5000, 'both servers back');
    await a.redis.renewLeases();
    await b.redis.renewLeases();
    assert.equal(await b.store.exists(SUPPORT), true, 'the queue is known again');
    assert.equal((await b.store.standing(SUPPORT, 'CA2'))?.position, 2);
    assert.deepEqual([(await takeNow(b.store))?.callSid, (await takeNow(a.store))?.callSid, (await takeNow(b.store))?.callSid],
      ['CA1', 'CA2', 'CA3']);
  });

  it('while Redis is down, entering and taking fail with a coded error at once; waiting calls stay in line', async () => {
    const a = await serverStore('A');
    await enter(a.store, 'CA1');
    await server.kill();
    const started = performance.now();
    await assert.rejects(a.store.enqueue(SUPPORT, { callSid: 'CA2', enqueuedAtMs: Date.now() }, 100, () => undefined),
      (err) => codeOf(err)?.startsWith('ERR_CLUSTER_REDIS_') === true);
    await assert.rejects(a.store.takeFirst(SUPPORT, { timeoutMs: 5000, signal: NEVER }),
      (err) => codeOf(err)?.startsWith('ERR_CLUSTER_REDIS_') === true);
    await assert.rejects(a.store.exists(SUPPORT), (err) => codeOf(err)?.startsWith('ERR_CLUSTER_REDIS_') === true);
    assert.ok(performance.now() - started < FAST_REDIS.commandTimeoutMs * 4, 'no wait beyond the time limit');
    assert.equal(a.store.waitingCount, 1, 'the refused call is not kept');
    await server.start();
    await eventually(() => a.redis.up, 5000, 'back');
    await a.redis.renewLeases();
    assert.equal((await takeNow(a.store))?.callSid, 'CA1');
  });

  it('waiting takers wake on each arrival at once, not at their once-a-lease look', async () => {
    const a = await serverStore('A', 60_000);
    const b = await serverStore('B', 60_000);
    for (let i = 0; i < 5; i++) {
      const waiting = b.store.takeFirst(SUPPORT, { timeoutMs: 20_000, signal: NEVER });
      await eventually(() => b.store.takerCount === 1, 2000, 'the taker to wait');
      const started = performance.now();
      await enter(a.store, `CA${i}`);
      assert.equal((await waiting)?.callSid, `CA${i}`);
      assert.ok(performance.now() - started < 2000, 'woken by the arrival');
    }
  });

  it('an offer to a call that left meanwhile is refused: the taker takes the next', async () => {
    const a = await serverStore('A');
    const b = await serverStore('B');
    await enter(a.store, 'CA1');
    await enter(a.store, 'CA2');
    const first = await takeNow(b.store);
    assert.equal(await a.store.remove(SUPPORT, 'CA1'), true, 'taken, not offered yet: it may still leave');
    assert.equal(await first?.offer(offerFrom('CA9')), false);
    assert.equal(b.logs.withCode('ERR_QUEUE_OFFER_REFUSED').length, 1);
    const second = await takeNow(b.store);
    assert.equal(second?.callSid, 'CA2');
    assert.deepEqual(second?.place, { serverId: 'A', coreUuid: 'node-1' });
  });

  it('a caller taken by a server that died before offering it comes back to its place', async () => {
    const a = await serverStore('A');
    const b = await serverStore('B');
    await enter(a.store, 'CA1');
    await enter(a.store, 'CA2');
    assert.equal((await takeNow(b.store))?.callSid, 'CA1');
    await stopHard(b.redis);
    await new Promise((resolve) => setTimeout(resolve, FAST_REDIS.leaseMs * 2 + 50));
    await a.redis.renewLeases();
    assert.equal((await takeNow(a.store))?.callSid, 'CA1', 'first in line again');
  });

  it('a taker limited to its node takes the first caller on that node', async () => {
    const a = await serverStore('A');
    await a.store.enqueue(SUPPORT, { callSid: 'CA1', enqueuedAtMs: Date.now(), coreUuid: 'node-2' }, 100, () => undefined);
    await a.store.enqueue(SUPPORT, { callSid: 'CA2', enqueuedAtMs: Date.now(), coreUuid: 'node-1' }, 100, () => undefined);
    assert.equal((await a.store.takeFirst(SUPPORT, { timeoutMs: 0, signal: NEVER, node: 'node-1' }))?.callSid, 'CA2');
    assert.equal(await a.store.takeFirst(SUPPORT, { timeoutMs: 0, signal: NEVER, node: 'node-1' }), undefined);
    assert.equal((await takeNow(a.store))?.callSid, 'CA1');
  });

  it('the taker\'s server gone before the queued caller joined: the queued side hears it left', async () => {
    const a = await serverStore('A');
    const b = await serverStore('B');
    const offers = await enter(a.store, 'CA1');
    const taken = await takeNow(b.store);
    assert.equal(await taken?.offer(offerFrom('CA9')), true);
    await eventually(() => offers.got.length === 1, 2000, 'the offer');
    let left = false;
    offers.got[0]!.link.onLeft('dequeuer', () => { left = true; });
    await stopHard(b.redis);
    await eventually(() => left, FAST_REDIS.leaseMs * 4, 'the taker counted as gone');
    assert.ok(a.logs.withCode('ERR_QUEUE_BRIDGE_FAILED').length >= 1);
  });

  it('1,000 callers across three servers, taken by 30 concurrent takers: none lost, none taken twice', async function () {
    this.timeout(60_000);
    const stores = [(await serverStore('A')).store, (await serverStore('B')).store, (await serverStore('C')).store];
    const sids = Array.from({ length: 1000 }, (_, i) => `CA${i}`);
    const got: string[] = [];
    const offered = new Set<string>();
    const entering = Promise.all([0, 1, 2].map(async (s) => {
      for (let i = s; i < sids.length; i += 3) {
        const sid = sids[i]!;
        await stores[s]!.enqueue(SUPPORT, { callSid: sid, enqueuedAtMs: Date.now(), coreUuid: 'node-1' }, 10_000, () => {
          assert.equal(offered.has(sid), false, `${sid} offered twice`);
          offered.add(sid);
        });
      }
    }));
    const taking = Promise.all(Array.from({ length: 30 }, async (_, t) => {
      const store = stores[t % 3]!;
      for (;;) {
        const taken = await store.takeFirst(SUPPORT, { timeoutMs: 1000, signal: new AbortController().signal });
        if (!taken) return;
        got.push(taken.callSid);
        assert.equal(await taken.offer(offerFrom(`CA-agent-${t}`)), true);
      }
    }));
    await Promise.all([entering, taking]);
    assert.equal(got.length, 1000);
    assert.equal(new Set(got).size, 1000, 'none taken twice');
    await eventually(() => offered.size === 1000, 10_000, 'every caller offered once');
  });
});
