/**
 * The cluster's server directory and the jobs of legs, on a real redis-server: entries live while their server
 * renews them and go with its lease when it dies; a job is taken once and expires.
 */
import assert from 'node:assert/strict';
import { LegJobs, newLegToken } from '../../src/cluster/leg-jobs.js';
import { ServerDirectory } from '../../src/cluster/server-directory.js';
import { AppError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { LogCapture } from '../support/harness.js';
import { describeWithRedis, useRedisServer } from '../support/redis-server.js';
import { connected, FAST_REDIS, TestConnections, withClient } from './cluster-support.js';

const SENDER = {
  identity: { callSid: 'CA1', accountSid: 'AC1', from: '1', to: '2', direction: 'inbound' as const },
  format: 'twilio' as const,
  source: { voiceUrl: 'http://127.0.0.1/v', method: 'POST' as const },
  document: 'http://127.0.0.1/v',
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describeWithRedis('cluster: the server directory and the jobs of legs', () => {
  const server = useRedisServer();
  const connections = new TestConnections(server);

  afterEach(async () => {
    await connections.closeAll();
    await withClient(server.url, (client) => client.flushAll());
  });

  async function directory(serverId: string): Promise<{ dir: ServerDirectory; close: () => Promise<void> }> {
    const { redis } = connections.open(serverId);
    await connected(redis);
    const dir = new ServerDirectory(redis, createLogger('debug', new LogCapture()));
    return { dir, close: () => redis.close() };
  }

  it('publishes a server\'s socket and the nodes it learns; renewed past its lease, written back after a flush', async () => {
    const { dir } = await directory('s1');
    dir.publish('10.0.0.1:8084');
    dir.learn('core-1', 'fs1');
    dir.learn('core-1', 'fs1');
    await sleep(50);
    assert.deepEqual(await dir.find('s1'), { socket: '10.0.0.1:8084', nodes: { 'core-1': 'fs1' } });
    await sleep(FAST_REDIS.leaseMs * 1.5);
    assert.ok(await dir.find('s1'), 'renewed every third of the lease');
    await withClient(server.url, (client) => client.flushAll());
    await sleep(FAST_REDIS.leaseMs);
    assert.deepEqual(await dir.find('s1'), { socket: '10.0.0.1:8084', nodes: { 'core-1': 'fs1' } });
    assert.equal(await dir.find('nobody'), undefined);
  });

  it('a server that dies leaves the directory when its lease ends; one that stops, at once', async () => {
    const dying = await directory('s-dying');
    dying.dir.publish('10.0.0.2:8084');
    const stopping = await directory('s-stopping');
    stopping.dir.publish('10.0.0.3:8084');
    const { dir: reader } = await directory('reader');
    await sleep(50);
    assert.ok(await reader.find('s-dying'));
    await stopping.dir.close();
    assert.equal(await reader.find('s-stopping'), undefined);
    await dying.close();
    assert.ok(await reader.find('s-dying'), 'still there within its lease');
    await sleep(FAST_REDIS.leaseMs + 100);
    assert.equal(await reader.find('s-dying'), undefined);
  });

  it('a job is taken once, a reply too, and both expire', async () => {
    const { redis } = connections.open('s1');
    await connected(redis);
    const jobs = new LegJobs(redis, 200);
    const token = newLegToken();
    assert.match(token, /^[0-9a-f]{32}$/);
    await jobs.put(token, { kind: 'k', job: { a: 1 }, sender: SENDER, to: 's2' });
    assert.deepEqual(await jobs.take(token), { kind: 'k', job: { a: 1 }, sender: SENDER, to: 's2' });
    await assert.rejects(jobs.take(token), (err: unknown) => err instanceof AppError && err.code === 'ERR_CLUSTER_LEG_UNKNOWN');
    await jobs.putReply(token, { result: 'r' });
    assert.deepEqual(await jobs.takeReply(token), { result: 'r' });
    assert.equal(await jobs.takeReply(token), undefined);
    const late = newLegToken();
    await jobs.put(late, { kind: 'k', job: {}, sender: SENDER, to: 's2' });
    await jobs.putReply(late, { error: 'ERR_CLUSTER_LEG_KIND' });
    await sleep(300);
    await assert.rejects(jobs.take(late), (err: unknown) => err instanceof AppError && err.code === 'ERR_CLUSTER_LEG_UNKNOWN');
    assert.equal(await jobs.takeReply(late), undefined);
  });
});
