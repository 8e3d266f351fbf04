/**
 * `<Enqueue>` and `<Dial><Queue>` across whole servers sharing one real redis-server, each server with the simulated
 * FreeSWITCH node of its own; two servers beside one node are both called by that node's simulator.
 */
import assert from 'node:assert/strict';
import type { SimulatedCall } from '../../src/sim/index.js';
import { startService, type ServiceHarness } from '../ops/service-support.js';
import { appLines, loopbackLookup } from '../support/engine-harness.js';
import { eventually, eventuallyAsync } from '../support/harness.js';
import { describeWithRedis, useRedisServer } from '../support/redis-server.js';
import { twiml, TwimlServer } from '../support/twiml-server.js';
import { FAST_REDIS, redisUp, startChildServer, useLinkedCluster, withClient } from './cluster-support.js';
import { TcpCut } from './tcp-cut.js';

const ACCOUNT = 'ac'.repeat(16);
const OK = { status: 204, body: '', contentType: 'text/plain' };
/** Every server's script of a caller waiting in the line `support`, and the pages it leads to. */
const CALLER_ROUTES = {
  '/enqueued': twiml('<Hangup/>'),
  '/dialed': twiml('<Hangup/>'),
  '/wait': twiml('<Pause length="60"/>'),
  '/caller': twiml('<Enqueue action="/enqueued" waitUrl="/wait">support</Enqueue>'),
};

function conferenceLines(call: SimulatedCall): string[] {
  return appLines(call).filter((l) => l.startsWith('conference '));
}

function roomOf(call: SimulatedCall): string {
  return conferenceLines(call)[0]?.split(' ')[1]?.split('@')[0] ?? '';
}

/** The parameters of the request the web app of `s` received at `path` for `call`. */
const params = (s: ServiceHarness, path: string, call: SimulatedCall): Record<string, string> | undefined =>
  s.web.to(path).find((r) => r.params['CallSid'] === call.uuid)?.params;

