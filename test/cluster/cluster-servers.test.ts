/**
 * Two whole servers sharing one real redis-server (`cluster.redis.url`), against the FreeSWITCH simulator: the
 * account limit holds across them, the Calls API of one finds the calls of the other, and Redis being down or
 * unreachable stops no call.
 */
import assert from 'node:assert/strict';
import { callSidOfUuid } from '../../src/api/sids.js';
import type { SimulatedCall } from '../../src/sim/index.js';
import { ACCOUNT_A, basic, raw, TOKEN_A } from '../api/api-support.js';
import { get, sample, startService, type ServiceHarness } from '../ops/service-support.js';
import { apps, loopbackLookup } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { describeWithRedis, useRedisServer } from '../support/redis-server.js';
import { twiml } from '../support/twiml-server.js';
import { FAST_REDIS, withClient } from './cluster-support.js';

const KAZOO_ACCOUNT = ACCOUNT_A.slice(2);
const OTHER_KAZOO_ACCOUNT = 'f0'.repeat(16);
const LONG_SAY = `<Say loop="0">${'Please hold the line. '.repeat(200)}</Say>`;

describeWithRedis('cluster: two servers sharing Redis', () => {
  const redis = useRedisServer();
  let servers: ServiceHarness[] = [];

  /** A whole server with the Calls API, one call per account at most, on `url` (default: the suite's Redis). */
  async function startServer(url = redis.url): Promise<ServiceHarness> {
    const s = await startService({
      api: { enabled: true, port: 0, host: '127.0.0.1' },
      webhook: { authToken: 'default-token', accountAuthTokens: [{ accountSid: ACCOUNT_A, authToken: TOKEN_A }] },
      call: { limits: { maxCallsPerAccount: 1 } },
      cluster: { redis: { ...FAST_REDIS, url } },
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

  /** Waits until the server's Redis connection is up, as its metrics say. */
  async function redisUp(s: ServiceHarness): Promise<void> {
    const deadline = Date.now() + 5000;
    while (sample((await get(`${s.admin}/metrics`)).body, 'pivot_cluster_redis_up') !== 1) {
      assert.ok(Date.now() < deadline, 'the server did not connect to redis');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeEach(async () => {
    await redis.start();
    await withClient(redis.url, (client) => client.flushAll());
  });

  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });

  it('the account limit holds across the servers; each server\'s API finds the other\'s calls and refuses to update them', async () => {
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
    const update = await raw(api(b), callPath(first), { method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'Status=completed' });
    assert.equal(update.status, 409, JSON.stringify(update.json));
    assert.equal(apps(first).includes('hangup'), false, 'the call goes on');
    const onOwner = await raw(api(a), callPath(first), { method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'Status=completed' });
    assert.equal(onOwner.status, 200, JSON.stringify(onOwner.json));
    await first.ended;
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
    const outage = b.logs.withCode('ERR_CLUSTER_REDIS_UNAVAILABLE').filter((l) => l['component'] === 'cluster-redis');
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
