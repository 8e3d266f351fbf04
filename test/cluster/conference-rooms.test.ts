/**
 * `<Dial><Conference>` rooms shared by two servers through the directory in a real redis-server, with a stand-in
 * for RemoteReach: its `run` hands the job to the handler the other server registered, on the sender's own channel
 * (both servers' calls are on one simulated node, so the mod_conference room is the same), with the other server's
 * rooms. The jobs and reports go through JSON, as they do between servers. (cluster-conference.test.ts runs whole
 * servers on nodes of their own, over real legs.)
 */
import assert from 'node:assert/strict';
import { handleConferenceLegs } from '../../src/call/dial/remote-conference.js';
import type { CallContext } from '../../src/call/call-context.js';
import type { ClusterPlace, LegHandler, LegResult, RemoteReach } from '../../src/call/rooms/remote-reach.js';
import { createRoomServices, type RoomServices } from '../../src/call/rooms/room-services.js';
import { RedisRoomDirectory } from '../../src/cluster/redis-room-directory.js';
import type { SimulatedCall } from '../../src/sim/index.js';
import { apiLines, appLines, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { eventually, eventuallyAsync } from '../support/harness.js';
import { describeWithRedis, useRedisServer } from '../support/redis-server.js';
import { twiml } from '../support/twiml-server.js';
import { connected, TestConnections, withClient } from './cluster-support.js';

const OK = { status: 204, body: '', contentType: 'text/plain' };
const ACCOUNT = 'acct0001';
const NODE = 'node-1';

/** A job as the stand-in saw it. */
interface SentJob {
  readonly from: string;
  readonly place: ClusterPlace;
  readonly kind: string;
  readonly job: unknown;
}

/** The servers the stand-in reaches, by serverId. */
type Peers = Map<string, { readonly reach: StandInReach; readonly rooms: () => RoomServices }>;

const wire = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** RemoteReach as a test double: runs the peer's handler on the sender's channel. */
class StandInReach implements RemoteReach {
  readonly handlers = new Map<string, LegHandler>();
  readonly sent: SentJob[] = [];
  /** Set to make every leg fail as an unreachable place does. */
  unreachable = false;
  /** Runs before the peer's handler (what happens while the leg is on its way). */
  beforeLeg: (() => Promise<void>) | undefined;

  constructor(readonly serverId: string, readonly peers: Peers) {}

  placeOf(): ClusterPlace {
    return { serverId: this.serverId, coreUuid: NODE };
  }

  sameNode(_ctx: CallContext, place: ClusterPlace): boolean {
    return place.coreUuid === NODE;
  }

  async run(ctx: CallContext, place: ClusterPlace, kind: string, job: unknown): Promise<LegResult> {
    this.sent.push({ from: this.serverId, place, kind, job: wire(job) });
    const peer = this.peers.get(place.serverId);
    const handler = peer?.reach.handlers.get(kind);
    if (this.unreachable || !peer || !handler) return { result: undefined, outcome: 'failed' };
    await this.beforeLeg?.();
    // As the real reach does, the leg's context acts for the sending call; here it is the sending call's own.
    const legCtx: CallContext = { ...ctx, rooms: peer.rooms() };
    try {
      const result = await handler(legCtx, wire(job), { callSid: ctx.identity.callSid, accountSid: ctx.identity.accountSid });
      return { result: wire(result), outcome: 'completed' };
    } catch {
      return { result: undefined, outcome: 'completed' };
    }
  }

  handle(kind: string, handler: LegHandler): () => void {
    this.handlers.set(kind, handler);
    return () => this.handlers.delete(kind);
  }
}

describeWithRedis('cluster: Dial Conference rooms across servers (directory in Redis, a stand-in for the legs)', () => {
  const redis = useRedisServer();
  const connections = new TestConnections(redis);
  let a: EngineHarness;
  let b: EngineHarness;
  let reachA: StandInReach;
  let reachB: StandInReach;
  let directoryA: RedisRoomDirectory;
  let directoryB: RedisRoomDirectory;

  beforeEach(async () => {
    await redis.start();
    await withClient(redis.url, (client) => client.flushAll());
    const onA = connections.open('A');
    const onB = connections.open('B');
    await Promise.all([connected(onA.redis), connected(onB.redis)]);
    const peers: Peers = new Map();
    reachA = new StandInReach('A', peers);
    reachB = new StandInReach('B', peers);
    directoryA = new RedisRoomDirectory(onA.redis);
    directoryB = new RedisRoomDirectory(onB.redis);
    a = await startEngine({ rooms: createRoomServices(undefined, { reach: reachA, directory: directoryA }) });
    b = await startEngine({ rooms: createRoomServices(undefined, { reach: reachB, directory: directoryB }) });
    peers.set('A', { reach: reachA, rooms: () => a.rooms });
    peers.set('B', { reach: reachB, rooms: () => b.rooms });
    handleConferenceLegs(reachA);
    handleConferenceLegs(reachB);
    for (const e of [a, b]) e.web.route('/status', OK);
  });

  afterEach(async () => {
    directoryA.close();
    directoryB.close();
    await a.close();
    await b.close();
    await connections.closeAll();
  });

  /** A call of server `e` running `dial`; every call is on A's simulated node. */
  function caller(e: EngineHarness, path: string, dial: string): SimulatedCall {
    e.web.route(path, twiml(dial));
    return a.sim.call({ host: '127.0.0.1', port: e.h.port,
      variables: { pivot_voice_url: e.web.url(path), 'ecallmgr_Account-ID': ACCOUNT } });
  }

  function roomOf(call: SimulatedCall): string {
    const line = appLines(call).find((l) => l.startsWith('conference ')) ?? '';
    return line.slice('conference '.length).split('@')[0] ?? '';
  }

  async function inRoom(call: SimulatedCall, members = 1): Promise<void> {
    await eventually(() => roomOf(call) !== '' && (a.sim.rooms.list(roomOf(call))?.length ?? 0) >= members, 3000,
      `${members} member(s) in the room`);
  }

  const entry = (room: string): Promise<string | null> => withClient(redis.url, (client) => client.get(`test:conference:${room}`));

  it('one room for both servers: a member of B waits with its waitUrl until a starter joins on A, the starter\'s '
    + 'endConferenceOnExit ends B\'s member, whose Dial action runs; one ConferenceSid, one sequence', async () => {
    const callbacks = 'statusCallback="/status" statusCallbackEvent="start end join leave"';
    const first = caller(a, '/first', `<Dial><Conference startConferenceOnEnter="false" ${callbacks}>Team</Conference></Dial>`);
    await inRoom(first);
    const room = roomOf(first);
    assert.deepEqual(JSON.parse((await entry(room)) ?? '{}'), { serverId: 'A', coreUuid: NODE }, 'A holds the room');

    b.web.route('/wait', twiml('<Say>Please hold.</Say>'));
    b.web.route('/after', twiml('<Say>The host left.</Say>'));
    const guest = caller(b, '/guest', '<Dial action="/after" timeLimit="600"><Conference startConferenceOnEnter="false" '
      + 'waitUrl="/wait" muted="true" beep="onExit">Team</Conference></Dial>');
    await inRoom(first, 2);
    assert.equal(roomOf(guest), room);
    assert.equal(reachB.sent.length, 1, 'B sent its member to A');
    const sent = reachB.sent[0]!;
    assert.deepEqual(sent.place, { serverId: 'A', coreUuid: NODE });
    assert.equal(sent.kind, 'conference');
    assert.deepEqual(sent.job, {
      name: 'Team',
      attributes: { muted: true, beep: 'onExit', startConferenceOnEnter: false, endConferenceOnExit: false,
        waitMethod: 'POST', maxParticipants: 250, record: 'do-not-record', statusCallbackEvent: [],
        statusCallbackMethod: 'POST', waitUrl: b.web.url('/wait') },
      dial: { timeLimit: 600, hangupOnStar: false, action: b.web.url('/after') },
    });
    assert.ok(appLines(guest).some((l) => l.startsWith('conference ') && l.includes('mute')), 'joined muted');

    // B's member hears its own waitUrl, with the room's ConferenceSid, until the conference starts.
    const guestMember = a.sim.rooms.list(room)?.find((m) => m.uuid === guest.uuid)?.memberId;
    await eventually(() => a.sim.rooms.memberPlays.some((p) => p.memberId === guestMember && p.file.endsWith('|Please hold.')),
      3000, 'the wait audio');
    const wait = b.web.to('/wait')[0]!.params;
    assert.equal(wait['CallSid'], guest.uuid);
    const conferenceSid = wait['ConferenceSid'];
    assert.match(conferenceSid ?? '', /^CF[0-9a-f]{32}$/);

    const host = caller(a, '/host', '<Dial><Conference endConferenceOnExit="true">Team</Conference></Dial>');
    await inRoom(first, 3);
    await eventually(() => apiLines(guest).includes(`conference ${room} stop all ${guestMember}`), 3000,
      'B\'s member\'s wait audio stopped when the starter joined on A');
    host.hangup();
    await a.finish(host);
    await b.finish(guest);
    await a.finish(first);

    const after = b.web.to('/after')[0]!.params;
    assert.equal(after['DialCallStatus'], 'completed');
    assert.equal(after['CallStatus'], 'in-progress', 'B\'s member stayed up and went on to its action');
    assert.equal(after['ConferenceSid'], conferenceSid);
    assert.match(after['DialCallDuration'] ?? '', /^\d+$/);
    assert.ok(appLines(guest).some((l) => l.includes('The host left.')));

    // Callbacks are sent without waiting for each other (from both servers' clients here): their order is the sequence.
    await eventually(() => a.web.to('/status').length === 8, 3000, 'the callbacks');
    const statuses = a.web.to('/status').sort((x, y) => Number(x.params['SequenceNumber']) - Number(y.params['SequenceNumber']));
    const events = statuses.map((r) => `${r.params['StatusCallbackEvent']}:${r.params['CallSid'] ?? ''}`);
    assert.deepEqual(events.slice(0, 4), [
      `participant-join:${first.uuid}`, `participant-join:${guest.uuid}`, `participant-join:${host.uuid}`, 'conference-start:',
    ]);
    assert.deepEqual(events.slice(4, 7).sort(), [
      `participant-leave:${first.uuid}`, `participant-leave:${guest.uuid}`, `participant-leave:${host.uuid}`,
    ].sort());
    assert.equal(events[7], 'conference-end:');
    assert.equal(events.length, 8);
    assert.deepEqual(new Set(a.web.to('/status').map((r) => r.params['ConferenceSid'])), new Set([conferenceSid]));
    assert.deepEqual(statuses.map((r) => Number(r.params['SequenceNumber'])), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(a.web.to('/status').find((r) => r.params['StatusCallbackEvent'] === 'conference-end')?.params['ReasonConferenceEnded'],
      'participant-with-end-conference-on-exit-left');
    assert.equal(b.web.to('/status').length, 0, 'B sends none of the room\'s callbacks');

    assert.equal(a.rooms.conferences.size, 0);
    assert.equal(b.rooms.conferences.size, 0, 'B never had a room of its own');
    assert.equal(directoryA.holdsOf(room), 0);
    await eventuallyAsync(async () => (await entry(room)) === null, 5000, 'the room\'s entry removed once it emptied');
  });

  it('maxParticipants counts the members of every server; the one over it fails its Dial on B', async () => {
    b.web.route('/done', OK);
    const dial = '<Dial action="/done"><Conference maxParticipants="2">small</Conference></Dial>';
    const one = caller(a, '/one', dial);
    await inRoom(one);
    const two = caller(b, '/two', dial);
    await inRoom(one, 2);
    const three = caller(b, '/three', dial);
    await eventually(() => b.web.to('/done').length === 1, 3000, 'the third member\'s action');
    const done = b.web.to('/done')[0]!.params;
    assert.equal(done['CallSid'], three.uuid);
    assert.equal(done['DialCallStatus'], 'failed');
    assert.match(done['ConferenceSid'] ?? '', /^CF[0-9a-f]{32}$/);
    // The stand-in runs the handler with the sender's logger, as the real legs log under the sender's CallSid.
    assert.deepEqual(b.h.logs.withCode('ERR_CONFERENCE_FULL').map((l) => l['callSid']), [three.uuid],
      'refused by the room\'s server, for the third call');
    one.hangup();
    two.hangup();
    await a.finish(one);
    await b.finish(two);
    await b.finish(three);
  });

  it('a room whose server cannot be reached: the Dial fails with ERR_CONFERENCE_REMOTE and its action runs', async () => {
    b.web.route('/done', OK);
    const one = caller(a, '/one', '<Dial><Conference>Team</Conference></Dial>');
    await inRoom(one);
    reachB.unreachable = true;
    const two = caller(b, '/two', '<Dial action="/done"><Conference>Team</Conference></Dial>');
    await eventually(() => b.web.to('/done').length === 1, 3000, 'the action');
    assert.equal(b.web.to('/done')[0]!.params['DialCallStatus'], 'failed');
    assert.equal(b.h.logs.withCode('ERR_CONFERENCE_REMOTE').length, 1);
    assert.equal(roomOf(two), '', 'never joined a room');
    one.hangup();
    await a.finish(one);
    await b.finish(two);
  });

  it('Redis down: each server\'s members join its own room at once (ERR_CONFERENCE_DIRECTORY); the room is written back '
    + 'once Redis returns', async () => {
    await redis.kill();
    const started = Date.now();
    const one = caller(b, '/one', '<Dial><Conference>Team</Conference></Dial>');
    await inRoom(one);
    assert.ok(Date.now() - started < 2000, 'no wait beyond the time limit');
    assert.equal(reachB.sent.length, 0);
    assert.equal(b.rooms.conferences.size, 1, 'B\'s own room');
    assert.equal(b.h.logs.withCode('ERR_CONFERENCE_DIRECTORY').length, 1);
    await redis.start();
    await eventuallyAsync(async () => (await entry(roomOf(one))) !== null, 5000, 'the entry written back');
    assert.deepEqual(JSON.parse((await entry(roomOf(one))) ?? '{}'), { serverId: 'B', coreUuid: NODE });
    one.hangup();
    await b.finish(one);
    await eventuallyAsync(async () => (await entry(roomOf(one))) === null, 5000, 'the entry removed');
  });

  it('a room that moved while the member was on its way (emptied there, claimed by another): the member follows it', async () => {
    const room = `${ACCOUNT}-Moved`;
    const setEntry = (serverId: string): Promise<unknown> => withClient(redis.url,
      (client) => client.set(`test:conference:${room}`, JSON.stringify({ serverId, coreUuid: NODE }), { PX: 5000 }));
    await setEntry('A');
    reachB.beforeLeg = () => setEntry('B').then(() => undefined);
    const one = caller(b, '/one', '<Dial><Conference>Moved</Conference></Dial>');
    await inRoom(one);
    assert.deepEqual(reachB.sent.map((s) => s.place.serverId), ['A'], 'one leg, to A');
    assert.equal(roomOf(one), room);
    assert.equal(b.rooms.conferences.size, 1, 'the room B now holds');
    assert.equal(a.rooms.conferences.size, 0);
    assert.equal(directoryB.holdsOf(room), 1);
    one.hangup();
    await b.finish(one);
  });
});
