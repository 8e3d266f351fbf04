/**
 * Two whole servers sharing one real redis-server (`cluster.redis.url`), against the FreeSWITCH simulator: the
 * account limit holds across them, the Calls API of one finds the calls of the other and forwards their updates to
 * it, and Redis being down or unreachable stops no call.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callSidOfUuid } from '../../src/api/sids.js';
import { FsSimulator, SimInboundServer, type SimulatedCall } from '../../src/sim/index.js';
import { ACCOUNT_A, basic, loopbackClient, raw, TOKEN_A } from '../api/api-support.js';
import { ServerProcess } from '../ops/server-process.js';
import { get, sample, startService, type ServiceHarness } from '../ops/service-support.js';
import { apps, loopbackLookup } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { describeWithRedis, useRedisServer } from '../support/redis-server.js';
import { twiml } from '../support/twiml-server.js';
import { FAST_REDIS, redisUp, subscribed, withClient } from './cluster-support.js';

const KAZOO_ACCOUNT = ACCOUNT_A.slice(2);
const OTHER_KAZOO_ACCOUNT = 'f0'.repeat(16);
const LONG_SAY = `<Say loop="0">${'Please hold the line. '.repeat(200)}</Say>`;

describeWithRedis('cluster: two servers sharing Redis', () => {
  const redis = useRedisServer();
  let servers: ServiceHarness[] = [];

  /**
   * A whole server with the Calls API, one call per account at most, on `url` (default: the suite's Redis);
   * `overrides` replace top-level keys.
   */
  async function startServer(url = redis.url, overrides: Record<string, unknown> = {}): Promise<ServiceHarness> {
    const s = await startService({
      api: { enabled: true, port: 0, host: '127.0.0.1' },
      webhook: { authToken: 'default-token', accountAuthTokens: [{ accountSid: ACCOUNT_A, authToken: TOKEN_A }] },
      call: { limits: { maxCallsPerAccount: 1 } },
      cluster: { redis: { ...FAST_REDIS, url } },
      ...overrides,
    }, loopbackLookup);
    s.web.route('/voice', twiml(LONG_SAY));
    servers.push(s);
    return s;
  }

  function place(s: ServiceHarness, account = KAZOO_ACCOUNT): SimulatedCall {
    return s.call({ callerIdNumber: '+15550001111', destinationNumber: '+15550002222',
      variables: { 'ecallmgr_Account-ID': account } });
  }

  const speaking = (call: SimulatedCall): Promise<void> =>
    eventually(() => apps(call).includes('speak'), 5000, 'the call to speak');

  const api = (s: ServiceHarness): string => `http://127.0.0.1:${s.service.apiAddress?.port ?? 0}`;
  const callPath = (call: SimulatedCall): string =>
    `/2010-04-01/Accounts/${ACCOUNT_A}/Calls/${callSidOfUuid(call.uuid)}.json`;
  const auth = { authorization: basic(ACCOUNT_A, TOKEN_A) };

  /** The server that runs `call`, as its entry in Redis names it. */
  const ownerOf = (call: SimulatedCall): Promise<string> => withClient(redis.url, async (client) =>
    (await client.hGet(`test:call:${call.uuid}`, 'owner')) ?? '');

  beforeEach(async () => {
    await redis.start();
    await withClient(redis.url, (client) => client.flushAll());
  });

  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });

  it('the account limit holds across the servers; each server\'s API finds the other\'s calls', async () => {
    const a = await startServer();
    const b = await startServer();
    await Promise.all([redisUp(a), redisUp(b)]);
    const first = place(a);
    await speaking(first);
    const second = place(b);
    const end = await second.ended;
    assert.equal(end.hangupCause, 'CALL_REJECTED', 'over the limit across the cluster');
    assert.equal(b.logs.withCode('ERR_CALL_ACCOUNT_LIMIT').length, 1);

    const fetched = await raw(api(b), callPath(first), { headers: auth });
    assert.equal(fetched.status, 200, JSON.stringify(fetched.json));
    assert.equal(fetched.json['status'], 'in-progress');
  });

  it('updates of a call the other server runs are forwarded to it: Url, Twiml, Status=completed; fetch and list then show it ended', async () => {
    const a = await startServer();
    const b = await startServer();
    await Promise.all([redisUp(a), redisUp(b)]);
    a.web.route('/next', twiml('<Pause length="600"/>'));
    const call = place(a);
    await speaking(call);
    await subscribed(redis.url, `test:bus:calls:${await ownerOf(call)}`);
    const client = loopbackClient(api(b), ACCOUNT_A, TOKEN_A);
    const sid = callSidOfUuid(call.uuid);

    const redirected = await client.calls(sid).update({ url: a.web.url('/next'), method: 'POST' });
    assert.equal(redirected.status, 'in-progress');
    await eventually(() => a.web.to('/next').length === 1 && apps(call).includes('sleep'), 5000, 'the new document');
    assert.equal(a.web.to('/next')[0]?.params['CallSid'], call.uuid);

    await client.calls(sid).update({ twiml: '<Response><Pause length="599"/></Response>' });
    await eventually(() => apps(call).filter((app) => app === 'sleep').length === 2, 5000, 'the inline document');
    assert.equal(a.web.requests.length, 2, 'no request for the inline document');
    const relative = await client.calls(sid).update({ twiml: '<Response><Redirect>/x</Redirect></Response>' })
      .then(() => undefined, (e: unknown) => e as { status: number; code: number });
    assert.deepEqual([relative?.status, relative?.code], [400, 15004], 'checked on the server the request reached');

    const completed = await client.calls(sid).update({ status: 'completed' });
    assert.equal(completed.status, 'completed');
    assert.ok(completed.endTime instanceof Date, 'the owner answers once the call has ended');
    await call.ended;
    const again = await client.calls(sid).update({ status: 'completed' })
      .then(() => undefined, (e: unknown) => e as { status: number; code: number });
    assert.deepEqual([again?.status, again?.code], [400, 21220], 'an ended call is 21220');

    for (const s of [a, b]) {
      const viewer = loopbackClient(api(s), ACCOUNT_A, TOKEN_A);
      const fetched = await viewer.calls(sid).fetch();
      assert.equal(fetched.status, 'completed');
      assert.ok(fetched.endTime instanceof Date);
      assert.deepEqual((await viewer.calls.list({ status: 'completed' })).map((c) => c.sid), [call.uuid]);
    }
    assert.equal(a.logs.withCode('ERR_CLUSTER_MESSAGE_INVALID').length + b.logs.withCode('ERR_INTERNAL').length, 0);
  });

  it('Status=canceled of a call the other server created and is ringing is forwarded: the owner cancels it', async () => {
    const nodeSim = new FsSimulator({ timeScale: 1 });
    const node = new SimInboundServer(nodeSim, { originate: [{ match: '15550003333', outcome: { type: 'no-answer' } }] });
    const nodePort = await node.listen();
    try {
      const a = await startServer(redis.url, { api: { enabled: true, port: 0, host: '127.0.0.1',
        nodes: [{ host: '127.0.0.1', port: nodePort }] } });
      const b = await startServer();
      await Promise.all([redisUp(a), redisUp(b)]);
      const created = await loopbackClient(api(a), ACCOUNT_A, TOKEN_A).calls.create({ to: '+15550003333',
        from: '+15550001111', url: a.web.url('/voice') });
      const client = loopbackClient(api(b), ACCOUNT_A, TOKEN_A);
      const deadline = Date.now() + 5000;
      while ((await client.calls(created.sid).fetch()).status !== 'ringing') {
        assert.ok(Date.now() < deadline, 'the created call did not ring');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const canceled = await client.calls(created.sid).update({ status: 'canceled' });
      assert.equal(canceled.status, 'canceled');
      assert.equal((await client.calls(created.sid).fetch()).status, 'canceled');
    } finally {
      await node.dropCalls();
      await node.close();
      await nodeSim.close();
    }
  });

  it('the owner frozen: 504 at cluster.forwardTimeoutMs; the owner killed: 503 at once, then its call expires with its lease', async () => {
    const b = await startServer(redis.url, { cluster: { redis: { ...FAST_REDIS, url: redis.url }, forwardTimeoutMs: 500 } });
    await redisUp(b);
    const dir = mkdtempSync(join(tmpdir(), 'pivot-cluster-'));
    const configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify({
      esl: { port: 0 }, admin: { port: 0 }, log: { level: 'info' },
      api: { enabled: true, port: 0, host: '127.0.0.1' },
      webhook: { authToken: 'default-token', accountAuthTokens: [{ accountSid: ACCOUNT_A, authToken: TOKEN_A }] },
      call: { record: { spoolDir: join(dir, 'spool') } },
      // A lease long enough to outlast the frozen part of the test.
      cluster: { redis: { ...FAST_REDIS, url: redis.url, leaseMs: 3000 } },
    }));
    const owner = new ServerProcess(configFile);
    const sim = new FsSimulator({ timeScale: 0.01 });
    try {
      const ports = await owner.ports();
      const call = sim.call({ host: '127.0.0.1', port: ports.esl, callerIdNumber: '+15550001111',
        destinationNumber: '+15550002222',
        variables: { pivot_voice_url: b.web.url('/voice'), 'ecallmgr_Account-ID': KAZOO_ACCOUNT } });
      await speaking(call);
      const channel = `test:bus:calls:${await ownerOf(call)}`;
      await subscribed(redis.url, channel);
      const client = loopbackClient(api(b), ACCOUNT_A, TOKEN_A);
      const sid = callSidOfUuid(call.uuid);
      const failure = (request: Promise<unknown>): Promise<{ status: number; code: number; message: string }> =>
        request.then(() => assert.fail('the update succeeded'), (e: unknown) => e as { status: number; code: number; message: string });

      owner.signal('SIGSTOP');
      let asked = Date.now();
      const frozen = await failure(client.calls(sid).update({ status: 'completed' }));
      assert.deepEqual([frozen.status, frozen.code], [504, 20503], frozen.message);
      assert.ok(Date.now() - asked >= 450, 'at the time limit');

      owner.kill();
      await owner.exited;
      await subscribed(redis.url, channel, 0);
      asked = Date.now();
      const gone = await failure(client.calls(sid).update({ url: b.web.url('/next') }));
      assert.deepEqual([gone.status, gone.code], [503, 20503], gone.message);
      assert.ok(Date.now() - asked < 400, `at once, not at the time limit (${Date.now() - asked} ms)`);
      assert.ok(gone.message.includes(call.uuid), gone.message);
      assert.equal(b.logs.withCode('ERR_API_CALL_OWNER_GONE').length, 1);

      // Nobody renews the dead server's entry: it goes with its lease, and the call with it.
      const deadline = Date.now() + 6000;
      while ((await raw(api(b), callPath(call), { headers: auth })).status !== 404) {
        assert.ok(Date.now() < deadline, 'the dead server\'s call is still listed');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.deepEqual(await client.calls.list(), []);
    } finally {
      owner.kill();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Redis down mid-run: calls still run and the server stays ready; the API answers 503 until Redis is back', async () => {
    const a = await startServer();
    const b = await startServer();
    await Promise.all([redisUp(a), redisUp(b)]);
    const first = place(a);
    await speaking(first);
    await redis.kill();
    const other = place(b, OTHER_KAZOO_ACCOUNT);
    await speaking(other);
    assert.equal((await get(`${b.admin}/readyz`)).status, 200);
    assert.equal(sample((await get(`${b.admin}/metrics`)).body, 'pivot_cluster_redis_up'), 0);
    const fetched = await raw(api(a), callPath(first), { headers: auth });
    assert.equal(fetched.status, 503, JSON.stringify(fetched.json));
    assert.equal(fetched.json['code'], 20503);
    const update = await raw(api(b), callPath(first), { method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'Status=completed' });
    assert.deepEqual([update.status, update.json['code']], [503, 20503], JSON.stringify(update.json));
    assert.ok(b.logs.withCode('ERR_CLUSTER_REDIS_UNAVAILABLE').some((l) => l['path'] === callPath(first)),
      'the request is logged with the outage\'s code');
    assert.equal(apps(first).includes('hangup'), false, 'the call goes on');
    // A command that was waiting when Redis went away may time out first: one line either way.
    const outage = [...b.logs.withCode('ERR_CLUSTER_REDIS_UNAVAILABLE'), ...b.logs.withCode('ERR_CLUSTER_REDIS_TIMEOUT')]
      .filter((l) => l['component'] === 'cluster-redis');
    assert.equal(outage.length, 1, 'the outage is logged once by the connection');
    const lostWrites = b.logs.lines.filter((l) => l.msg === 'the registry of calls could not record a change');
    assert.ok(lostWrites.length >= 1, 'the new call could not be recorded');
    assert.deepEqual(lostWrites.map((l) => l.level), lostWrites.map(() => 'debug'), 'a detail of the outage');
    await redis.start();
    // The restarted Redis is empty: each server writes its live calls back.
    let found = await raw(api(b), callPath(first), { headers: auth });
    const deadline = Date.now() + 5000;
    while (found.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      found = await raw(api(b), callPath(first), { headers: auth });
    }
    assert.equal(found.status, 200, JSON.stringify(found.json));
    // A's channel is subscribed again on the restarted Redis: B's update reaches it.
    await subscribed(redis.url, `test:bus:calls:${await ownerOf(first)}`);
    const completed = await raw(api(b), callPath(first), { method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'Status=completed' });
    assert.deepEqual([completed.status, completed.json['status']], [200, 'completed'], JSON.stringify(completed.json));
    await first.ended;
  });

  it('a call the API cannot create while Redis is down gives its account\'s slot back', async () => {
    const a = await startServer();
    await redisUp(a);
    await redis.kill();
    const created = await raw(api(a), `/2010-04-01/Accounts/${ACCOUNT_A}/Calls.json`, { method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'To=%2B15550003333&From=%2B15550001111&Url=https%3A%2F%2Fapp.example.com%2Fvoice' });
    assert.equal(created.status, 503, JSON.stringify(created.json));
    await redis.start();
    await redisUp(a);
    // The account (limit 1) has no call: one that arrives now runs.
    const call = place(a, ACCOUNT_A);
    await speaking(call);
  });

  it('a server whose Redis is unreachable from the start takes calls at once', async () => {
    const down = `redis://:secret-password@127.0.0.1:${redis.port}`;
    await redis.kill();
    const started = Date.now();
    const a = await startServer(down);
    assert.ok(Date.now() - started < 2000, 'the start does not wait for Redis');
    const call = place(a);
    await speaking(call);
    assert.equal((await get(`${a.admin}/readyz`)).status, 200);
    const text = JSON.stringify(a.logs.lines);
    assert.ok(a.logs.withCode('ERR_CLUSTER_REDIS_UNAVAILABLE').length >= 1);
    assert.equal(text.includes('secret-password'), false, 'the password is never logged');
  });
});
