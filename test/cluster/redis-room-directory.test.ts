import assert from 'node:assert/strict';
import { RedisRoomDirectory } from '../../src/cluster/redis-room-directory.js';
import type { RedisConnection } from '../../src/cluster/redis-connection.js';
import { codeOf } from '../support/harness.js';
import { describeWithRedis, useRedisServer } from '../support/redis-server.js';
import { connected, TestConnections, withClient } from './cluster-support.js';

const ON_A = { serverId: 'A', coreUuid: 'node-1' };
const ON_B = { serverId: 'B', coreUuid: 'node-2' };
const ROOM = 'ACa-Team';
const KEY = `test:conference:${ROOM}`;

describeWithRedis('cluster: the directory of conference rooms in Redis', () => {
  const server = useRedisServer();
  const connections = new TestConnections(server);
  let directories: RedisRoomDirectory[] = [];
  const directoryOf = (redis: RedisConnection): RedisRoomDirectory => {
    const directory = new RedisRoomDirectory(redis);
    directories.push(directory);
    return directory;
  };
  const entry = (): Promise<string | null> => withClient(server.url, (client) => client.get(KEY));

  /** Waits until the room's entry passes `check`. */
  const untilEntry = async (check: (value: string | null) => boolean, timeoutMs = 3000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!check(await entry())) {
      assert.ok(Date.now() < deadline, `the entry: ${String(await entry())}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  afterEach(async () => {
    for (const directory of directories) directory.close();
    directories = [];
    await connections.closeAll();
    if (!server.port) return;
    await server.start();
    await withClient(server.url, (client) => client.flushAll());
  });

  it('the first claim takes the room; the others get its place until its last hold is released', async () => {
    const a = connections.open('A');
    const b = connections.open('B');
    await Promise.all([connected(a.redis), connected(b.redis)]);
    const onA = directoryOf(a.redis);
    const onB = directoryOf(b.redis);
    const [first, second] = await Promise.all([onA.claim(ROOM, ON_A), onB.claim(ROOM, ON_B)]);
    // One of the two won; both see the same place.
    assert.deepEqual(first, second);
    const [owner, other, otherPlace] = first.serverId === 'A' ? [onA, onB, ON_B] : [onB, onA, ON_A];
    assert.deepEqual(JSON.parse((await entry()) ?? '{}'), first);
    assert.equal(owner.holdsOf(ROOM), 1);
    assert.equal(other.holdsOf(ROOM), 0, 'the other server holds nothing');
    assert.deepEqual(await owner.claim(ROOM, first), first, 'a second member on the owner');
    assert.equal(owner.holdsOf(ROOM), 2);
    assert.deepEqual(await owner.claim('ACb-Team', first), first, 'another account\'s room of the same name is its own');
    owner.release(ROOM);
    assert.notEqual(await entry(), null, 'one member left, one stays: the room is held');
    owner.release(ROOM);
    await untilEntry((value) => value === null);
    assert.deepEqual(await other.claim(ROOM, otherPlace), otherPlace, 'the emptied room is free for any server');
    assert.equal(other.holdsOf(ROOM), 1);
  });

  it('a held room outlives its lease (renewed); a dead server\'s entry ends with its lease', async () => {
    const a = connections.open('A');
    const b = connections.open('B');
    await Promise.all([connected(a.redis), connected(b.redis)]);
    const onA = directoryOf(a.redis);
    const onB = directoryOf(b.redis);
    await onA.claim(ROOM, ON_A);
    await new Promise((resolve) => setTimeout(resolve, a.redis.leaseMs * 2));
    assert.deepEqual(await onB.claim(ROOM, ON_B), ON_A, 'renewed past two leases');
    // A dies: nothing released, nothing renewed.
    onA.close();
    await a.redis.close();
    const died = Date.now();
    await untilEntry((value) => value === null);
    assert.ok(Date.now() - died >= 100, 'the entry lasted part of its lease at least');
    assert.deepEqual(await onB.claim(ROOM, ON_B), ON_B);
  });

  it('an entry Redis lost is put back by the next renewal; another server\'s is never taken over', async () => {
    const a = connections.open('A');
    await connected(a.redis);
    const onA = directoryOf(a.redis);
    await onA.claim(ROOM, ON_A);
    await onA.claim('ACa-Other', ON_A);
    await withClient(server.url, async (client) => {
      await client.del(KEY);
      await client.set(`test:conference:ACa-Other`, JSON.stringify(ON_B), { PX: 5000 });
    });
    await onA.renew();
    assert.deepEqual(JSON.parse((await entry()) ?? '{}'), ON_A);
    assert.ok(Number(await withClient(server.url, (client) => client.pTTL(KEY))) > 0, 'with a lease');
    const other = await withClient(server.url, (client) => client.get('test:conference:ACa-Other'));
    assert.deepEqual(JSON.parse(other ?? '{}'), ON_B);
    onA.release('ACa-Other');
    await onA.renew();
    assert.deepEqual(JSON.parse((await withClient(server.url, (client) => client.get('test:conference:ACa-Other'))) ?? '{}'),
      ON_B, 'releasing does not remove another server\'s entry');
  });

  it('a claim while Redis is down fails at once with a code; a room held meanwhile is written once Redis is back', async () => {
    const a = connections.open('A');
    const b = connections.open('B');
    await Promise.all([connected(a.redis), connected(b.redis)]);
    const onA = directoryOf(a.redis);
    const onB = directoryOf(b.redis);
    await server.kill();
    const started = Date.now();
    const failed = await onA.claim(ROOM, ON_A).then(() => undefined, (err: unknown) => err);
    assert.match(codeOf(failed) ?? '', /^ERR_CLUSTER_REDIS_(UNAVAILABLE|TIMEOUT)$/);
    assert.ok(Date.now() - started <= 1000, 'no wait beyond the time limit');
    onA.hold(ROOM, ON_A);
    await server.start();
    await Promise.all([connected(a.redis), connected(b.redis)]);
    await untilEntry((value) => value !== null);
    assert.deepEqual(await onB.claim(ROOM, ON_B), ON_A);
  });

  it('an entry that is not a place is refused with a code, and overwritten by the next claim', async () => {
    const b = connections.open('B');
    await connected(b.redis);
    const onB = directoryOf(b.redis);
    await withClient(server.url, (client) => client.set(KEY, JSON.stringify({ serverId: 'A' })));
    const failed = await onB.claim(ROOM, ON_B).then(() => undefined, (err: unknown) => err);
    assert.equal(codeOf(failed), 'ERR_CLUSTER_MESSAGE_INVALID');
    await withClient(server.url, (client) => client.set(KEY, 'garbage'));
    assert.deepEqual(await onB.claim(ROOM, ON_B), ON_B);
  });
});
