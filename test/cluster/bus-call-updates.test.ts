/**
 * Updates of calls forwarded between two servers' buses on a real redis-server: the owner's result and errors come
 * back as they are; an owner that does not listen is told at once, one that does not answer at the time limit; a
 * server that could not subscribe (Redis down at start-up) serves once Redis is back.
 */
import assert from 'node:assert/strict';
import type { CallResource, UpdateCallRequest } from '../../src/api/calls-service.js';
import { BusCallUpdates, type CallUpdateHandler } from '../../src/cluster/bus-call-updates.js';
import { updateFromWire, updateToWire } from '../../src/cluster/call-wire.js';
import { RedisBus } from '../../src/cluster/redis-bus.js';
import { AppError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { LogCapture } from '../support/harness.js';
import { describeWithRedis, useRedisServer } from '../support/redis-server.js';
import { connected, subscribed, TestConnections } from './cluster-support.js';

const ACCOUNT = `AC${'a1'.repeat(16)}`;
const SID = `CA${'12'.repeat(16)}`;

const CALL: CallResource = {
  sid: SID, accountSid: ACCOUNT, to: '+15550002222', from: '+15550001111', status: 'completed',
  direction: 'outbound-api', dateCreated: new Date('2026-03-01T12:00:00Z'), dateUpdated: new Date('2026-03-01T12:01:00Z'),
  startTime: new Date('2026-03-01T12:00:05Z'), endTime: new Date('2026-03-01T12:01:00Z'), duration: 55,
};

const REDIRECT: UpdateCallRequest = {
  url: new URL('https://app.example.com/next?x=1'), method: 'GET', fallbackMethod: 'POST', statusCallbackMethod: 'POST',
  statusCallback: new URL('https://app.example.com/status'),
};

function codeIs(code: string): (err: unknown) => boolean {
  return (err) => err instanceof AppError && err.code === code;
}

describeWithRedis('cluster: updates of calls forwarded to the server that runs them', () => {
  const server = useRedisServer();
  const connections = new TestConnections(server);
  const buses: RedisBus[] = [];
  const stops: Array<() => Promise<void>> = [];

  /** Server `serverId`'s forwarding, `timeoutMs` its time limit; `connect`: wait for its connection. */
  async function open(serverId: string, timeoutMs = 2000, connect = true): Promise<BusCallUpdates> {
    const { redis } = connections.open(serverId);
    if (connect) await connected(redis);
    const log = createLogger('debug', new LogCapture());
    const bus = new RedisBus(redis, log);
    buses.push(bus);
    return new BusCallUpdates(redis, bus, timeoutMs, log);
  }

  /** Serves `updates` with `handler`, waiting until its channel is subscribed. */
  async function serve(updates: BusCallUpdates, handler: CallUpdateHandler): Promise<void> {
    stops.push(updates.serve(handler));
    await subscribed(server.url, updates.channelOf(updates.serverId));
  }

  beforeEach(async () => {
    await server.start();
  });

  afterEach(async () => {
    server.resume();
    await Promise.all(stops.splice(0).map((stop) => stop()));
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    await connections.closeAll();
  });

  it('an update as it travels: URLs, methods, Twiml and Status read back the same; anything else is refused', () => {
    assert.deepEqual(updateFromWire(JSON.parse(JSON.stringify(updateToWire(REDIRECT)))), REDIRECT);
    const end: UpdateCallRequest = { status: 'canceled', twiml: '<Response/>', method: 'POST', fallbackMethod: 'POST',
      statusCallbackMethod: 'GET' };
    assert.deepEqual(updateFromWire(JSON.parse(JSON.stringify(updateToWire(end)))), end);
    for (const bad of [null, 'x', { method: 'PUT', fallbackMethod: 'POST', statusCallbackMethod: 'POST' },
      { ...updateToWire(end), status: 'busy' }, { ...updateToWire(end), url: 'not a url' }]) {
      assert.throws(() => updateFromWire(bad), codeIs('ERR_CLUSTER_MESSAGE_INVALID'));
    }
  });

  it('the owner makes the update and answers with the call; its errors come back with their code', async () => {
    const a = await open('A');
    const b = await open('B');
    const asked: Array<{ accountSid: string; callSid: string; request: UpdateCallRequest }> = [];
    await serve(b, async (accountSid, callSid, request) => {
      asked.push({ accountSid, callSid, request });
      if (request.status === 'canceled') throw new AppError('ERR_API_CALL_NOT_IN_PROGRESS', 'Call is in-progress');
      return CALL;
    });
    assert.deepEqual(await a.forward('B', ACCOUNT, SID, REDIRECT), CALL);
    assert.deepEqual(asked, [{ accountSid: ACCOUNT, callSid: SID, request: REDIRECT }]);
    const refused = await a.forward('B', ACCOUNT, SID, { ...REDIRECT, status: 'canceled' }).catch((e: unknown) => e);
    assert.ok(codeIs('ERR_API_CALL_NOT_IN_PROGRESS')(refused), String(refused));
    assert.equal((refused as AppError).message, 'Call is in-progress');
    assert.equal((refused as AppError).twilioCode, 21220);
  });

  it('an owner that does not listen is told at once; one that does not answer, at the time limit', async () => {
    const a = await open('A', 400);
    const b = await open('B');
    const started = Date.now();
    await assert.rejects(a.forward('C', ACCOUNT, SID, REDIRECT), codeIs('ERR_API_CALL_OWNER_GONE'));
    assert.ok(Date.now() - started < 300, 'at once, not at the time limit');
    await serve(b, () => new Promise<never>(() => undefined));
    const asked = Date.now();
    await assert.rejects(a.forward('B', ACCOUNT, SID, REDIRECT), codeIs('ERR_API_CALL_OWNER_TIMEOUT'));
    assert.ok(Date.now() - asked >= 390, 'at the time limit');
  });

  it('Redis down: a forward fails with Redis\'s code; a server that could not subscribe serves once Redis is back', async () => {
    await server.kill();
    const b = await open('B', 2000, false);
    stops.push(b.serve(async () => CALL));
    const a = await open('A', 2000, false);
    await assert.rejects(a.forward('B', ACCOUNT, SID, REDIRECT),
      (err: unknown) => err instanceof AppError && err.code.startsWith('ERR_CLUSTER_REDIS_'));
    await server.start();
    const deadline = Date.now() + 5000;
    let answer: unknown;
    while (!(answer = await a.forward('B', ACCOUNT, SID, REDIRECT).catch(() => undefined))) {
      assert.ok(Date.now() < deadline, 'B never served');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(answer, CALL);
  });
});
