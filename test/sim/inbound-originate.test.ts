/**
 * `originate` on the simulated node's inbound Event Socket, over real sockets: the replies of mod_commands.c
 * originate_function, the events of the originated channel, and the answered channel's `socket` application
 * connecting to an outbound Event Socket server.
 */
import assert from 'node:assert/strict';
import { InboundSession } from '../../src/esl/inbound-session.js';
import type { EslEvent } from '../../src/esl/event.js';
import { FsSimulator, SimInboundServer, type OutcomeRule, type OriginateRecord } from '../../src/sim/index.js';
import { eventually } from '../support/harness.js';
import { apiBody, RawInboundClient } from './helpers/inbound-raw.js';
import { parseMessage } from './helpers/esl-message.js';
import { RawServer } from './helpers/raw-server.js';

const UUID = 'a3f1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b';
const CALLEE = 'sofia/gateway/carrier/+15559870000';

interface Node {
  readonly sim: FsSimulator;
  readonly node: SimInboundServer;
  readonly port: number;
  readonly inbound: InboundSession;
  readonly events: EslEvent[];
  readonly outbound: RawServer;
  readonly outboundPort: number;
}

let current: Node | undefined;
const clients: RawInboundClient[] = [];

async function start(rules: readonly OutcomeRule[] = [], timeScale = 0.01): Promise<Node> {
  const sim = new FsSimulator({ timeScale });
  const node = new SimInboundServer(sim, { originate: rules });
  const port = await node.listen();
  const inbound = await InboundSession.open({ host: '127.0.0.1', port, password: 'ClueCon' },
    { connectTimeoutMs: 2000, commandTimeoutMs: 5000 });
  const events: EslEvent[] = [];
  inbound.onEvent((e) => events.push(e));
  await inbound.subscribe(['ALL']);
  const outbound = new RawServer();
  const outboundPort = await outbound.listen();
  current = { sim, node, port, inbound, events, outbound, outboundPort };
  return current;
}

function originateArgs(n: Node, vars: string, endpoint = CALLEE, app?: string): string {
  return `{${vars}}${endpoint} ${app ?? `'&socket(127.0.0.1:${n.outboundPort} async full)'`}`;
}

function namesFor(n: Node, uuid: string): string[] {
  return n.events.filter((e) => e.header('Unique-ID') === uuid).map((e) => e.name);
}

function lastRecord(n: Node): OriginateRecord {
  const record = n.node.originates.at(-1);
  assert.ok(record, 'the node saw an originate');
  return record;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  const n = current;
  current = undefined;
  if (!n) return;
  await n.inbound.close(0);
  await n.node.dropCalls();
  await n.node.close();
  await n.sim.close();
  await n.outbound.close();
});

