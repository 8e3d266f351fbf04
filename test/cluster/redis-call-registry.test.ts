import assert from 'node:assert/strict';
import { RedisCallRegistry } from '../../src/cluster/redis-call-registry.js';
import { AppError } from '../../src/errors.js';
import { ACCOUNT, call, registryContract, uuid } from '../api/call-registry-contract.js';
import { describeWithRedis, useRedisServer } from '../support/redis-server.js';
import { connected, TestConnections, withClient } from './cluster-support.js';

describeWithRedis('cluster: the registry of calls in Redis', () => {
  const server = useRedisServer();
  const connections = new TestConnections(server);
  let registries: RedisCallRegistry[] = [];
  const BOUNDS = { maxCalls: 100, maxAgeMs: 60_000 };

  /** A server's registry on its own connection. */
  const serverRegistry = async (serverId: string, bounds = BOUNDS, now?: () => number): Promise<RedisCallRegistry> => {
    const { redis } = connections.open(serverId);
    await connected(redis);
    const registry = new RedisCallRegistry(redis, bounds, now);
    registries.push(registry);
    return registry;
  };

  beforeEach(async () => {
    await server.start();
    await withClient(server.url, (client) => client.flushAll());
  });

  afterEach(async () => {
    for (const registry of registries) registry.close();
    registries = [];
    await connections.closeAll();
  });

  describe('the registry contract', () => {
    registryContract(async (bounds, now) => {
      const registry = await serverRegistry('A', bounds, now);
      return { registry, size: () => withClient(server.url, async (client) => (await client.keys('test:call:*')).length) };
    });
  });

  it('a call one server runs is found and listed by another, with the server that owns it', async () => {
    const a = await serverRegistry('A');
    const b = await serverRegistry('B');
    await a.add(call(1));
    await b.add(call(2));
    assert.equal((await b.get(ACCOUNT, uuid(1)))?.to, '+15550001');
    assert.deepEqual((await a.list(ACCOUNT, {}, 0, 50)).calls.map((c) => c.sid), [uuid(2), uuid(1)]);
    assert.equal(await b.ownerOf(uuid(1)), 'A');
    assert.equal(await a.ownerOf(`CA${uuid(2).replaceAll('-', '')}`), 'B');
    assert.equal(await a.ownerOf(uuid(9)), undefined);
    const keys = await withClient(server.url, (client) => client.keys('*'));
    assert.ok(keys.every((key) => key.startsWith('test:')), `every key under the prefix: ${keys.join(', ')}`);
    assert.ok(keys.includes(`test:calls:${ACCOUNT}`), 'an index per account');
  });

  it('one call\'s writes made without waiting apply in order', async () => {
    const a = await serverRegistry('A');
    const started = a.add(call(1, { status: 'ringing' }));
    const answered = a.update(uuid(1), { status: 'in-progress' });
    const ended = a.update(uuid(1), { status: 'completed', duration: 3 });
    await Promise.all([started, answered, ended]);
    assert.equal((await a.get(ACCOUNT, uuid(1)))?.status, 'completed');
  });

  it('a read on the server that wrote reads its writes made without waiting (a call ended, then fetched)', async () => {
    const a = await serverRegistry('A');
    await a.add(call(1, { status: 'in-progress' }));
    const ended = a.update(uuid(1), { status: 'completed', duration: 3 });
    const [fetched, listed] = await Promise.all([a.get(ACCOUNT, uuid(1)), a.list(ACCOUNT, {}, 0, 50)]);
    assert.equal(fetched?.status, 'completed');
    assert.deepEqual(listed.calls.map((c) => c.status), ['completed']);
    await ended;
  });

  it('the live calls of a server that died disappear when their leases end; ended ones stay in the history', async () => {
    const a = await serverRegistry('A');
    const b = await serverRegistry('B');
    await a.add(call(1));
    await a.add(call(2));
    await a.update(uuid(2), { status: 'completed' });
    await b.add(call(3));
    // A dies without a word: its leases are no longer renewed.
    registries[0]?.close();
    await connections.closeAll().catch(() => undefined);
    const b2 = await serverRegistry('B2');
    assert.ok(await b2.get(ACCOUNT, uuid(1)), 'A\'s live call counts while its lease lasts');
    const deadline = Date.now() + 3000;
    while (await b2.get(ACCOUNT, uuid(1))) {
      assert.ok(Date.now() < deadline, 'A\'s live call never went');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const listed = (await b2.list(ACCOUNT, {}, 0, 50)).calls.map((c) => c.sid);
    assert.deepEqual(listed, [uuid(2)], 'the ended call stays; B\'s own live call went with B\'s connection too');
    const index = await withClient(server.url, (client) => client.zRange(`test:calls:${ACCOUNT}`, 0, -1));
    assert.deepEqual(index, [uuid(2)], 'the list dropped the gone calls from the index');
  });

  it('a live server renews its calls beyond one lease', async () => {
    const a = await serverRegistry('A');
    await a.add(call(1));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.ok(await a.get(ACCOUNT, uuid(1)));
  });

  it('Redis down: the registry fails with a code at once; restarted empty, it gets this server\'s live calls back', async () => {
    const a = await serverRegistry('A');
    await a.add(call(1));
    await a.add(call(2));
    await a.update(uuid(2), { status: 'completed' });
    await server.kill();
    const started = Date.now();
    await assert.rejects(a.get(ACCOUNT, uuid(1)), (err: unknown) => err instanceof AppError
      && err.code === 'ERR_CLUSTER_REDIS_UNAVAILABLE');
    await assert.rejects(a.update(uuid(1), { status: 'in-progress' }), (err: unknown) => err instanceof AppError
      && err.code === 'ERR_CLUSTER_REDIS_UNAVAILABLE');
    assert.ok(Date.now() - started < 500, 'no wait on an unreachable Redis');
    await server.start();
    const deadline = Date.now() + 3000;
    for (;;) {
      const found = await a.get(ACCOUNT, uuid(1)).catch(() => undefined);
      if (found) break;
      assert.ok(Date.now() < deadline, 'the live call was not written back');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(await a.get(ACCOUNT, uuid(2)), undefined, 'the history went with the restart');
    assert.equal(await a.ownerOf(uuid(1)), 'A');
  });
});
