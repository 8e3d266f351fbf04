/**
 * `<Dial><Conference>` across whole servers of a cluster sharing one real redis-server, each server beside its own
 * simulated FreeSWITCH node, the nodes linked over SIP and running the shipped pivot-cluster extension: one room per
 * account and name, held by the server of its first member; members of the other server join over legs.
 */
import assert from 'node:assert/strict';
import type { FsSimulator, SimulatedCall } from '../../src/sim/index.js';
import { callSidOfUuid } from '../../src/api/sids.js';
import { ACCOUNT_A, basic, raw, TOKEN_A } from '../api/api-support.js';
import type { ServiceHarness } from '../ops/service-support.js';
import { apiLines, appLines } from '../support/engine-harness.js';
import { eventually, eventuallyAsync } from '../support/harness.js';
import { describeWithRedis, useRedisServer } from '../support/redis-server.js';
import { twiml, TwimlServer } from '../support/twiml-server.js';
import { FAST_REDIS, LINKED_NODES, startChildServer, useLinkedCluster, withClient } from './cluster-support.js';

const ACCOUNT = 'acct0001';
const OK = { status: 204, body: '', contentType: 'text/plain' };
const STATUS = 'statusCallback="/status" statusCallbackEvent="start end join leave"';
/** FreeSWITCH milliseconds of the wait audio: it plays until something stops it. */
const LONG_MS = 3_600_000;
const WAIT = twiml('<Play>/media/long.mp3</Play>');

