/**
 * Legs between whole servers of a cluster (RemoteReach over Redis and FreeSWITCH legs), each server beside its own
 * simulated node (or two beside one), the nodes linked over SIP and running the shipped pivot-cluster extension
 * (conf/freeswitch/pivot-cluster.xml). A test job kind plays a file on the leg and returns what it saw; the calls
 * send it from a `<Pause>` whose handler the test wraps.
 */
import assert from 'node:assert/strict';
import { type ClusterPlace, type LegResult, type VerbRegistry, VERBS } from '../../src/call/index.js';
import { CONTINUE } from '../../src/call/verbs/index.js';
import { hangupChannel } from '../../src/call/call-actions.js';
import type { SimulatedCall } from '../../src/sim/index.js';
import type { ServiceHarness } from '../ops/service-support.js';
import { apps, switchSteps } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { describeWithRedis, useRedisServer } from '../support/redis-server.js';
import { twiml } from '../support/twiml-server.js';
import { FAST_REDIS, LINKED_NODES, useLinkedCluster, withClient } from './cluster-support.js';

const LONG_SAY = `<Say loop="0">${'Please hold the line. '.repeat(50)}</Say>`;
const FILE = '/var/sounds/leg-test.wav';

/** What a call's wrapped `<Pause>` sent, and what came back. */
interface Sent {
  readonly callSid: string;
  readonly result: LegResult;
  readonly ms: number;
}

