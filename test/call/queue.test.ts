import assert from 'node:assert/strict';
import type { SimulatedCall } from '../../src/sim/index.js';
import { appLines, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';

const ACCOUNT = 'acct0001';
const OK = { status: 204, body: '', contentType: 'text/plain' };

function conferenceLines(call: SimulatedCall): string[] {
  return appLines(call).filter((l) => l.startsWith('conference '));
}

describe('engine: Enqueue and Dial Queue', () => {
  let e: EngineHarness;
  beforeEach(async () => {
    e = await startEngine();
  });
  afterEach(async () => {
    await e.close();
  });

  /** Caller A waits in `support`, hearing /wait. */
  function enqueueCaller(waitTwiml = '<Say>Please hold.</Say>', extra = ''): SimulatedCall {
    e.web.route('/voice', twiml(`<Enqueue action="/enqueued" waitUrl="/wait">support</Enqueue>${extra}`));
    e.web.route('/wait', twiml(waitTwiml));
    return e.call({ variables: { 'ecallmgr_Account-ID': ACCOUNT } });
  }

  function agent(dialTwiml: string, account = ACCOUNT): SimulatedCall {
    e.web.route('/agent', twiml(dialTwiml));
    return e.call({ variables: { pivot_voice_url: e.web.url('/agent'), 'ecallmgr_Account-ID': account } });
  }

  it('bridges the first caller with the call that dials the queue, then both actions run', async () => {
    const a = enqueueCaller();
    e.web.route('/enqueued', twiml('<Hangup/>'));
    e.web.route('/whisper', twiml('<Say>You are now connected.</Say>'));
    e.web.route('/dialed', twiml('<Say>The caller left.</Say>'));
    await eventually(() => e.web.to('/wait').length > 0, 3000, 'A to hear the wait document');
    const b = agent('<Dial action="/dialed"><Queue url="/whisper">support</Queue></Dial>');
    await eventually(() => conferenceLines(a).length === 1 && conferenceLines(b).length === 1, 3000, 'both in the room');
    await eventually(() => e.sim.rooms.list(conferenceLines(a)[0]!.split(' ')[1]!.split('@')[0]!)?.length === 2,
      3000, 'two members in the bridge room');
    assert.equal(e.rooms.queues.waitingCount, 0, 'A left the queue when it was taken');
    a.hangup();
    await e.finish(a);
    await e.finish(b);

    const [room] = conferenceLines(a);
    assert.match(room ?? '', /^conference acct0001-q-[0-9a-f_.]+@pivot\+flags\{endconf\}$/);
    assert.deepEqual(conferenceLines(b), [room], 'both calls met in the same private room');
    const wait = e.web.to('/wait')[0]!.params;
    assert.equal(wait['QueuePosition'], '1');
    assert.equal(wait['CurrentQueueSize'], '1');
    assert.equal(wait['MaxQueueSize'], '100');
    assert.match(wait['QueueSid'] ?? '', /^QU[0-9a-f]{32}$/);
    const whisper = e.web.to('/whisper')[0]!.params;
    assert.equal(whisper['CallSid'], a.uuid, 'the Queue url is run for the dequeued caller');
    assert.equal(whisper['DequeueingCallSid'], b.uuid);
    assert.equal(whisper['QueueSid'], wait['QueueSid']);
    assert.ok(appLines(a).some((l) => l.startsWith('speak ') && l.includes('You are now connected.')));

    const enqueued = e.web.to('/enqueued')[0]!.params;
    assert.equal(enqueued['QueueResult'], 'bridged');
    assert.equal(enqueued['QueueSid'], wait['QueueSid']);
    assert.match(enqueued['QueueTime'] ?? '', /^\d+$/);
    assert.equal(enqueued['CallStatus'], 'completed', 'requested after A hung up');
    const dialed = e.web.to('/dialed')[0]!.params;
    assert.equal(dialed['DialCallStatus'], 'completed');
    assert.equal(dialed['DialCallSid'], a.uuid);
    assert.match(dialed['DialCallDuration'] ?? '', /^\d+$/);
    assert.equal(dialed['QueueSid'], wait['QueueSid']);
    assert.equal(dialed['CallStatus'], 'in-progress', 'B is still up and runs the Dial action');
    assert.ok(appLines(b).some((l) => l.includes('The caller left.')));
    assert.equal(e.rooms.queues.takerCount, 0);
  });

  it('Leave takes the caller out: QueueResult=leave, then the action document runs', async () => {
    const a = enqueueCaller('<Say>Closed.</Say><Leave/>');
    e.web.route('/enqueued', twiml('<Say>Call again tomorrow.</Say>'));
    await e.finish(a);
    const enqueued = e.web.to('/enqueued');
    assert.equal(enqueued.length, 1);
    assert.equal(enqueued[0]!.params['QueueResult'], 'leave');
    assert.equal(enqueued[0]!.params['CallStatus'], 'in-progress');
    assert.ok(appLines(a).some((l) => l.includes('Call again tomorrow.')));
    assert.equal(e.rooms.queues.waitingCount, 0);
  });

  it('Leave without an action goes on with the verb after the Enqueue', async () => {
    e.web.route('/voice', twiml('<Enqueue waitUrl="/wait">support</Enqueue><Say>After the queue.</Say>'));
    e.web.route('/wait', twiml('<Leave/><Say>never</Say>'));
    const a = e.call();
    await e.finish(a);
    const said = appLines(a).filter((l) => l.startsWith('speak '));
    assert.equal(said.length, 1);
    assert.match(said[0] ?? '', /After the queue\.$/);
  });

  it('a caller who hangs up while queued leaves the queue at once: QueueResult=hangup', async () => {
    e.web.route('/voice', twiml('<Enqueue action="/enqueued" waitUrl="/wait">support</Enqueue>'));
    e.web.route('/wait', twiml('<Pause length="60"/>'));
    e.web.route('/enqueued', OK);
    const a = e.call({ caller: { hangupAtMs: 3000 } });
    await eventually(() => e.web.to('/wait').length > 0, 3000, 'the wait document');
    assert.equal(e.rooms.queues.waitingCount, 1);
    await e.finish(a);
    assert.equal(e.rooms.queues.waitingCount, 0);
    const enqueued = e.web.to('/enqueued')[0]!.params;
    assert.equal(enqueued['QueueResult'], 'hangup');
    assert.equal(enqueued['CallStatus'], 'completed');
  });

  it('QueueTime and AvgQueueTime are call time: the wait document requested again after 3 s of hold says 3', async () => {
    e.web.route('/voice', twiml('<Enqueue action="/enqueued" waitUrl="/wait">support</Enqueue>'));
    e.web.route('/wait', twiml('<Pause length="3"/>'));
    e.web.route('/enqueued', OK);
    const a = e.call();
    await eventually(() => e.web.to('/wait').length >= 2, 3000, 'the wait document, twice');
    a.hangup();
    await e.finish(a);
    const [first, second] = e.web.to('/wait').map((r) => r.params);
    assert.equal(first?.['QueueTime'], '0');
    const waited = Number(second?.['QueueTime']);
    assert.ok(waited >= 3 && waited < 5, `QueueTime ${waited}`);
    assert.ok(Math.abs(Number(second?.['AvgQueueTime']) - waited) <= 1, 'the only caller waited as long as the average');
  });

  it('a full queue answers QueueResult=queue-full at once', async () => {
    await e.close();
    e = await startEngine({ call: { queue: { maxSize: 1 } } });
    const a = enqueueCaller('<Pause length="60"/>');
    e.web.route('/enqueued', (req) => twiml(`<Say>${req.params['QueueResult'] ?? ''}</Say>`));
    await eventually(() => e.web.to('/wait').length > 0, 3000, 'A in the queue');
    const c = e.call({ variables: { 'ecallmgr_Account-ID': ACCOUNT } });
    await c.ended;
    assert.equal(e.web.to('/enqueued')[0]?.params['CallSid'], c.uuid);
    assert.equal(e.web.to('/enqueued')[0]?.params['QueueResult'], 'queue-full');
    assert.equal(e.rooms.queues.waitingCount, 1, 'A still waits');
    a.hangup();
    await e.finish(a);
    assert.equal(e.rooms.queues.waitingCount, 0);
  });

  it('Dial to an empty queue waits for its timeout (no-answer); to an unknown queue it fails', async () => {
    e.web.route('/voice', twiml('<Enqueue waitUrl="/wait">known</Enqueue>'));
    e.web.route('/wait', twiml('<Leave/>'));
    const first = e.call({ variables: { 'ecallmgr_Account-ID': ACCOUNT } });
    await e.finish(first);
    e.web.route('/dialed', twiml('<Hangup/>'));
    const b = agent('<Dial action="/dialed" timeout="2"><Queue>known</Queue></Dial>' +
      '<Dial action="/dialed"><Queue>never-used</Queue></Dial>');
    await e.finish(b);
    const [empty] = e.web.to('/dialed').map((r) => r.params);
    assert.equal(empty?.['DialCallStatus'], 'no-answer');
    assert.match(empty?.['QueueSid'] ?? '', /^QU/);
    const c = agent('<Dial action="/dialed"><Queue>never-used</Queue></Dial>');
    await e.finish(c);
    assert.equal(e.web.to('/dialed')[1]?.params['DialCallStatus'], 'failed');
    assert.equal(e.rooms.queues.takerCount, 0);
  });

  it('queues are per account, and hostile queue names never reach FreeSWITCH', async () => {
    const hostile = "x${uuid_kill all}|y@z+{a,b}[c]^ 'q\"";
    e.web.route('/voice', twiml(`<Enqueue action="/enqueued" waitUrl="/wait">${hostile.replace(/"/g, '&quot;')}</Enqueue>`));
    e.web.route('/wait', twiml('<Pause length="60"/>'));
    e.web.route('/enqueued', OK);
    e.web.route('/dialed', twiml('<Hangup/>'));
    const a = e.call({ variables: { 'ecallmgr_Account-ID': ACCOUNT } });
    await eventually(() => e.web.to('/wait').length > 0, 3000, 'A in the queue');
    const other = agent(`<Dial action="/dialed" timeout="1"><Queue>${hostile.replace(/"/g, '&quot;')}</Queue></Dial>`, 'acct0002');
    await other.ended;
    await eventually(() => e.web.to('/dialed').length === 1, 3000, 'the first Dial action');
    assert.equal(e.web.to('/dialed')[0]?.params['DialCallStatus'], 'failed', 'another account has no such queue');
    assert.equal(e.rooms.queues.waitingCount, 1);
    const b = agent(`<Dial action="/dialed"><Queue>${hostile.replace(/"/g, '&quot;')}</Queue></Dial>`);
    await eventually(() => conferenceLines(b).length === 1, 3000, 'B in the room');
    b.hangup();
    await e.finish(a);
    await e.finish(b);
    assert.equal(e.web.to('/dialed')[1]?.params['DialCallStatus'], 'completed');
    assert.equal(e.web.to('/enqueued')[0]?.params['QueueResult'], 'bridged');
    for (const call of [a, b, other]) {
      for (const cmd of call.commands) assert.ok(!cmd.command.includes('uuid_kill all'), cmd.command);
    }
    assert.equal(e.web.to('/dialed')[1]?.params['DialCallSid'], a.uuid);
  });
});
