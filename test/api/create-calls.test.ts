/**
 * Calls created through the API with Twilio's Node client, placed by a real server through a simulated node's
 * inbound Event Socket: what is dialled, what runs once the callee answers, how each outcome is reported (fetch and
 * status callbacks), cancel, refusals before anything is dialled, limits, nodes that are down, and a server that stops.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { appLines } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';
import { ACCOUNT_A, callbacks, startCreate, statusOf, until, type CreateHarness } from './create-support.js';

const TO = '+15559870000';
const FROM = '+15551230000';

/** Twilio's client rejects with a RestException carrying Twilio's code and the HTTP status. */
async function refused(promise: Promise<unknown>): Promise<{ code: number; status: number }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { code?: number; status?: number };
    return { code: e.code ?? 0, status: e.status ?? 0 };
  }
  return assert.fail('the request was not refused');
}

describe('Calls API: creating calls', function () {
  this.timeout(20_000);
  let c: CreateHarness;
  afterEach(async () => { await c.close(); });

  it('Url: 201 queued, the originate of the number with From as caller id, the first request in-progress and outbound-api', async () => {
    c = await startCreate();
    c.web.route('/voice', twiml('<Say>Hello</Say>'));
    const created = await c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice') });
    assert.equal(created.status, 'queued');
    assert.match(created.sid, /^CA[0-9a-f]{32}$/);
    assert.equal(created.direction, 'outbound-api');
    await eventually(() => c.node.originates.length === 1, 3000, 'the originate');
    const record = c.node.originates[0];
    assert.ok(record);
    const uuid = created.sid.slice(2).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    assert.deepEqual({ ...record.vars }, {
      origination_uuid: uuid, origination_caller_id_number: FROM, originate_timeout: '60', ignore_early_media: 'true',
    });
    assert.equal(record.request?.dialString.endsWith(`}loopback/${TO}/context_2`), true);
    const answered = await record.answered;
    assert.ok(answered?.call);
    await answered.call.ended;
    const first = c.web.requests.find((r) => r.path === '/voice');
    assert.ok(first);
    assert.equal(first.params['CallSid'], created.sid);
    assert.equal(first.params['CallStatus'], 'in-progress');
    assert.equal(first.params['Direction'], 'outbound-api');
    assert.equal(first.params['To'], TO);
    assert.equal(first.params['From'], FROM);
    assert.equal(first.params['AccountSid'], ACCOUNT_A);
    assert.deepEqual(appLines(answered.call).filter((l) => l.startsWith('speak')), ['speak flite|rms|Hello']);
    await statusOf(c, created.sid, 'completed', 3000);
  });

  it('Twiml: runs inline, without a request for its document', async () => {
    c = await startCreate();
    const created = await c.client.calls.create({ to: TO, from: FROM, twiml: '<Response><Say>Inline</Say></Response>' });
    await eventually(() => c.node.originates.length === 1, 3000, 'the originate');
    const answered = await c.node.originates[0]?.answered;
    assert.ok(answered?.call);
    await answered.call.ended;
    assert.ok(appLines(answered.call).includes('speak flite|rms|Inline'));
    assert.equal(c.web.requests.length, 0);
    await statusOf(c, created.sid, 'completed', 3000);
  });

  it('SendDigits are sent once answered, before the first request; TimeLimit hangs the call up', async () => {
    c = await startCreate();
    c.web.route('/voice', twiml('<Pause length="20"/>'));
    const started = Date.now();
    const created = await c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice'), sendDigits: '12w#',
      timeLimit: 1 });
    await until(() => c.node.originates.length === 1, 3000, 'the originate');
    const answered = await c.node.originates[0]?.answered;
    assert.ok(answered?.call);
    await answered.call.ended;
    assert.deepEqual(appLines(answered.call).slice(0, 1), ['send_dtmf 12w#']);
    assert.ok(Date.now() - started < 5000, 'the call ended at its TimeLimit, not after its 20 s pause');
    assert.equal(c.node.originates[0]?.vars['execute_on_answer_pivot_limit'], 'sched_hangup +3 ALLOTTED_TIMEOUT');
    await statusOf(c, created.sid, 'completed');
    const call = await c.client.calls(created.sid).fetch();
    assert.equal(call.duration, '1');
  });

  it('status callbacks: the events asked for, SequenceNumber going on from the originate to the script', async () => {
    c = await startCreate({ originate: [{ match: TO, outcome: { type: 'answer', afterMs: 200 } }] });
    c.web.route('/voice', twiml('<Say>Hi</Say>'));
    c.web.route('/status', '');
    await c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice'), statusCallback: c.web.url('/status'),
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'] });
    await eventually(() => callbacks(c.web, '/status').length === 4, 5000, 'four callbacks');
    assert.deepEqual(callbacks(c.web, '/status'), ['initiated:0', 'ringing:1', 'in-progress:2', 'completed:3']);
    const completed = c.web.requests.filter((r) => r.path === '/status').at(-1);
    assert.equal(completed?.params['Direction'], 'outbound-api');
    assert.ok(completed?.params['CallDuration'] !== undefined);
  });

  it('busy: fetch and the completed callback (the only one by default) say busy; nothing runs', async () => {
    c = await startCreate({ originate: [{ match: TO, outcome: { type: 'busy' } }] });
    c.web.route('/status', '');
    const created = await c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice'),
      statusCallback: c.web.url('/status') });
    await eventually(() => callbacks(c.web, '/status').length === 1, 3000, 'the completed callback');
    assert.deepEqual(callbacks(c.web, '/status'), ['busy:0']);
    assert.equal((await c.client.calls(created.sid).fetch()).status, 'busy');
    assert.equal(c.web.requests.filter((r) => r.path === '/voice').length, 0);
  });

  it('no-answer after Timeout seconds: originate_timeout is the Timeout; nothing runs', async () => {
    c = await startCreate({ originate: [{ match: TO, outcome: { type: 'no-answer' } }] });
    const started = Date.now();
    const created = await c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice'), timeout: 2 });
    await statusOf(c, created.sid, 'no-answer', 5000);
    assert.equal(c.node.originates[0]?.vars['originate_timeout'], '2');
    // FreeSWITCH checks the ring time in whole seconds of its clock: a 2 s timeout ends between 1 and 2 s.
    assert.ok(Date.now() - started >= 1000, 'it rang for the Timeout');
  });

  it('failed: any other cause (a 404 from the far end)', async () => {
    c = await startCreate({ originate: [{ match: TO, outcome: { type: 'reject', sipStatus: 404 } }] });
    const created = await c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice') });
    await statusOf(c, created.sid, 'failed', 3000);
  });

  it('canceled while ringing: uuid_kill ORIGINATOR_CANCEL, the call ends canceled', async () => {
    c = await startCreate({ originate: [{ match: TO, outcome: { type: 'no-answer' } }] });
    c.web.route('/status', '');
    const created = await c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice'),
      statusCallback: c.web.url('/status'), statusCallbackEvent: ['ringing', 'completed'] });
    await statusOf(c, created.sid, 'ringing', 3000);
    const updated = await c.client.calls(created.sid).update({ status: 'canceled' });
    assert.equal(updated.status, 'canceled');
    await eventually(() => callbacks(c.web, '/status').length === 2, 3000, 'the callbacks');
    assert.deepEqual(callbacks(c.web, '/status'), ['ringing:0', 'canceled:1']);
  });

  it('canceled while queued: dropped before its originate is sent', async () => {
    // The first node accepts connections and never greets: placing a call waits there for the connect timeout.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      c = await startCreate({ nodesBefore: [{ host: '127.0.0.1', port: (silent.address() as AddressInfo).port }] });
      // Past the first attempt and its backoff, the silent node is tried again by the next call.
      await until(() => c.logs.lines.some((l) => l.code === 'ERR_ESL_TIMEOUT' || l.code === 'ERR_ESL_CONNECT'), 3000, 'the first attempt');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const created = await c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice') });
      assert.equal((await c.client.calls(created.sid).fetch()).status, 'queued');
      assert.equal((await c.client.calls(created.sid).update({ status: 'canceled' })).status, 'canceled');
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(c.node.originates.length, 0);
    } finally {
      silent.close();
    }
  });

  it('Status=completed on a ringing call cancels it, as Twilio does; Url on an answered one redirects it', async () => {
    c = await startCreate({ originate: [{ match: '+15550000001', outcome: { type: 'no-answer' } }] });
    const ringing = await c.client.calls.create({ to: '+15550000001', from: FROM, url: c.web.url('/voice'), timeout: 30 });
    await statusOf(c, ringing.sid, 'ringing');
    assert.equal((await c.client.calls(ringing.sid).update({ status: 'completed' })).status, 'canceled');
    c.web.route('/voice', twiml('<Pause length="20"/>'));
    c.web.route('/next', twiml('<Say>Redirected</Say>'));
    const answered = await c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice') });
    await until(() => c.web.requests.some((r) => r.path === '/voice'), 5000, 'the first request');
    await c.client.calls(answered.sid).update({ url: c.web.url('/next') });
    await statusOf(c, answered.sid, 'completed');
    const next = c.web.requests.find((r) => r.path === '/next');
    assert.equal(next?.params['CallSid'], answered.sid);
  });

  it('refuses a hostile To or From before anything is dialled (21211, 21212)', async () => {
    c = await startCreate();
    const url = c.web.url('/voice');
    for (const to of ['+1555,sofia/gw/1', '+1555}{x', '${x}', "sip:a@b.com' &park()", 'client:alice']) {
      assert.deepEqual(await refused(c.client.calls.create({ to, from: FROM, url })), { code: 21211, status: 400 }, to);
    }
    for (const from of ['+1555,x', '${x}', "1555'"]) {
      assert.deepEqual(await refused(c.client.calls.create({ to: TO, from, url })), { code: 21212, status: 400 }, from);
    }
    assert.deepEqual(await refused(c.client.calls.create({ to: TO, from: FROM, callerId: '+1}', url })),
      { code: 21212, status: 400 });
    assert.equal(c.node.originates.length, 0);
  });

  it('refuses invalid Twiml before anything is dialled (Twilio\'s number of the problem)', async () => {
    c = await startCreate();
    assert.deepEqual(await refused(c.client.calls.create({ to: TO, from: FROM, twiml: '<Response><Say>x</Response>' })),
      { code: 12100, status: 400 });
    assert.deepEqual(await refused(c.client.calls.create({ to: TO, from: FROM, twiml: '<Response><Redirect>/next</Redirect></Response>' })),
      { code: 15004, status: 400 });
    assert.equal(c.node.originates.length, 0);
  });

  it('the account\'s limit of calls: a created call holds a slot until it ends (20429, HTTP 429)', async () => {
    c = await startCreate({ originate: [{ match: TO, outcome: { type: 'no-answer' } }],
      overrides: { call: { limits: { accounts: [{ accountSid: ACCOUNT_A, maxCalls: 1 }] } } } });
    const first = await c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice'), timeout: 30 });
    assert.deepEqual(await refused(c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice') })),
      { code: 20429, status: 429 });
    await c.client.calls(first.sid).update({ status: 'canceled' });
    const again = await c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice'), timeout: 30 });
    assert.equal(again.status, 'queued');
  });

  it('a node that is down is skipped: the next one in order places the call', async () => {
    c = await startCreate({ nodesBefore: [{ host: '127.0.0.1', port: 1 }] });
    c.web.route('/voice', twiml('<Say>Up</Say>'));
    const created = await c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice') });
    await statusOf(c, created.sid, 'completed', 5000);
    assert.equal(c.node.originates.length, 1);
    assert.ok(c.logs.lines.some((l) => l.node === '127.0.0.1:1' && l.code === 'ERR_ESL_CONNECT'));
  });

  it('the node\'s connection lost while the phone rings: failed, and the ringing leg hung up through a new session', async () => {
    c = await startCreate({ originate: [{ match: TO, outcome: { type: 'no-answer' } }] });
    const created = await c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice'), timeout: 30 });
    await statusOf(c, created.sid, 'ringing');
    for (const session of c.sessions) session.drop();
    await statusOf(c, created.sid, 'failed');
    assert.equal(c.logs.withCode('ERR_API_ORIGINATE_FAILED').length, 1);
    assert.equal(await c.node.originates[0]?.reply, '-ERR ORIGINATOR_CANCEL\n');
  });

  it('the server stopping: a ringing call ends failed, its callback sent before the server has stopped', async () => {
    c = await startCreate({ originate: [{ match: TO, outcome: { type: 'no-answer' } }] });
    c.web.route('/status', '');
    const created = await c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice'),
      statusCallback: c.web.url('/status') });
    await eventually(() => c.node.originates.length === 1, 3000, 'the originate');
    const registry = c.service.registry;
    await c.service.stop(0);
    assert.deepEqual(callbacks(c.web, '/status'), ['failed:0']);
    assert.equal((await registry.get(ACCOUNT_A, created.sid))?.status, 'failed');
    assert.equal(c.service.origination?.originator.pending, 0);
  });
});