describeWithRedis('cluster: legs between servers', () => {
  const redis = useRedisServer();
  /** Places made by the calls that ran `/place`, in order. */
  let places: ClusterPlace[] = [];
  let sent: Sent[] = [];
  /** What the next `/leg` call sends. */
  let leg: { place: ClusterPlace; kind: string; job: unknown } | undefined;

  /** `<Pause>` in `/place` makes the call's place; in `/leg` it runs the leg; elsewhere it pauses. */
  const verbs: VerbRegistry = {
    ...VERBS,
    Pause: {
      needsAnswer: true,
      async run(verb, ctx) {
        const reach = ctx.rooms.reach;
        const path = ctx.state.document.pathname;
        if (reach === undefined || !['/place', '/leg', '/late'].includes(path)) return VERBS.Pause.run(verb, ctx);
        if (path === '/late') {
          // The call is gone before its leg is sent.
          await hangupChannel(ctx.channel, ctx.log, 'NORMAL_CLEARING');
        }
        if (path === '/place') {
          places.push(reach.placeOf(ctx));
          return CONTINUE;
        }
        assert.ok(leg, 'the test says what the leg sends');
        const started = Date.now();
        const result = await reach.run(ctx, leg.place, leg.kind, leg.job);
        sent.push({ callSid: ctx.identity.callSid, result, ms: Date.now() - started });
        return CONTINUE;
      },
    },
  };

  const { sims, node, server, listed, twoServers, stop } = useLinkedCluster(redis, {
    cluster: { legs: { answerTimeoutSeconds: 100 } },
    service: { verbs },
    routes: {
      '/place': twiml(`<Pause/>${LONG_SAY}`),
      '/leg': twiml('<Pause/><Say>back on the first server</Say>'),
      '/late': twiml('<Pause/>'),
    },
  });

  /** A call on `s` whose script makes its place; resolves with the call and its place. */
  async function placedCall(s: ServiceHarness): Promise<{ call: SimulatedCall; place: ClusterPlace }> {
    const before = places.length;
    const call = s.call({ variables: { pivot_voice_url: s.web.url('/place') } });
    await eventually(() => places.length > before, 5000, 'the call\'s place');
    return { call, place: places[before]! };
  }

  /** A call on `s` that sends `what` over a leg; resolves once it has come back. */
  async function sendLeg(s: ServiceHarness, what: { place: ClusterPlace; kind: string; job?: unknown }): Promise<{
    call: SimulatedCall; sent: Sent }> {
    leg = { job: { file: FILE }, ...what };
    const before = sent.length;
    const call = s.call({ variables: { pivot_voice_url: s.web.url('/leg') } });
    await eventually(() => sent.length > before, 8000, 'the leg to come back');
    return { call, sent: sent[before]! };
  }

  /** Registers the test job on `s`: it plays FILE on the leg and returns who it ran for and on which channel. */
  function playJob(s: ServiceHarness, runs: Array<{ callSid: string; accountSid: string; legUuid: string }> = []): typeof runs {
    s.service.reach?.handle('test-play', async (legCtx, job, origin) => {
      runs.push({ callSid: legCtx.identity.callSid, accountSid: legCtx.identity.accountSid, legUuid: legCtx.channel.uuid });
      await legCtx.channel.execute('playback', (job as { file: string }).file, { signal: legCtx.signal });
      return { played: (job as { file: string }).file, origin };
    });
    return runs;
  }

  async function legKeys(): Promise<string[]> {
    return withClient(redis.url, (client) => client.keys(`${FAST_REDIS.prefix}leg:*`));
  }

  const bridgeArg = (call: SimulatedCall): string => call.executed.find((e) => e.app === 'bridge')?.arg ?? '';

  beforeEach(() => {
    places = [];
    sent = [];
    leg = undefined;
  });

  it('a leg to another node runs the job on the server there, on behalf of the sending call, and comes back', async () => {
    const [a, b] = await twoServers();
    const runs = playJob(b);
    const { place } = await placedCall(b);
    assert.equal(place.coreUuid, sims[1]!.options.coreUuid);
    const { call, sent: back } = await sendLeg(a, { place, kind: 'test-play' });

    assert.equal(back.result.outcome, 'completed', JSON.stringify(back.result));
    assert.deepEqual(back.result.result, { played: FILE, origin: { callSid: call.uuid, accountSid: runs[0]?.accountSid } });
    assert.equal(back.result.error, undefined);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.callSid, call.uuid, 'the job runs with the sending call\'s CallSid');
    const arg = bridgeArg(call);
    assert.match(arg, /sofia\/pivot-cluster\/pivot-leg-[0-9a-f]{32}@127\.0\.0\.1:5082$/);
    assert.ok(!arg.includes(FILE) && !arg.includes('test-play'), 'the leg carries only its token');
    const lines = b.logs.lines.filter((l) => l.msg === 'a leg from another server runs its job');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.['callSid'], call.uuid, 'logged under the sending call\'s CallSid');
    assert.equal(lines[0]?.['legUuid'], runs[0]?.legUuid);
    // The sending call goes on with its script; the leg's channel on B is gone, and nothing is left in Redis.
    await eventually(() => apps(call).includes('speak'), 5000, 'the sending call to go on');
    await eventually(() => b.service.server.activeCalls === 1, 5000, 'the leg on B to end');
    assert.deepEqual(await legKeys(), []);
  });

  it('two servers beside one node meet over a local leg (loopback into the pivot-cluster context)', async () => {
    const shared = node(0);
    const a = await server(shared);
    const b = await server(shared);
    await listed(a, b);
    const runs = playJob(b);
    const { place } = await placedCall(b);
    const { call, sent: back } = await sendLeg(a, { place, kind: 'test-play' });
    assert.equal(back.result.outcome, 'completed', JSON.stringify(back.result));
    assert.equal(runs[0]?.callSid, call.uuid);
    assert.match(bridgeArg(call), /loopback\/pivot-leg-[0-9a-f]{32}\/pivot-cluster$/);
    assert.deepEqual(await legKeys(), []);
  });

  it('three servers on three nodes: legs from two of them to the third run side by side', async () => {
    const a = await server(node(0));
    const b = await server(node(1));
    const c = await server(node(2));
    await listed(a, b, c);
    const runs = playJob(c);
    const { place } = await placedCall(c);
    const [fromA, fromB] = await Promise.all([sendLeg(a, { place, kind: 'test-play' }), sendLeg(b, { place, kind: 'test-play' })]);
    assert.equal(fromA.sent.result.outcome, 'completed');
    assert.equal(fromB.sent.result.outcome, 'completed');
    assert.deepEqual(runs.map((r) => r.callSid).sort(), [fromA.call.uuid, fromB.call.uuid].sort());
    assert.match(bridgeArg(fromA.call), /@127\.0\.0\.1:5083$/);
  });

  it('no inter-node address for the place\'s node: the leg fails at once with ERR_CLUSTER_NODE_UNKNOWN', async () => {
    const a = await server(node(0), { cluster: { nodes: [LINKED_NODES[0]] } });
    const b = await server(node(1));
    await listed(a, b);
    playJob(b);
    const { place } = await placedCall(b);
    const { call, sent: back } = await sendLeg(a, { place, kind: 'test-play' });
    assert.deepEqual(back.result, { result: undefined, outcome: 'failed', error: 'ERR_CLUSTER_NODE_UNKNOWN' });
    assert.equal(bridgeArg(call), '', 'nothing is dialled');
    assert.equal(a.logs.withCode('ERR_CLUSTER_NODE_UNKNOWN').length, 1);
    assert.ok(back.ms < 1000, `failed quickly (${back.ms} ms)`);
    assert.deepEqual(await legKeys(), []);
  });

  it('the server at the place stopped: the leg fails at once with ERR_CLUSTER_PEER_GONE', async () => {
    const [a, b] = await twoServers();
    const { place, call: held } = await placedCall(b);
    held.hangup();
    await stop(b);
    const { sent: back } = await sendLeg(a, { place, kind: 'test-play' });
    assert.deepEqual(back.result, { result: undefined, outcome: 'failed', error: 'ERR_CLUSTER_PEER_GONE' });
    assert.ok(back.ms < 1000, `failed quickly (${back.ms} ms)`);
  });

  it('the server at the place no longer listens (its entry not yet expired): the node refuses the leg, the token is never taken', async () => {
    const [a, b] = await twoServers();
    const { place, call: held } = await placedCall(b);
    held.hangup();
    await b.service.server.close(0);
    const { call, sent: back } = await sendLeg(a, { place, kind: 'test-play' });
    assert.equal(back.result.outcome, 'failed', JSON.stringify(back.result));
    assert.equal(back.result.error, 'ERR_CLUSTER_LEG_FAILED');
    const failed = a.logs.withCode('ERR_CLUSTER_LEG_FAILED');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.['cause'], 'NORMAL_TEMPORARY_FAILURE', 'the extension refuses with 503 when no socket answers');
    assert.equal(failed[0]?.['callSid'], call.uuid);
    assert.deepEqual(await legKeys(), [], 'the job that was never taken is removed');
    await eventually(() => apps(call).includes('speak'), 5000, 'the sending call to go on');
  });

  it('Redis down: the leg fails at once with the Redis error, and the call goes on', async () => {
    const [a, b] = await twoServers();
    const { place } = await placedCall(b);
    await redis.kill();
    const { call, sent: back } = await sendLeg(a, { place, kind: 'test-play' });
    assert.equal(back.result.outcome, 'failed');
    assert.equal(back.result.error, 'ERR_CLUSTER_REDIS_UNAVAILABLE');
    assert.ok(back.ms < 1000, `failed quickly (${back.ms} ms)`);
    assert.equal(bridgeArg(call), '');
    await eventually(() => apps(call).includes('speak'), 5000, 'the sending call to go on');
  });

  it('a job that expired before its leg arrived: refused unanswered (ERR_CLUSTER_LEG_UNKNOWN), failed for the sender', async () => {
    const a = await server(node(0), { cluster: { legs: { answerTimeoutSeconds: 100, jobTtlMs: 1 } } });
    const b = await server(node(1));
    await listed(a, b);
    const runs = playJob(b);
    const { place } = await placedCall(b);
    const { sent: back } = await sendLeg(a, { place, kind: 'test-play' });
    assert.equal(back.result.outcome, 'failed', JSON.stringify(back.result));
    assert.equal(runs.length, 0);
    assert.equal(b.logs.withCode('ERR_CLUSTER_LEG_UNKNOWN').length, 1);
    assert.equal(a.logs.withCode('ERR_CLUSTER_LEG_FAILED')[0]?.['cause'], 'CALL_REJECTED', '603 Decline');
  });

  it('a job of a kind the server has no handler for: refused, and the sender learns ERR_CLUSTER_LEG_KIND', async () => {
    const [a, b] = await twoServers();
    // The server's own kinds (the queues', a conference member's) stay registered.
    const own = b.service.reach?.handlerCount;
    const remove = b.service.reach?.handle('test-play', () => Promise.resolve('never'));
    remove?.();
    assert.equal(b.service.reach?.handlerCount, own, 'a removed handler is gone');
    const { place } = await placedCall(b);
    const { sent: back } = await sendLeg(a, { place, kind: 'test-play' });
    assert.deepEqual(back.result, { result: undefined, outcome: 'failed', error: 'ERR_CLUSTER_LEG_KIND' });
    assert.equal(b.logs.withCode('ERR_CLUSTER_LEG_KIND').length, 1);
  });

  it('a leg with a made-up token, or whose job is for another server, is refused unanswered without a script', async () => {
    const b = await server(node(1));
    await listed(b);
    playJob(b);
    const forged = 'ab'.repeat(16);
    const elsewhere = 'cd'.repeat(16);
    const job = { kind: 'test-play', job: {}, to: 'another-server', sender: { identity: { callSid: 'CA1', accountSid: 'AC1',
      from: '1', to: '2', direction: 'inbound' }, format: 'twilio', source: { voiceUrl: 'http://127.0.0.1/x', method: 'POST' },
      document: 'http://127.0.0.1/x' } };
    await withClient(redis.url, (client) => client.set(`${FAST_REDIS.prefix}leg:${elsewhere}`, JSON.stringify(job)));
    for (const token of [forged, elsewhere]) {
      const call = b.call({ destinationNumber: `pivot-leg-${token}` });
      assert.equal((await call.ended).hangupCause, 'CALL_REJECTED');
      assert.equal(switchSteps(call).includes('uuid_answer'), false, 'never answered');
    }
    assert.equal(b.logs.withCode('ERR_CLUSTER_LEG_UNKNOWN').length, 2);
    assert.equal(b.web.requests.length, 0, 'no script was fetched');
    assert.deepEqual(await legKeys(), [], 'a job is taken once, even by the wrong server');
  });

  it('the sending call hangs up while its job runs: the leg ends on the other node too', async () => {
    const [a, b] = await twoServers();
    let running = false;
    let ended = false;
    b.service.reach?.handle('hold', async (legCtx) => {
      running = true;
      await new Promise<void>((resolve) => legCtx.signal.addEventListener('abort', () => resolve(), { once: true }));
      // Some clean-up after the leg has gone: the sender has stopped waiting meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 100));
      ended = true;
      return 'held';
    });
    const { place } = await placedCall(b);
    leg = { place, kind: 'hold', job: {} };
    const call = a.call({ variables: { pivot_voice_url: a.web.url('/leg') } });
    await eventually(() => running, 5000, 'the job to run');
    call.hangup();
    await eventually(() => ended, 5000, 'the leg to end on B');
    await eventually(() => b.service.server.activeCalls === 1, 5000, 'the leg\'s socket on B to close');
    await eventually(() => sent.length === 1, 5000, 'the sender\'s run to resolve');
    assert.equal(sent[0]?.result.outcome, 'completed');
    assert.deepEqual(await legKeys(), [], 'no reply is left for a sender that is gone');
  });

  it('the connection of the server at the place is lost mid-job: the extension ends the leg, the sender learns no result', async () => {
    const [a, b] = await twoServers();
    let legUuid: string | undefined;
    b.service.reach?.handle('hold', async (legCtx) => {
      legUuid = legCtx.channel.uuid;
      await new Promise<void>((resolve) => legCtx.signal.addEventListener('abort', () => resolve(), { once: true }));
      return 'held';
    });
    const { place } = await placedCall(b);
    leg = { place, kind: 'hold', job: {} };
    const call = a.call({ variables: { pivot_voice_url: a.web.url('/leg') } });
    await eventually(() => legUuid !== undefined, 5000, 'the job to run');
    sims[1]?.socketCall(legUuid ?? '')?.drop();
    await eventually(() => sent.length === 1, 5000, 'the sender\'s run to resolve');
    assert.deepEqual(sent[0]?.result, { result: undefined, outcome: 'completed', error: 'ERR_CLUSTER_LEG_FAILED' });
    assert.equal(a.logs.withCode('ERR_CLUSTER_LEG_FAILED')[0]?.['cause'], 'NORMAL_TEMPORARY_FAILURE');
    await eventually(() => apps(call).includes('speak'), 5000, 'the sending call to go on');
    assert.deepEqual(await legKeys(), []);
  });

  it('a call that has hung up before its leg is bridged: canceled, and its job removed', async () => {
    const [a, b] = await twoServers();
    playJob(b);
    const { place } = await placedCall(b);
    leg = { place, kind: 'test-play', job: {} };
    a.call({ variables: { pivot_voice_url: a.web.url('/late') } });
    await eventually(() => sent.length === 1, 5000, 'the leg to come back');
    assert.equal(sent[0]?.result.outcome, 'canceled', JSON.stringify(sent[0]?.result));
    assert.deepEqual(await legKeys(), []);
    assert.equal(a.logs.withCode('ERR_CLUSTER_LEG_FAILED').length, 0);
  });

  it('a server that stops leaves the directory: no lease, no entry', async () => {
    const [, b] = await twoServers();
    await stop(b);
    const keys = await withClient(redis.url, (client) => client.keys(`${FAST_REDIS.prefix}server:*`));
    assert.equal(keys.length, 1);
  });
});
