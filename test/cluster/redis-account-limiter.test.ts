import assert from 'node:assert/strict';
import { RedisAccountLimiter } from '../../src/cluster/redis-account-limiter.js';
import type { RedisConnection } from '../../src/cluster/redis-connection.js';
import { describeWithRedis, useRedisServer } from '../support/redis-server.js';
import { connected, TestConnections, withClient } from './cluster-support.js';

const LIMITS = { maxCallsPerAccount: 0, accounts: new Map([['ACa', 2], ['ACone', 1]]) };

describeWithRedis('cluster: account limits counted in Redis across servers', () => {
  const server = useRedisServer();
  const connections = new TestConnections(server);
  let limiters: RedisAccountLimiter[] = [];
  const limiterOf = (redis: RedisConnection): RedisAccountLimiter => {
    const limiter = new RedisAccountLimiter(redis, LIMITS);
    limiters.push(limiter);
    return limiter;
  };
  /** Members of the account's set in Redis. */
  const counted = (accountSid: string): Promise<string[]> =>
    withClient(server.url, (client) => client.zRange(`test:limits:${accountSid}`, 0, -1));

  /** Waits until the account's members in Redis pass `check`. */
  const untilCounted = async (accountSid: string, check: (members: string[]) => boolean): Promise<void> => {
    const deadline = Date.now() + 3000;
    while (!check(await counted(accountSid))) {
      assert.ok(Date.now() < deadline, `the members of ${accountSid}: ${(await counted(accountSid)).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  afterEach(async () => {
    for (const limiter of limiters) limiter.close();
    limiters = [];
    await connections.closeAll();
    if (!server.port) return;
    await server.start();
    await withClient(server.url, (client) => client.flushAll());
  });

  it('the limit holds across two servers; a released slot is free for either', async () => {
    const a = connections.open('A');
    const b = connections.open('B');
    await Promise.all([connected(a.redis), connected(b.redis)]);
    const onA = limiterOf(a.redis);
    const onB = limiterOf(b.redis);
    const first = await onA.acquire('ACa', 'call-1');
    assert.ok(first);
    assert.ok(await onB.acquire('ACa', 'call-2'));
    assert.equal(await onA.acquire('ACa', 'call-3'), undefined, 'the third call of the account, on A');
    assert.equal(await onB.acquire('ACa', 'call-4'), undefined, 'the third call of the account, on B');
    assert.ok(await onB.acquire('ACother', 'call-5'), 'an account without a limit');
    assert.deepEqual((await counted('ACa')).sort(), ['A|call-1', 'B|call-2']);
    first();
    first();
    assert.equal(onA.ownCalls('ACa'), 0);
    await untilCounted('ACa', (members) => !members.includes('A|call-1'));
    assert.ok(await onB.acquire('ACa', 'call-6'), 'the released slot');
    assert.deepEqual((await counted('ACa')).sort(), ['B|call-2', 'B|call-6']);
  });

  it('the calls of a server that died stop counting when their leases end; a live server keeps its own', async () => {
    const a = connections.open('A');
    const b = connections.open('B');
    await Promise.all([connected(a.redis), connected(b.redis)]);
    const onA = limiterOf(a.redis);
    const onB = limiterOf(b.redis);
    assert.ok(await onA.acquire('ACa', 'dead-1'));
    assert.ok(await onB.acquire('ACa', 'live-1'));
    // A dies: nothing released, nothing renewed any more.
    onA.close();
    await a.redis.close();
    assert.equal(await onB.acquire('ACa', 'live-2'), undefined, 'A\'s call counts while its lease lasts');
    const started = Date.now();
    while (!(await onB.acquire('ACa', 'live-3'))) {
      assert.ok(Date.now() - started < 3000, 'A\'s lease never ended');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(Date.now() - started >= 300, 'A\'s call counted for part of its lease at least');
    // B's own call outlived several leases: it is renewed.
    assert.deepEqual((await counted('ACa')).sort(), ['B|live-1', 'B|live-3']);
  });

  it('Redis killed and restarted mid-call: calls go on counted by each server, then by the cluster again', async () => {
    const a = connections.open('A');
    const b = connections.open('B');
    await Promise.all([connected(a.redis), connected(b.redis)]);
    const onA = limiterOf(a.redis);
    const onB = limiterOf(b.redis);
    assert.ok(await onA.acquire('ACone', 'a-1'));
    await server.kill();
    const started = Date.now();
    const duringOutage = await onB.acquire('ACone', 'b-1');
    assert.ok(duringOutage, 'B counts its own calls alone: the outage refuses nobody');
    assert.equal(await onA.acquire('ACone', 'a-2'), undefined, 'A is at the limit with its own call');
    assert.ok(Date.now() - started < 1000, 'no wait on an unreachable Redis');
    assert.equal(b.logs.withCode('ERR_CLUSTER_REDIS_UNAVAILABLE').length, 1, 'the outage is logged once');
    await onB.acquire('ACone', 'b-2');
    assert.equal(b.logs.withCode('ERR_CLUSTER_REDIS_UNAVAILABLE').length, 1, 'and only once');
    await server.start();
    await Promise.all([connected(a.redis), connected(b.redis)]);
    // The restarted Redis is empty: each server puts its calls back.
    await untilCounted('ACone', (members) => members.length === 2);
    assert.deepEqual((await counted('ACone')).sort(), ['A|a-1', 'B|b-1']);
    assert.equal(await onB.acquire('ACone', 'b-3'), undefined, 'the cluster counts again');
    duringOutage();
    assert.equal(await onB.acquire('ACone', 'b-4'), undefined, 'A\'s call still counts');
  });

  it('a Redis that does not answer: acquiring waits no longer than the time limit, then counts locally', async () => {
    const a = connections.open('A');
    await connected(a.redis);
    const onA = limiterOf(a.redis);
    server.pause();
    try {
      const started = Date.now();
      const slot = await onA.acquire('ACone', 'slow-1');
      const waited = Date.now() - started;
      assert.ok(slot);
      assert.ok(waited >= 250 && waited < 1000, `waited ${waited} ms`);
      assert.equal(a.logs.withCode('ERR_CLUSTER_REDIS_TIMEOUT').length, 1);
      assert.equal(await onA.acquire('ACone', 'slow-2'), undefined, 'this server\'s own call counts');
    } finally {
      server.resume();
    }
  });
});