describeWithRedis('cluster: queues across servers', () => {
  const redis = useRedisServer();
  let servers: ServiceHarness[] = [];
  let cuts: TcpCut[] = [];

  async function startServer(url = redis.url): Promise<ServiceHarness> {
    const s = await startService({ cluster: { redis: { ...FAST_REDIS, url } } }, loopbackLookup);
    servers.push(s);
    for (const [path, reply] of Object.entries(CALLER_ROUTES)) s.web.route(path, reply);
    return s;
  }

  /** A call from `node`'s simulated FreeSWITCH to `server`, whose web app answers `path`. */
  function callThrough(node: ServiceHarness, server: ServiceHarness, path: string): SimulatedCall {
    return node.sim.call({ host: '127.0.0.1', port: server.service.eslAddress?.port ?? 0,
      variables: { pivot_voice_url: server.web.url(path), 'ecallmgr_Account-ID': ACCOUNT } });
  }

  /** An agent on `server` (through `node`) dialling the queue. */
  function agent(node: ServiceHarness, server: ServiceHarness, dial = '<Dial action="/dialed" timeout="5"><Queue url="/whisper">support</Queue></Dial>'): SimulatedCall {
    server.web.route('/agent', twiml(dial));
    return callThrough(node, server, '/agent');
  }

  const waiting = (s: ServiceHarness, call: SimulatedCall): Promise<void> => eventually(
    () => s.web.to('/wait').some((r) => r.params['CallSid'] === call.uuid), 5000, 'the caller to wait in the queue');

  /** The CallSids in every queue's line, as Redis holds them. */
  const inLine = (): Promise<string[]> => withClient(redis.url, async (client) => {
    const lines = (await client.keys(`${FAST_REDIS.prefix}queue:*`)).filter((k) => !/:(lease|info|taken)$/.test(k));
    return (await Promise.all(lines.map((k) => client.zRange(k, 0, -1)))).flat();
  });

  /** When the lease of each entry of every queue ends (Redis's clock, ms), and Redis's clock now. */
  const leases = (): Promise<{ ends: Map<string, number>; nowMs: number }> => withClient(redis.url, async (client) => {
    const keys = await client.keys(`${FAST_REDIS.prefix}queue:*:lease`);
    const ends = new Map((await Promise.all(keys.map((k) => client.zRangeWithScores(k, 0, -1)))).flat()
      .map(({ value, score }) => [value, score] as const));
    const [seconds, micros] = await client.time();
    return { ends, nowMs: Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) };
  });

  beforeEach(async () => {
    await redis.start();
    await withClient(redis.url, (client) => client.flushAll());
  });

  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
    await Promise.all(cuts.map((c) => c.close()));
    cuts = [];
  });

  it('two servers beside one node: a caller queued on A is taken by an agent on B; they meet on the node', async () => {
    const a = await startServer();
    const b = await startServer();
    b.web.route('/whisper', twiml('<Say>You are now connected.</Say>'));
    const first = callThrough(a, a, '/caller');
    await waiting(a, first);
    const second = callThrough(a, b, '/caller');
    await waiting(b, second);
    const standing = params(b, '/wait', second);
    assert.equal(standing?.['QueuePosition'], '2', 'in line after the caller of the other server');
    assert.equal(standing?.['CurrentQueueSize'], '2');
    assert.equal(standing?.['QueueSid'], params(a, '/wait', first)?.['QueueSid'], 'one queue, one QueueSid');

    const taker = agent(a, b);
    await eventually(() => conferenceLines(first).length === 1 && conferenceLines(taker).length === 1, 5000, 'both in the room');
    assert.equal(roomOf(first), roomOf(taker), 'the same private room');
    await eventually(() => a.sim.rooms.list(roomOf(first))?.length === 2, 5000, 'two members in the room');
    // The Queue url, resolved against the agent's document, is fetched for the queued call by its own server.
    const heard = b.web.to('/whisper')[0]?.params;
    assert.equal(heard?.['CallSid'], first.uuid);
    assert.equal(heard?.['DequeueingCallSid'], taker.uuid);
    assert.ok(appLines(first).some((l) => l.startsWith('speak ') && l.includes('You are now connected.')));

    first.hangup();
    await first.ended;
    await eventually(() => params(b, '/dialed', taker) !== undefined, 5000, 'the Dial action');
    const dialed = params(b, '/dialed', taker);
    assert.equal(dialed?.['DialCallStatus'], 'completed');
    assert.equal(dialed?.['DialCallSid'], first.uuid);
    assert.equal(dialed?.['QueueSid'], standing?.['QueueSid']);
    await eventually(() => params(a, '/enqueued', first) !== undefined, 5000, 'the Enqueue action');
    assert.equal(params(a, '/enqueued', first)?.['QueueResult'], 'bridged');
    second.hangup();
    taker.hangup();
  });

  it('Redis killed mid-call: Enqueue gives system-error and Dial Queue fails at once; after the restart the waiting caller is taken', async () => {
    const a = await startServer();
    const b = await startServer();
    const first = callThrough(a, a, '/caller');
    await waiting(a, first);
    await redis.kill();
    const refused = callThrough(a, b, '/caller');
    await eventually(() => params(b, '/enqueued', refused) !== undefined, 3000, 'the Enqueue action');
    assert.equal(params(b, '/enqueued', refused)?.['QueueResult'], 'system-error');
    assert.ok(b.logs.withCode('ERR_QUEUE_UNAVAILABLE').length >= 1);
    const early = agent(a, b);
    await eventually(() => params(b, '/dialed', early) !== undefined, 3000, 'the Dial action');
    assert.equal(params(b, '/dialed', early)?.['DialCallStatus'], 'failed');
    const before = a.web.to('/wait').length;
    await eventually(() => a.web.to('/wait').length > before, 5000, 'the caller still on hold');

    await redis.start();
    await Promise.all([redisUp(a), redisUp(b)]);
    const taker = agent(a, b);
    await eventually(() => conferenceLines(taker).length === 1 && conferenceLines(first).length === 1, 8000,
      'the caller, back in line, taken');
    await eventually(() => a.sim.rooms.list(roomOf(first))?.length === 2, 5000, 'both talking');
    // Redis killed again while they talk: the talk goes on; the caller's hangup reaches the agent's server once
    // Redis is back.
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, FAST_REDIS.leaseMs));
    assert.equal(a.sim.rooms.list(roomOf(first))?.length, 2, 'still talking');
    first.hangup();
    await first.ended;
    await redis.start();
    await eventually(() => params(b, '/dialed', taker) !== undefined, 5000, 'the Dial action');
    assert.equal(params(b, '/dialed', taker)?.['DialCallStatus'], 'completed');
    await eventually(() => params(a, '/enqueued', first) !== undefined, 5000, 'the Enqueue action');
    assert.equal(params(a, '/enqueued', first)?.['QueueResult'], 'bridged');
    taker.hangup();
    refused.hangup();
  });

  it('a server killed hard with callers in line: their entries expire, and an agent on another server never gets them', async () => {
    const cut = await TcpCut.start(redis.port);
    cuts.push(cut);
    const a = await startServer(cut.url);
    const b = await startServer();
    a.web.route('/whisper', OK);
    const callers = [callThrough(a, a, '/caller'), callThrough(a, a, '/caller')];
    for (const caller of callers) await waiting(a, caller);
    cut.cut();
    const taker = agent(a, b, '<Dial action="/dialed" timeout="2"><Queue url="/whisper">support</Queue></Dial>');
    await eventually(() => params(b, '/dialed', taker) !== undefined, 8000, 'the Dial action');
    assert.equal(params(b, '/dialed', taker)?.['DialCallStatus'], 'no-answer');
    assert.equal(a.web.to('/whisper').length, 0, 'no caller of the dead server was offered');
    for (const caller of callers) assert.equal(conferenceLines(caller).length, 0);
    assert.deepEqual(await inLine(), [], 'the dead server\'s entries are gone from the line');
    // The queue itself goes on: a caller of a live server is taken.
    const live = callThrough(a, b, '/caller');
    await waiting(b, live);
    const next = agent(a, b);
    await eventually(() => conferenceLines(next).length === 1 && conferenceLines(live).length === 1, 5000, 'bridged');
    live.hangup();
    next.hangup();
    for (const caller of callers) caller.hangup();
  });

  it('the server holding callers in line killed with SIGKILL: its entries last their lease, no agent gets them, '
    + 'the node hangs its calls up, and the queue goes on', async () => {
    const b = await startServer();
    const web = await TwimlServer.start();
    const killed = await startChildServer(redis.url);
    try {
      for (const [path, reply] of Object.entries(CALLER_ROUTES)) web.route(path, reply);
      web.route('/whisper', OK);
      b.web.route('/whisper', OK);
      // Two callers of the child server, on the node of B.
      const callers = [0, 1].map(() => b.sim.call({ host: '127.0.0.1', port: killed.esl,
        variables: { pivot_voice_url: web.url('/caller'), 'ecallmgr_Account-ID': ACCOUNT } }));
      for (const caller of callers) {
        await eventually(() => web.to('/wait').some((r) => r.params['CallSid'] === caller.uuid), 5000, 'the caller to wait');
      }
      const sids = callers.map((c) => c.uuid).sort();
      // The child server renews its callers' leases while they wait.
      const renewed = (await leases()).ends;
      await new Promise((resolve) => setTimeout(resolve, FAST_REDIS.leaseMs));
      for (const sid of sids) assert.ok(((await leases()).ends.get(sid) ?? 0) > (renewed.get(sid) ?? Infinity), 'renewed');

      killed.process.signal('SIGKILL');
      await killed.process.exited;
      const killedAt = Date.now();
      // Redis heard nothing: the entries stay in line for what is left of their leases, which end within one.
      const after = await leases();
      assert.deepEqual((await inLine()).sort(), sids, 'the entries outlive their server');
      for (const sid of sids) {
        const end = after.ends.get(sid);
        assert.ok(end !== undefined && end <= after.nowMs + FAST_REDIS.leaseMs, 'the lease ends within one lease');
      }
      // The node: the socket closed under the `socket` application, the last one of the call, so the call ends.
      for (const caller of callers) {
        const end = await caller.ended;
        assert.equal(end.hangupCause, 'NORMAL_CLEARING');
        assert.equal(end.exitReceived, false);
        assert.equal(caller.channel.answerState, 'hangup');
      }

      // An agent of B dialling the queue from now until well past the leases: it never gets them. The line empties
      // within a lease: what the agent takes while the leases run is refused (nobody serves the dead server's
      // offers), and once they end any queue script drops them.
      const taker = agent(b, b, '<Dial action="/dialed" timeout="2"><Queue url="/whisper">support</Queue></Dial>');
      await eventuallyAsync(async () => (await inLine()).length === 0, 5000, 'the entries to leave the line');
      assert.ok(Date.now() - killedAt <= FAST_REDIS.leaseMs + 500, 'within a lease');
      await eventually(() => params(b, '/dialed', taker) !== undefined, 8000, 'the Dial action');
      assert.ok(Date.now() - killedAt >= FAST_REDIS.leaseMs, 'the Dial waited past the leases');
      assert.equal(params(b, '/dialed', taker)?.['DialCallStatus'], 'no-answer');
      assert.equal(params(b, '/dialed', taker)?.['DialCallSid'], undefined);
      assert.equal(web.to('/whisper').length + b.web.to('/whisper').length, 0, 'no whisper for a caller of the dead server');
      assert.equal(conferenceLines(taker).length, 0, 'no bridge room joined');
      // Only the dead server's callers were refused.
      for (const refused of b.logs.withCode('ERR_QUEUE_OFFER_REFUSED')) assert.ok(sids.includes(String(refused['callSid'])));
      for (const caller of callers) assert.equal(conferenceLines(caller).length, 0);

      // The queue itself goes on: a caller of the live server is taken.
      const live = callThrough(b, b, '/caller');
      await waiting(b, live);
      assert.equal(params(b, '/wait', live)?.['QueuePosition'], '1', 'alone in line');
      const next = agent(b, b);
      await eventually(() => conferenceLines(next).length === 1 && conferenceLines(live).length === 1, 5000, 'bridged');
      assert.equal(roomOf(next), roomOf(live));
      live.hangup();
      await eventually(() => params(b, '/dialed', next) !== undefined, 5000, 'the Dial action');
      assert.equal(params(b, '/dialed', next)?.['DialCallSid'], live.uuid);
      next.hangup();
      await Promise.all([taker.ended, next.ended]);
    } finally {
      killed.close();
      await web.close();
    }
  });

  it('without a way to other nodes, an agent takes only the callers on its own node', async () => {
    const a = await startServer();
    const b = await startServer();
    const far = callThrough(a, a, '/caller');
    await waiting(a, far);
    const taker = agent(b, b, '<Dial action="/dialed" timeout="1"><Queue>support</Queue></Dial>');
    await eventually(() => params(b, '/dialed', taker) !== undefined, 5000, 'the Dial action');
    assert.equal(params(b, '/dialed', taker)?.['DialCallStatus'], 'no-answer');
    assert.equal(conferenceLines(far).length, 0);
    const before = a.web.to('/wait').length;
    await eventually(() => a.web.to('/wait').length > before, 5000, 'the caller still waits');
    far.hangup();
    taker.hangup();
  });
});