describe('simulator: originate on the inbound Event Socket', () => {
  it('answers +OK <origination_uuid>, and the answered channel connects to the outbound socket as an outbound call', async () => {
    const n = await start([{ match: '+15559870000', outcome: { type: 'answer', afterMs: 3000 } }]);
    const vars = `origination_uuid=${UUID},origination_caller_id_number=+15551230000,` +
      `origination_caller_id_name='Pivot Caller',originate_timeout=30,ignore_early_media=true,pivot_x=y`;
    const reply = await n.inbound.bgapi(`originate ${originateArgs(n, vars)}`);
    assert.equal(reply, `+OK ${UUID}\n`);
    const conn = await n.outbound.accept();
    conn.send('connect\n\n');
    const raw = await conn.reader.next();
    assert.ok(raw);
    const data = parseMessage(raw);
    const get = (name: string): string | undefined => {
      const value = data.outer.find(([k]) => k === name)?.[1];
      return value === undefined ? undefined : decodeURIComponent(value);
    };
    assert.equal(get('Unique-ID'), UUID);
    assert.equal(get('Call-Direction'), 'outbound');
    assert.equal(get('Caller-Direction'), 'outbound');
    assert.equal(get('Caller-Caller-ID-Number'), '+15551230000');
    assert.equal(get('Caller-Caller-ID-Name'), 'Pivot Caller');
    assert.equal(get('Caller-Destination-Number'), '+15559870000');
    assert.equal(get('Answer-State'), 'answered');
    assert.equal(get('variable_pivot_x'), 'y');
    assert.equal(get('variable_originate_timeout'), '30');
    assert.equal(get('variable_origination_uuid'), undefined, 'FreeSWITCH consumes origination_uuid');
    assert.equal(get('variable_current_application'), 'socket');
    assert.equal(get('variable_current_application_data'), `127.0.0.1:${n.outboundPort} async full`);
    const record = lastRecord(n);
    assert.equal(record.vars['pivot_x'], 'y');
    assert.equal(record.vars['origination_uuid'], UUID);
    assert.deepEqual(record.request?.target, { kind: 'application', name: 'socket', args: `127.0.0.1:${n.outboundPort} async full` });
    const answered = await record.answered;
    assert.equal(answered?.call?.uuid, UUID);
  });

  it('raises the events of an originated channel in FreeSWITCH order, the reply coming with the answer', async () => {
    const n = await start([{ match: '+15559870000', outcome: { type: 'answer', afterMs: 2000 } }]);
    const reply = await n.inbound.bgapi(`originate ${originateArgs(n, `origination_uuid=${UUID}`)}`);
    assert.equal(reply, `+OK ${UUID}\n`);
    const conn = await n.outbound.accept();
    conn.send('connect\n\n');
    await conn.reader.next();
    await eventually(() => namesFor(n, UUID).includes('CHANNEL_PARK'), 2000, 'the socket application to park');
    assert.deepEqual(namesFor(n, UUID), [
      'CHANNEL_OUTGOING', 'CHANNEL_CREATE', 'CHANNEL_ORIGINATE', 'CHANNEL_PROGRESS',
      'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_ANSWER', 'CHANNEL_EXECUTE', 'CHANNEL_PARK',
    ]);
    const create = n.events.find((e) => e.name === 'CHANNEL_CREATE' && e.header('Unique-ID') === UUID);
    assert.equal(create?.header('Call-Direction'), 'outbound');
    assert.equal(create?.header('Answer-State'), 'ringing');
    const execute = n.events.find((e) => e.name === 'CHANNEL_EXECUTE' && e.header('Unique-ID') === UUID);
    assert.equal(execute?.header('Application'), 'socket');
    conn.socket.destroy();
    await eventually(() => namesFor(n, UUID).includes('CHANNEL_HANGUP_COMPLETE'), 2000, 'the hang-up');
  });

  for (const [label, outcome, cause] of [
    ['busy', { type: 'busy' }, 'USER_BUSY'],
    ['rejected', { type: 'reject', sipStatus: 603 }, 'CALL_REJECTED'],
    ['unroutable', { type: 'reject', cause: 'NO_ROUTE_DESTINATION' }, 'NO_ROUTE_DESTINATION'],
    ['unreachable', { type: 'unreachable' }, 'NORMAL_TEMPORARY_FAILURE'],
  ] as const) {
    it(`a ${label} callee fails the originate with -ERR ${cause} and hangs its channel up`, async () => {
      const n = await start([{ match: '+15559870000', outcome }]);
      const reply = await n.inbound.bgapi(`originate ${originateArgs(n, `origination_uuid=${UUID}`)}`);
      assert.equal(reply, `-ERR ${cause}\n`);
      await eventually(() => namesFor(n, UUID).includes('CHANNEL_HANGUP_COMPLETE'), 2000, 'the hang-up');
      assert.deepEqual(namesFor(n, UUID),
        ['CHANNEL_OUTGOING', 'CHANNEL_CREATE', 'CHANNEL_ORIGINATE', 'CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE']);
      const complete = n.events.find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
      assert.equal(complete?.header('Hangup-Cause'), cause);
      assert.equal(await lastRecord(n).answered, undefined);
    });
  }

  it('a callee that does not answer by originate_timeout fails it with -ERR NO_ANSWER, after ringing', async () => {
    const n = await start([{ match: '+15559870000', outcome: { type: 'no-answer' } }], 0.05);
    const reply = await n.inbound.bgapi(`originate ${originateArgs(n, `origination_uuid=${UUID},originate_timeout=5`)}`);
    assert.equal(reply, '-ERR NO_ANSWER\n');
    await eventually(() => namesFor(n, UUID).includes('CHANNEL_HANGUP_COMPLETE'), 2000, 'the hang-up');
    const at = (name: string): number => Number(n.events.find((e) => e.name === name)?.header('Event-Date-Timestamp'));
    const elapsedS = (at('CHANNEL_HANGUP') - at('CHANNEL_CREATE')) / 1e6;
    // FreeSWITCH gives up within (N-1, N] s; the simulator's timer may fire a little late on a loaded machine.
    assert.ok(elapsedS > 4 && elapsedS <= 6, `gave up after ${elapsedS} s`);
    assert.deepEqual(namesFor(n, UUID), ['CHANNEL_OUTGOING', 'CHANNEL_CREATE', 'CHANNEL_ORIGINATE',
      'CHANNEL_PROGRESS', 'CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE']);
  });

  it('the timeout argument applies without originate_timeout, and 60 s without either', async () => {
    const n = await start([{ match: '+1555987', outcome: { type: 'answer', afterMs: 45_000 } }]);
    const endpoint = 'sofia/gateway/carrier/+15559870001';
    const short = await n.inbound.bgapi(`originate {a=b}${endpoint} &park() XML default undef undef 3`);
    assert.equal(short, '-ERR NO_ANSWER\n');
    const long = await n.inbound.bgapi(`originate {a=b}${endpoint} &park()`);
    assert.match(long, /^\+OK [0-9a-f-]{36}\n$/);
    const uuid = long.slice(4, -1);
    const at = (name: string): number =>
      Number(n.events.find((e) => e.name === name && e.header('Unique-ID') === uuid)?.header('Event-Date-Timestamp'));
    const ringS = (at('CHANNEL_ANSWER') - at('CHANNEL_CREATE')) / 1e6;
    assert.ok(ringS >= 45 && ringS < 60, `answered after ${ringS} s`);
  });

  it('uuid_kill of the ringing leg cancels the originate with the kill\'s cause', async () => {
    const n = await start([{ match: '+15559870000', outcome: { type: 'no-answer' } }]);
    const pending = n.inbound.bgapi(`originate ${originateArgs(n, `origination_uuid=${UUID}`)}`);
    await eventually(() => namesFor(n, UUID).includes('CHANNEL_PROGRESS'), 2000, 'the leg to ring');
    const client = await RawInboundClient.open(n.port);
    clients.push(client);
    assert.equal(apiBody(await client.api(`uuid_kill ${UUID} ORIGINATOR_CANCEL`)), '+OK\n');
    assert.equal(await pending, '-ERR ORIGINATOR_CANCEL\n');
    const complete = n.events.find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && e.header('Unique-ID') === UUID);
    assert.equal(complete?.header('Hangup-Cause'), 'ORIGINATOR_CANCEL');
    assert.equal(apiBody(await client.api(`uuid_kill ${UUID}`)), '-ERR No such channel!\n');
  });

  it('uuid_kill without a cause ends the ringing leg with NORMAL_CLEARING', async () => {
    const n = await start([{ match: '+15559870000', outcome: { type: 'no-answer' } }]);
    const pending = n.inbound.bgapi(`originate ${originateArgs(n, `origination_uuid=${UUID}`)}`);
    await eventually(() => namesFor(n, UUID).includes('CHANNEL_PROGRESS'), 2000, 'the leg to ring');
    await n.inbound.bgapi(`uuid_kill ${UUID}`);
    assert.equal(await pending, '-ERR NORMAL_CLEARING\n');
  });

  it('uuid_kill after the answer hangs the connected call up', async () => {
    const n = await start();
    assert.equal(await n.inbound.bgapi(`originate ${originateArgs(n, `origination_uuid=${UUID}`)}`), `+OK ${UUID}\n`);
    const conn = await n.outbound.accept();
    conn.send('connect\n\n');
    await conn.reader.next();
    assert.equal(await n.inbound.bgapi(`uuid_kill ${UUID} NORMAL_CLEARING`), '+OK\n');
    const answered = await lastRecord(n).answered;
    const end = await answered?.call?.ended;
    assert.equal(end?.hangupCause, 'NORMAL_CLEARING');
  });

  it('`api originate` answers on the connection itself, byte for byte', async () => {
    const n = await start();
    const client = await RawInboundClient.open(n.port);
    clients.push(client);
    const body = `+OK ${UUID}\n`;
    const message = await client.api(`originate {origination_uuid=${UUID}}${CALLEE} &park()`);
    assert.equal(message, `Content-Type: api/response\nContent-Length: ${body.length}\n\n${body}`);
    const answered = await lastRecord(n).answered;
    assert.equal(answered?.parked?.uuid, UUID);
    await eventually(() => namesFor(n, UUID).includes('CHANNEL_PARK'), 2000, 'the park');
    assert.equal(apiBody(await client.api(`uuid_kill ${UUID}`)), '+OK\n');
  });

  it('refuses malformed commands as FreeSWITCH does, and stays up', async () => {
    const n = await start();
    const client = await RawInboundClient.open(n.port);
    clients.push(client);
    const usage = '-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] ' +
      '[<cid_num>] [<timeout_sec>]\n';
    assert.equal(apiBody(await client.api('originate')), usage);
    assert.equal(apiBody(await client.api(`originate ${CALLEE}`)), usage);
    assert.equal(apiBody(await client.api(`originate ${CALLEE} &park() a b c d e f`)), usage);
    assert.equal(apiBody(await client.api(`originate {a=b${CALLEE} &park()`)), '-ERR DESTINATION_OUT_OF_ORDER\n');
    assert.equal(apiBody(await client.api(`originate {a=b}[c=d ${'&park()'}`)), '-ERR DESTINATION_OUT_OF_ORDER\n');
    assert.equal(apiBody(await client.api('originate {a=b} &park()')), '-ERR DESTINATION_OUT_OF_ORDER\n');
    assert.equal(apiBody(await client.api("originate 'unclosed &park()")), usage);
    assert.equal(apiBody(await client.api('originate {{{{}}} &park(')), '-ERR DESTINATION_OUT_OF_ORDER\n');
    // FreeSWITCH reads at most 128 legs of a group.
    const many = Array.from({ length: 500 }, () => 'error/USER_BUSY').join(',');
    assert.equal(apiBody(await client.api(`originate ${many} &park()`)), '-ERR USER_BUSY\n');
    assert.equal(lastRecord(n).legs.length, 128);
    assert.match(apiBody(await client.api(`originate ${CALLEE} &park()`)) ?? '', /^\+OK /);
  });

  it('a node stopping while an originate rings ends it: the leg hangs up, the connection drops, nothing is left', async () => {
    const n = await start([{ match: '+15559870000', outcome: { type: 'no-answer' } }]);
    const pending = n.inbound.bgapi(`originate ${originateArgs(n, `origination_uuid=${UUID}`)}`);
    await eventually(() => n.node.originates.length === 1, 2000, 'the originate');
    await n.node.close();
    await assert.rejects(pending, { code: 'ERR_ESL_DISCONNECTED' });
    assert.equal(await lastRecord(n).reply, '-ERR SYSTEM_SHUTDOWN\n');
    assert.equal(n.sim.hasChannel(UUID), false);
  });

  it('splits the command on spaces outside quotes: a spaced value needs the call url quoted, an app argument its own quotes', async () => {
    const n = await start();
    const client = await RawInboundClient.open(n.port);
    clients.push(client);
    const spaced = `{origination_caller_id_name=Pivot Caller}${CALLEE}`;
    // Unquoted, `{origination_caller_id_name=Pivot` is the call url: its brace never closes.
    assert.equal(apiBody(await client.api(`originate ${spaced} &park()`)), '-ERR DESTINATION_OUT_OF_ORDER\n');
    assert.match(apiBody(await client.api(`originate '${spaced}' &park()`)) ?? '', /^\+OK /);
    assert.equal(lastRecord(n).vars['origination_caller_id_name'], 'Pivot Caller');
    const socket = `127.0.0.1:${n.outboundPort}`;
    assert.match(apiBody(await client.api(`originate ${CALLEE} &socket('${socket} async full')`)) ?? '', /^\+OK /);
    assert.deepEqual(lastRecord(n).request?.target, { kind: 'application', name: 'socket', args: `${socket} async full` });
    // Unquoted, `async` and `full)` become the dialplan and context: socket runs with the address alone.
    assert.match(apiBody(await client.api(`originate ${CALLEE} &socket(${socket} async full)`)) ?? '', /^\+OK /);
    assert.deepEqual(lastRecord(n).request?.target, { kind: 'application', name: 'socket', args: socket });
  });

  it('runs an execute_on_answer sched_hangup on the answered channel', async () => {
    const n = await start([], 0.1);
    const vars = `origination_uuid=${UUID},execute_on_answer_pivot_limit=sched_hangup +2 ALLOTTED_TIMEOUT`;
    const reply = await n.inbound.bgapi(`originate '{${vars}}${CALLEE}' '&socket(127.0.0.1:${n.outboundPort} async full)'`);
    assert.equal(reply, `+OK ${UUID}\n`);
    const conn = await n.outbound.accept();
    conn.send('connect\n\n');
    await conn.reader.next();
    const end = await (await lastRecord(n).answered)?.call?.ended;
    assert.equal(end?.hangupCause, 'ALLOTTED_TIMEOUT');
    const at = (name: string): number =>
      Number(n.events.find((e) => e.name === name && e.header('Unique-ID') === UUID)?.header('Event-Date-Timestamp'));
    const talkS = (at('CHANNEL_HANGUP') - at('CHANNEL_ANSWER')) / 1e6;
    assert.ok(talkS > 1 && talkS <= 2.5, `hung up ${talkS} s after the answer`);
  });

  it('rings parallel legs at once: the first answer wins, the others lose the race', async () => {
    const n = await start([
      { match: '/first', outcome: { type: 'answer', afterMs: 1000 } },
      { match: '/second', outcome: { type: 'answer', afterMs: 3000 } },
    ]);
    const reply = await n.inbound.bgapi('originate sofia/gateway/carrier/first,sofia/gateway/carrier/second &park()');
    const legs = lastRecord(n).legs;
    assert.equal(legs.length, 2);
    assert.equal(reply, `+OK ${legs[0]?.uuid}\n`);
    await eventually(() => namesFor(n, legs[1]?.uuid ?? '').includes('CHANNEL_HANGUP_COMPLETE'), 2000, 'the loser to hang up');
    assert.equal(legs[1]?.channel.hangupCause, 'LOSE_RACE');
  });

  it('tries failover groups in turn, and fails with the cause of the first leg when all fail', async () => {
    const n = await start([
      { match: '/busy', outcome: { type: 'busy' } },
      { match: '/rejects', outcome: { type: 'reject', cause: 'CALL_REJECTED', afterMs: 50 } },
      { match: '/answers', outcome: { type: 'answer', afterMs: 500 } },
    ]);
    const won = await n.inbound.bgapi('originate sofia/gateway/c/busy|sofia/gateway/c/answers &park()');
    assert.equal(won, `+OK ${lastRecord(n).legs[1]?.uuid}\n`);
    const lost = await n.inbound.bgapi('originate sofia/gateway/c/busy,sofia/gateway/c/rejects &park()');
    assert.equal(lost, '-ERR USER_BUSY\n');
  });

  it('keeps a fresh uuid when origination_uuid names a channel that exists (Duplicate UUID)', async () => {
    const n = await start();
    assert.equal(await n.inbound.bgapi(`originate {origination_uuid=${UUID}}${CALLEE} &park()`), `+OK ${UUID}\n`);
    const again = await n.inbound.bgapi(`originate {origination_uuid=${UUID}}${CALLEE} &park()`);
    assert.match(again, /^\+OK [0-9a-f-]{36}\n$/);
    assert.notEqual(again, `+OK ${UUID}\n`);
    assert.equal(lastRecord(n).legs[0]?.vars['origination_uuid'], UUID);
  });

  it('the scripted callee drives its side of the socket session, and error/ endpoints fail with their cause', async () => {
    const n = await start([{ match: '+15559870000', outcome: { type: 'answer', callee: { hangupAtMs: 500 } } }]);
    assert.equal(await n.inbound.bgapi(`originate ${originateArgs(n, `origination_uuid=${UUID}`)}`), `+OK ${UUID}\n`);
    const conn = await n.outbound.accept();
    conn.send('connect\n\n');
    await conn.reader.next();
    const end = await (await lastRecord(n).answered)?.call?.ended;
    assert.equal(end?.hangupCause, 'NORMAL_CLEARING');
    assert.equal(await n.inbound.bgapi('originate error/user_busy &park()'), '-ERR USER_BUSY\n');
    assert.equal(await n.inbound.bgapi('uuid_kill'), '-USAGE: <uuid> [cause]\n');
  });

  it('the switch closing ends a ringing originate with SYSTEM_SHUTDOWN and hangs its leg up', async () => {
    const n = await start([{ match: '+15559870000', outcome: { type: 'no-answer' } }]);
    const pending = n.inbound.bgapi(`originate ${originateArgs(n, `origination_uuid=${UUID}`)}`);
    await eventually(() => namesFor(n, UUID).includes('CHANNEL_PROGRESS'), 2000, 'the leg to ring');
    await n.sim.close();
    assert.equal(await pending, '-ERR SYSTEM_SHUTDOWN\n');
    assert.deepEqual(namesFor(n, UUID).slice(-2), ['CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE']);
    assert.equal(n.sim.hasChannel(UUID), false);
  });
});
