import assert from 'node:assert/strict';
import { RedisBus } from '../../src/cluster/redis-bus.js';
import { AppError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { eventually, eventuallyAsync, LogCapture } from '../support/harness.js';
import { describeWithRedis, useRedisServer } from '../support/redis-server.js';
import { connected, TestConnections } from './cluster-support.js';

function codeIs(code: string): (err: unknown) => boolean {
  return (err) => err instanceof AppError && err.code === code;
}

describeWithRedis('cluster: the message bus between servers', () => {
  const server = useRedisServer();
  const connections = new TestConnections(server);
  const buses: RedisBus[] = [];

  async function open(serverId: string): Promise<{ bus: RedisBus; logs: LogCapture }> {
    const { redis } = connections.open(serverId);
    await connected(redis);
    const logs = new LogCapture();
    const bus = new RedisBus(redis, createLogger('debug', logs));
    buses.push(bus);
    return { bus, logs };
  }

  afterEach(async () => {
    server.resume();
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    await connections.closeAll();
  });

  it('a message published by one server reaches every listener of another, until they stop listening', async () => {
    const { bus: a } = await open('A');
    const { bus: b } = await open('B');
    const got: string[] = [];
    const stop1 = await b.subscribe(b.channel('room', 'r1'), (m) => got.push(`1:${m}`));
    const stop2 = await b.subscribe(b.channel('room', 'r1'), (m) => got.push(`2:${m}`));
    assert.equal(await a.publish(a.channel('room', 'r1'), 'hello'), 1);
    await eventually(() => got.length === 2, 2000, 'both listeners');
    assert.deepEqual(got.sort(), ['1:hello', '2:hello']);
    await stop1();
    await stop2();
    await eventuallyAsync(async () => (await a.publish(a.channel('room', 'r1'), 'again')) === 0, 2000, 'the unsubscription');
    assert.equal(b.listenerCount, 0);
  });

  it('subscriptions made at once while the second connection first opens all succeed', async () => {
    const { bus: a } = await open('A');
    const { bus: b } = await open('B');
    const got: string[] = [];
    await Promise.all(Array.from({ length: 5 }, (_, i) => b.subscribe(b.channel('room', `r${i}`), (m) => got.push(m))));
    for (let i = 0; i < 5; i++) assert.equal(await a.publish(a.channel('room', `r${i}`), String(i)), 1);
    await eventually(() => got.length === 5, 2000, 'every channel');
  });

  it('a request is answered by the server that serves its channel; its errors come back with their code', async () => {
    const { bus: a } = await open('A');
    const { bus: b } = await open('B');
    await b.serve(b.channel('calls', 'B'), async (body) => {
      const { op } = body as { op: string };
      if (op === 'fail') throw new AppError('ERR_API_CALL_NOT_IN_PROGRESS', 'no such call');
      return { echoed: op };
    });
    assert.deepEqual(await a.request(a.channel('calls', 'B'), { op: 'hi' }, 1000), { echoed: 'hi' });
    await assert.rejects(a.request(a.channel('calls', 'B'), { op: 'fail' }, 1000), codeIs('ERR_API_CALL_NOT_IN_PROGRESS'));
  });

  it('a request nobody serves fails at once with ERR_CLUSTER_PEER_GONE; one left unanswered with ERR_CLUSTER_PEER_TIMEOUT', async () => {
    const { bus: a } = await open('A');
    const { bus: b } = await open('B');
    const started = Date.now();
    await assert.rejects(a.request(a.channel('calls', 'nobody'), {}, 5000), codeIs('ERR_CLUSTER_PEER_GONE'));
    assert.ok(Date.now() - started < 1000);
    await b.serve(b.channel('calls', 'slow'), () => new Promise(() => undefined));
    const t0 = Date.now();
    await assert.rejects(a.request(a.channel('calls', 'slow'), {}, 200), codeIs('ERR_CLUSTER_PEER_TIMEOUT'));
    assert.ok(Date.now() - t0 >= 190);
  });

  it('a message that is not one of the bus\'s is dropped with ERR_CLUSTER_MESSAGE_INVALID, and serving goes on', async () => {
    const { bus: a } = await open('A');
    const { bus: b, logs } = await open('B');
    await b.serve(b.channel('calls', 'B'), async () => 'fine');
    await a.publish(a.channel('calls', 'B'), 'not json');
    await eventually(() => logs.withCode('ERR_CLUSTER_MESSAGE_INVALID').length === 1, 2000, 'the logged drop');
    assert.equal(await a.request(a.channel('calls', 'B'), {}, 1000), 'fine');
  });

  it('after Redis restarts, the subscriptions are back and requests work again', async () => {
    const { bus: a } = await open('A');
    const { bus: b } = await open('B');
    await b.serve(b.channel('calls', 'B'), async () => 'back');
    assert.equal(await a.request(a.channel('calls', 'B'), {}, 1000), 'back');
    await server.kill();
    await assert.rejects(a.request(a.channel('calls', 'B'), {}, 300), codeIs('ERR_CLUSTER_REDIS_UNAVAILABLE'));
    await server.start();
    await eventuallyAsync(async () => {
      try {
        return (await a.request(a.channel('calls', 'B'), {}, 300)) === 'back';
      } catch {
        return false;
      }
    }, 5000, 'the request after the restart');
  });

  it('closing fails what still waits for an answer with ERR_SHUTDOWN', async () => {
    const { bus: a } = await open('A');
    const { bus: b } = await open('B');
    await b.serve(b.channel('calls', 'slow'), () => new Promise(() => undefined));
    const pending = a.request(a.channel('calls', 'slow'), {}, 5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await a.close();
    await assert.rejects(pending, codeIs('ERR_SHUTDOWN'));
  });
});