describeWithRedis('cluster: queues across nodes (legs between servers)', () => {
  const { sims, node, server, listed } = useLinkedCluster(useRedisServer(), {
    routes: {
      ...CALLER_ROUTES,
      '/whisper': twiml('<Say>You are now connected.</Say>'),
      '/agent': twiml('<Dial action="/dialed" timeout="5"><Queue url="/whisper">support</Queue></Dial>'),
    },
  });

  function callTo(s: ServiceHarness, path: string): SimulatedCall {
    return s.call({ variables: { pivot_voice_url: s.web.url(path), 'ecallmgr_Account-ID': ACCOUNT } });
  }

  it('three servers on three nodes: callers queued on A and C are taken in order by agents on B, met on their own nodes', async () => {
    const a = await server(node(0));
    const b = await server(node(1));
    const c = await server(node(2));
    await listed(a, b, c);
    const first = callTo(a, '/caller');
    await eventually(() => params(a, '/wait', first) !== undefined, 5000, 'the first caller waits');
    const second = callTo(c, '/caller');
    await eventually(() => params(c, '/wait', second) !== undefined, 5000, 'the second caller waits');
    assert.equal(params(c, '/wait', second)?.['QueuePosition'], '2');

    const agent1 = callTo(b, '/agent');
    await eventually(() => conferenceLines(first).length === 1, 8000, 'the first caller in its room');
    const room = roomOf(first);
    await eventually(() => sims[0]!.rooms.list(room)?.length === 2, 8000, 'the agent\'s leg in the room on node A');
    assert.match(agent1.executed.find((e) => e.app === 'bridge')?.arg ?? '', /@127\.0\.0\.1:5081$/, 'a leg to node A');
    assert.equal(conferenceLines(agent1).length, 0, 'the agent itself is bridged to its leg, not in a room of its node');
    const heard = b.web.to('/whisper').find((r) => r.params['CallSid'] === first.uuid)?.params;
    assert.equal(heard?.['DequeueingCallSid'], agent1.uuid);

    const agent2 = callTo(b, '/agent');
    await eventually(() => conferenceLines(second).length === 1, 8000, 'the second caller in its room');
    await eventually(() => sims[2]!.rooms.list(roomOf(second))?.length === 2, 8000, 'the leg in the room on node C');

    first.hangup();
    await eventually(() => params(b, '/dialed', agent1) !== undefined, 8000, 'the first Dial action');
    const dialed = params(b, '/dialed', agent1);
    assert.equal(dialed?.['DialCallStatus'], 'completed');
    assert.equal(dialed?.['DialCallSid'], first.uuid);
    assert.equal(dialed?.['QueueSid'], params(a, '/wait', first)?.['QueueSid']);
    await eventually(() => params(a, '/enqueued', first) !== undefined, 5000, 'the Enqueue action');
    assert.equal(params(a, '/enqueued', first)?.['QueueResult'], 'bridged');

    agent2.hangup();
    await eventually(() => params(c, '/enqueued', second) !== undefined, 8000, 'the second Enqueue action');
    assert.equal(params(c, '/enqueued', second)?.['QueueResult'], 'bridged', 'the agent\'s hangup ends the room on node C');
  });
});
