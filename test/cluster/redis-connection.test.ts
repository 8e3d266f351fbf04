import assert from 'node:assert/strict';
import { reconnectDelay, redactRedisUrl } from '../../src/cluster/redis-connection.js';
import { AppError } from '../../src/errors.js';
import { describeWithRedis, useRedisServer } from '../support/redis-server.js';
import { connected, TestConnections } from './cluster-support.js';

describe('cluster: the Redis connection\'s rules', () => {
  it('waits before reconnecting twice as long each time, from the least to the most', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 40].map((n) => reconnectDelay(n, 100, 1000)), [100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('shows a URL without its user and password', () => {
    assert.equal(redactRedisUrl('redis://user:s3cret@10.0.0.5:6380/2'), 'redis://10.0.0.5:6380/2');
    assert.equal(redactRedisUrl('rediss://:s3cret@redis.example.net'), 'rediss://redis.example.net');
  });
});

describeWithRedis('cluster: the Redis connection', () => {
  const server = useRedisServer();
  const connections = new TestConnections(server);
  afterEach(async () => {
    server.resume();
    await connections.closeAll();
  });

  it('a command Redis does not answer fails with ERR_CLUSTER_REDIS_TIMEOUT at the time limit; it is logged once', async () => {
    const { redis, logs } = connections.open('A');
    await connected(redis);
    assert.equal(await redis.run('ping', (client) => client.ping()), 'PONG');
    server.pause();
    for (let i = 0; i < 2; i++) {
      const started = Date.now();
      await assert.rejects(redis.run('ping', (client) => client.ping()),
        (err: unknown) => err instanceof AppError && err.code === 'ERR_CLUSTER_REDIS_TIMEOUT');
      const waited = Date.now() - started;
      assert.ok(waited >= 250 && waited < 800, `waited ${waited} ms`);
    }
    assert.equal(logs.withCode('ERR_CLUSTER_REDIS_TIMEOUT').length, 1);
    server.resume();
    assert.equal(await redis.run('ping', (client) => client.ping()), 'PONG');
  });

  it('closing while Redis hangs takes no longer than the time limit', async () => {
    const { redis } = connections.open('A');
    await connected(redis);
    server.pause();
    const pending = redis.run('ping', (client) => client.ping()).catch(() => undefined);
    const started = Date.now();
    await redis.close();
    assert.ok(Date.now() - started < 1000, `closed in ${Date.now() - started} ms`);
    await pending;
  });

  it('an outage is logged once with its code, and its end once', async () => {
    const { redis, logs } = connections.open('A');
    await connected(redis);
    await server.kill();
    await assert.rejects(redis.run('ping', (client) => client.ping()),
      (err: unknown) => err instanceof AppError && err.code === 'ERR_CLUSTER_REDIS_UNAVAILABLE');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(logs.withCode('ERR_CLUSTER_REDIS_UNAVAILABLE').length, 1, 'however many reconnections fail');
    await server.start();
    await connected(redis);
    assert.equal(logs.lines.filter((l) => l.msg === 'redis connection ready' && l['recovered'] === true).length, 1);
  });

  it('an outage that starts slow and ends refused is one line, not one per code', async () => {
    const { redis, logs } = connections.open('A');
    await connected(redis);
    server.pause();
    await assert.rejects(redis.run('ping', (client) => client.ping()),
      (err: unknown) => err instanceof AppError && err.code === 'ERR_CLUSTER_REDIS_TIMEOUT');
    await server.kill();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await assert.rejects(redis.run('ping', (client) => client.ping()),
      (err: unknown) => err instanceof AppError && err.code === 'ERR_CLUSTER_REDIS_UNAVAILABLE');
    const outage = [...logs.withCode('ERR_CLUSTER_REDIS_TIMEOUT'), ...logs.withCode('ERR_CLUSTER_REDIS_UNAVAILABLE')];
    assert.deepEqual(outage.map((l) => l['code']), ['ERR_CLUSTER_REDIS_TIMEOUT']);
    await server.start();
    await connected(redis);
  });
});