describeWithRedis('cluster: Dial Conference rooms across whole servers', () => {
  const redis = useRedisServer();
  const { sims, node, server, listed, twoServers } = useLinkedCluster(redis, {
    cluster: { legs: { answerTimeoutSeconds: 100 } },
    sim: { mediaDurations: { 'long.mp3': LONG_MS } },
    routes: { '/status': OK },
  });

  /** A call of server `s` (on its node) running `dial` from `path` of its web server. */
  function caller(s: ServiceHarness, path: string, dial: string): SimulatedCall {
    s.web.route(path, twiml(dial));
    return s.call({ variables: { pivot_voice_url: s.web.url(path), 'ecallmgr_Account-ID': ACCOUNT } });
  }

  function roomOf(call: SimulatedCall): string {
    const line = appLines(call).find((l) => l.startsWith('conference ')) ?? '';
    return line.slice('conference '.length).split('@')[0] ?? '';
  }

  const ROOM = `${ACCOUNT}-Team`;
  const members = (sim: FsSimulator): string[] => (sim.rooms.list(ROOM) ?? []).map((m) => m.uuid);
  const entry = async (room = ROOM): Promise<{ serverId: string; coreUuid: string } | null> => {
    const value = await withClient(redis.url, (client) => client.get(`${FAST_REDIS.prefix}conference:${room}`));
    return value === null ? null : JSON.parse(value) as { serverId: string; coreUuid: string };
  };

  /** The room's status callbacks as `event:CallSid`, in SequenceNumber order, once `count` have come. */
  async function statusEvents(s: ServiceHarness, count: number): Promise<{ events: string[]; sids: Set<string | undefined>;
    sequence: number[] }> {
    await eventually(() => s.web.to('/status').length >= count, 5000, `${count} status callbacks`);
    const sorted = s.web.to('/status').sort((x, y) => Number(x.params['SequenceNumber']) - Number(y.params['SequenceNumber']));
    return {
      events: sorted.map((r) => `${r.params['StatusCallbackEvent']}:${r.params['CallSid'] ?? ''}`),
      sids: new Set(sorted.map((r) => r.params['ConferenceSid'])),
      sequence: sorted.map((r) => Number(r.params['SequenceNumber'])),
    };
  }

  it('a waiting member on B hears its waitUrl until a starter joins on A; the starter\'s endConferenceOnExit, '
    + 'leaving on A, ends B\'s member, whose Dial action runs; one ConferenceSid, one sequence', async () => {
    const [a, b] = await twoServers();
    b.web.route('/wait', WAIT);
    b.web.route('/after', twiml('<Say>The host left.</Say>'));
    const waiter = caller(b, '/waiter', `<Dial action="/after"><Conference startConferenceOnEnter="false" waitUrl="/wait" ${STATUS}>`
      + 'Team</Conference></Dial>');
    await eventually(() => members(sims[1]!).length === 1, 5000, 'the waiter in its room on B\'s node');
    assert.equal(roomOf(waiter), ROOM);
    assert.deepEqual((await entry())?.coreUuid, sims[1]!.options.coreUuid, 'B holds the room');
    await eventually(() => b.web.to('/wait').length >= 1, 5000, 'the waitUrl');
    const conferenceSid = b.web.to('/wait')[0]!.params['ConferenceSid'];

    const starter = caller(a, '/starter', '<Dial><Conference endConferenceOnExit="true">Team</Conference></Dial>');
    await eventually(() => members(sims[1]!).length === 2, 5000, 'the starter, over a leg, in the room on B\'s node');
    assert.equal(roomOf(starter), '', 'the starter\'s own node has no room');
    assert.ok(starter.executed.some((e) => e.app === 'bridge' && /sofia\/pivot-cluster\/pivot-leg-[0-9a-f]{32}@127\.0\.0\.1:5082$/.test(e.arg)),
      'a leg to B\'s node, carrying only its token');
    const waiterMember = sims[1]!.rooms.list(ROOM)?.find((m) => m.uuid === waiter.uuid)?.memberId;
    const long = b.web.url('/media/long.mp3');
    await eventually(() => sims[1]!.rooms.memberPlays.some((p) => p.memberId === waiterMember && p.file === long
      && p.outcome === 'stopped'), 5000, 'the waiter\'s wait audio stopped when the starter joined on A');
    const waits = b.web.to('/wait').length;

    starter.hangup();
    await starter.ended;
    await eventually(() => b.web.to('/after').length === 1, 5000, 'the waiter\'s Dial action');
    const after = b.web.to('/after')[0]!.params;
    assert.equal(after['DialCallStatus'], 'completed');
    assert.equal(after['CallStatus'], 'in-progress', 'the waiter stayed up');
    assert.equal(after['ConferenceSid'], conferenceSid);
    await eventually(() => appLines(waiter).some((l) => l.includes('The host left.')), 5000, 'the waiter\'s action played');
    assert.equal(b.web.to('/wait').length, waits, 'no waitUrl request once the conference started');

    const { events, sids, sequence } = await statusEvents(b, 6);
    assert.deepEqual(events.slice(0, 3), [`participant-join:${waiter.uuid}`, `participant-join:${starter.uuid}`, 'conference-start:']);
    assert.deepEqual(events.slice(3, 5).sort(), [`participant-leave:${starter.uuid}`, `participant-leave:${waiter.uuid}`].sort());
    assert.equal(events[5], 'conference-end:');
    assert.deepEqual(sids, new Set([conferenceSid]));
    assert.deepEqual(sequence, [1, 2, 3, 4, 5, 6]);
    const end = b.web.to('/status').find((r) => r.params['StatusCallbackEvent'] === 'conference-end')!.params;
    assert.equal(end['ReasonConferenceEnded'], 'participant-with-end-conference-on-exit-left');
    assert.equal(end['CallSidEndingConference'], starter.uuid);
    assert.equal(a.web.to('/status').length, 0);
    waiter.hangup();
    await waiter.ended;
    await eventuallyAsync(async () => (await entry()) === null, 5000, 'the room\'s entry removed once it emptied');
  });

  it('a member of B joins the room A holds over a leg: muted, its waitUrl played there until the start; the room\'s callbacks carry its CallSid', async () => {
    const [a, b] = await twoServers();
    const first = caller(a, '/first', `<Dial><Conference startConferenceOnEnter="false" waitUrl="" ${STATUS}>Team</Conference></Dial>`);
    await eventually(() => members(sims[0]!).length === 1, 5000, 'the first member on A\'s node');
    b.web.route('/wait', WAIT);
    b.web.route('/after', OK);
    const guest = caller(b, '/guest', '<Dial action="/after"><Conference startConferenceOnEnter="false" waitUrl="/wait" muted="true">'
      + 'Team</Conference></Dial>');
    await eventually(() => members(sims[0]!).length === 2, 5000, 'B\'s member, over a leg, in the room on A\'s node');
    const legUuid = members(sims[0]!).find((uuid) => uuid !== first.uuid)!;
    const legMember = sims[0]!.rooms.list(ROOM)?.find((m) => m.uuid === legUuid);
    assert.ok(legMember && !legMember.flags.includes('speak'), 'joined muted');
    const long = b.web.url('/media/long.mp3');
    await eventually(() => sims[0]!.rooms.memberPlays.some((p) => p.memberId === legMember.memberId && p.file === long
      && p.outcome === 'playing'), 5000, 'B\'s waitUrl played to its member on A\'s node');
    const wait = b.web.to('/wait')[0]!.params;
    assert.equal(wait['CallSid'], guest.uuid, 'requested for B\'s call');
    const conferenceSid = wait['ConferenceSid'];

    const host = caller(a, '/host', '<Dial><Conference>Team</Conference></Dial>');
    await eventually(() => members(sims[0]!).length === 3, 5000, 'the host');
    await eventually(() => sims[0]!.rooms.memberPlays.some((p) => p.memberId === legMember.memberId && p.outcome === 'stopped'),
      5000, 'the wait audio stopped on the leg');
    guest.hangup();
    await guest.ended;
    host.hangup();
    first.hangup();
    await Promise.all([host.ended, first.ended]);
    const { events, sids, sequence } = await statusEvents(a, 8);
    assert.deepEqual(events.slice(0, 4), [`participant-join:${first.uuid}`, `participant-join:${guest.uuid}`,
      `participant-join:${host.uuid}`, 'conference-start:']);
    assert.equal(events[4], `participant-leave:${guest.uuid}`);
    assert.equal(events[7], 'conference-end:');
    assert.deepEqual(sids, new Set([conferenceSid]));
    assert.deepEqual(sequence, [1, 2, 3, 4, 5, 6, 7, 8]);
    await eventuallyAsync(async () => (await entry()) === null, 5000, 'the room\'s entry removed once it emptied');
  });

  it('a member of B leaves the room A holds by its timeLimit; its Dial action gets the seconds and the ConferenceSid', async () => {
    const [a, b] = await twoServers();
    const first = caller(a, '/first', '<Dial><Conference>Team</Conference></Dial>');
    await eventually(() => members(sims[0]!).length === 1, 5000, 'the first member on A\'s node');
    b.web.route('/after', OK);
    const started = Date.now();
    const guest = caller(b, '/guest', '<Dial action="/after" timeLimit="1"><Conference>Team</Conference></Dial>');
    await eventually(() => b.web.to('/after').length === 1, 8000, 'B\'s Dial action');
    const after = b.web.to('/after')[0]!.params;
    assert.equal(after['DialCallStatus'], 'completed');
    assert.equal(after['CallStatus'], 'in-progress');
    // The servers' own timers run at real speed here, the nodes' clocks 100 times faster: the limit is a real second,
    // and the duration is FreeSWITCH's measure of the stay on A's node.
    assert.ok(Date.now() - started >= 1000, 'not before the limit');
    assert.ok(Number(after['DialCallDuration']) >= 1, `DialCallDuration ${after['DialCallDuration']}`);
    assert.match(after['ConferenceSid'] ?? '', /^CF[0-9a-f]{32}$/);
    assert.deepEqual(members(sims[0]!), [first.uuid], 'the first member stays');
    assert.deepEqual(a.logs.lines.filter((l) => l.msg === 'Dial timeLimit reached; the member leaves the conference')
      .map((l) => l['callSid']), [guest.uuid], 'A took B\'s member out at its limit, logged under B\'s call');
    guest.hangup();
    first.hangup();
    await Promise.all([guest.ended, first.ended]);
  });

  it('hangupOnStar: the * of B\'s caller crosses the bridge to its leg on A, which takes the member out of A\'s room; '
    + 'B\'s Dial action runs with the ConferenceSid', async () => {
    const [a, b] = await twoServers();
    const first = caller(a, '/first', `<Dial><Conference ${STATUS}>Team</Conference></Dial>`);
    await eventually(() => members(sims[0]!).length === 1, 5000, 'the first member on A\'s node');
    b.web.route('/after', OK);
    const guest = caller(b, '/guest', '<Dial action="/after" hangupOnStar="true"><Conference>Team</Conference></Dial>');
    await eventually(() => members(sims[0]!).length === 2, 5000, 'B\'s member, over a leg, in the room on A\'s node');
    const legUuid = members(sims[0]!).find((uuid) => uuid !== first.uuid)!;
    const leg = sims[0]!.socketCall(legUuid);
    assert.ok(leg, 'the leg\'s channel runs A\'s socket');
    const memberId = sims[0]!.rooms.list(ROOM)?.find((m) => m.uuid === legUuid)?.memberId;
    await eventually(() => apiLines(leg).includes(`uuid_setvar ${legUuid} conference_controls none`), 5000,
      'the leg joined without keypad controls');

    guest.pressDigits('1');
    await eventually(() => leg.digitsTaken.some((d) => d.digit === '1'), 5000, 'the 1 relayed to the leg');
    assert.equal(members(sims[0]!).length, 2, 'a digit other than * does nothing');
    guest.pressDigits('*');
    await eventually(() => b.web.to('/after').length === 1, 5000, 'B\'s Dial action');
    assert.deepEqual(leg.digitsTaken.map((d) => `${d.digit}:${d.app ?? ''}`), ['1:conference', '*:conference'],
      'B\'s caller\'s digits, taken on A by the conference the leg is in');
    assert.ok(apiLines(leg).includes(`conference ${ROOM} hup ${memberId}`), 'A took the member out of its room');
    assert.deepEqual(members(sims[0]!), [first.uuid], 'the first member stays');
    const after = b.web.to('/after')[0]!.params;
    assert.equal(after['CallSid'], guest.uuid);
    assert.equal(after['DialCallStatus'], 'completed');
    assert.equal(after['CallStatus'], 'in-progress', 'B\'s caller stays up');
    assert.match(after['DialCallDuration'] ?? '', /^\d+$/);
    const { sids } = await statusEvents(a, 3);
    assert.deepEqual(new Set([after['ConferenceSid']]), sids, 'the room\'s ConferenceSid');
    assert.match(after['ConferenceSid'] ?? '', /^CF[0-9a-f]{32}$/);
    guest.hangup();
    first.hangup();
    await Promise.all([guest.ended, first.ended]);
  });

  it('an update of B\'s call through the Calls API takes its member out of A\'s room; the call runs the new document', async () => {
    const api = { api: { enabled: true, port: 0, host: '127.0.0.1' },
      webhook: { authToken: 'default-token', accountAuthTokens: [{ accountSid: ACCOUNT_A, authToken: TOKEN_A }] } };
    const a = await server(node(0), api);
    const b = await server(node(1), api);
    await listed(a, b);
    const dial = '<Dial action="/after"><Conference>Team</Conference></Dial>';
    const variables = (s: ServiceHarness, path: string): Record<string, string> =>
      ({ pivot_voice_url: s.web.url(path), 'ecallmgr_Account-ID': ACCOUNT_A.slice(2) });
    a.web.route('/first', twiml(dial));
    b.web.route('/guest', twiml(dial));
    b.web.route('/after', OK);
    b.web.route('/next', twiml('<Say>Moved on.</Say>'));
    const first = a.call({ variables: variables(a, '/first') });
    await eventually(() => roomOf(first) !== '' && (sims[0]!.rooms.list(roomOf(first))?.length ?? 0) === 1, 5000, 'the first member');
    const room = roomOf(first);
    const guest = b.call({ variables: variables(b, '/guest') });
    await eventually(() => (sims[0]!.rooms.list(room)?.length ?? 0) === 2, 5000, 'B\'s member in A\'s room');
    const update = await raw(`http://127.0.0.1:${b.service.apiAddress?.port ?? 0}`,
      `/2010-04-01/Accounts/${ACCOUNT_A}/Calls/${callSidOfUuid(guest.uuid)}.json`, { method: 'POST',
        headers: { authorization: basic(ACCOUNT_A, TOKEN_A), 'content-type': 'application/x-www-form-urlencoded' },
        body: `Url=${encodeURIComponent(b.web.url('/next'))}` });
    assert.equal(update.status, 200, JSON.stringify(update.json));
    await eventually(() => appLines(guest).some((l) => l.includes('Moved on.')), 5000, 'the new document');
    await eventually(() => (sims[0]!.rooms.list(room)?.length ?? 0) === 1, 5000, 'B\'s member out of the room');
    assert.equal(b.web.to('/after').length, 0, 'the Dial action does not run: the document was replaced');
    assert.equal(b.logs.withCode('ERR_CONFERENCE_REMOTE').length, 0);
    first.hangup();
    await Promise.all([first.ended, guest.ended]);
  });

  it('the room\'s server killed: its directory entry expires, and the room is free for the others', async () => {
    const simA = node(0);
    const web = await TwimlServer.start();
    const killed = await startChildServer(redis.url, { nodes: LINKED_NODES });
    try {
      web.route('/member', twiml('<Dial><Conference>Team</Conference></Dial>'));
      const member = simA.call({ host: '127.0.0.1', port: killed.esl,
        variables: { pivot_voice_url: web.url('/member'), 'ecallmgr_Account-ID': ACCOUNT } });
      await eventually(() => members(simA).length === 1, 5000, 'the member on A\'s node');
      await eventuallyAsync(async () => (await entry())?.coreUuid === simA.options.coreUuid, 5000, 'A\'s entry');
      // Past several leases, the entry is renewed.
      await new Promise((resolve) => setTimeout(resolve, FAST_REDIS.leaseMs * 2));
      assert.equal((await entry())?.coreUuid, simA.options.coreUuid);

      killed.process.signal('SIGKILL');
      await killed.process.exited;
      const killedAt = Date.now();
      assert.notEqual(await entry(), null, 'the entry outlives its server for what is left of its lease');
      await eventuallyAsync(async () => (await entry()) === null, 5000, 'the entry to expire');
      assert.ok(Date.now() - killedAt <= FAST_REDIS.leaseMs + 500, 'within a lease');

      const b = await server(node(1));
      const other = caller(b, '/other', '<Dial><Conference>Team</Conference></Dial>');
      await eventually(() => members(sims[1]!).length === 1, 5000, 'a member of B in a room of B\'s node');
      assert.equal((await entry())?.coreUuid, sims[1]!.options.coreUuid, 'B holds the room now');
      assert.equal(b.logs.withCode('ERR_CONFERENCE_REMOTE').length, 0);
      other.hangup();
      member.hangup();
      await other.ended;
    } finally {
      killed.close();
      await web.close();
    }
  });
});
