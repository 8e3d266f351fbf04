/**
 * The Calls API of a whole server (compose.ts, the default Calls service) against the FreeSWITCH simulator, through
 * Twilio's own Node client: fetch, list and update of the calls that arrive.
 */
import assert from 'node:assert/strict';
import type twilio from 'twilio';
import { callSidOfUuid } from '../../src/api/sids.js';
import type { SimulatedCall } from '../../src/sim/index.js';
import { startService, type ServiceHarness } from '../ops/service-support.js';
import { apps, loopbackLookup } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';
import { ACCOUNT_A, ACCOUNT_B, loopbackClient, TOKEN_A, TOKEN_B } from './api-support.js';

/** The Kazoo account id the simulated calls carry: account A's digits. */
const KAZOO_ACCOUNT = ACCOUNT_A.slice(2);

/** A Say that lasts (each run some 3 s, longer than the engine's shortest endless run): the call stays busy. */
const LONG_SAY = `<Say loop="0">${'Please hold the line. '.repeat(200)}</Say>`;

/** What a failed request of Twilio's client carries. */
interface RestError { readonly status: number; readonly code: number }

function isRestError(err: unknown): err is RestError {
  return typeof err === 'object' && err !== null && 'status' in err && 'code' in err;
}

async function failure(request: Promise<unknown>): Promise<RestError> {
  const err = await request.then(() => assert.fail('the request succeeded'), (e: unknown) => e);
  assert.ok(isRestError(err), String(err));
  return err;
}

/** Resolves once the simulator starts `app` on the call. */
function started(call: SimulatedCall, app: string): Promise<void> {
  return eventually(() => apps(call).includes(app), 5000, `${app} to start`);
}

describe('Calls API on a whole server: update, fetch and list of calls that arrive', () => {
  let s: ServiceHarness;
  let client: twilio.Twilio;
  beforeEach(async () => {
    s = await startService({
      api: { enabled: true, port: 0, host: '127.0.0.1' },
      webhook: { authToken: 'default-token', accountAuthTokens: [
        { accountSid: ACCOUNT_A, authToken: TOKEN_A }, { accountSid: ACCOUNT_B, authToken: TOKEN_B }] },
    }, loopbackLookup);
    client = loopbackClient(`http://127.0.0.1:${s.service.apiAddress?.port ?? 0}`, ACCOUNT_A, TOKEN_A);
  });
  afterEach(async () => {
    await s.close();
  });

  /** A call of account A from +15550001111 to +15550002222 whose first document is `/voice`. */
  function place(options: Parameters<ServiceHarness['call']>[0] = {}): SimulatedCall {
    return s.call({ callerIdNumber: '+15550001111', destinationNumber: '+15550002222', ...options,
      variables: { 'ecallmgr_Account-ID': KAZOO_ACCOUNT, ...options.variables } });
  }

  /** Each verb, with the document that holds it running, the call that runs it, and when it runs. */
  const VERBS: ReadonlyArray<{
    readonly verb: string;
    readonly document: string;
    readonly call?: (s: ServiceHarness) => Parameters<ServiceHarness['call']>[0];
    readonly running: (call: SimulatedCall, s: ServiceHarness) => Promise<void>;
  }> = [
    { verb: 'Say', document: LONG_SAY, running: (c) => started(c, 'speak') },
    { verb: 'Play', document: '<Play loop="0">https://cdn.example.com/hold.mp3</Play>', running: (c) => started(c, 'playback') },
    { verb: 'Gather', document: '<Gather action="/gathered" timeout="600"><Say>Press a key.</Say></Gather>',
      running: (c) => started(c, 'play_and_get_digits') },
    { verb: 'Record', document: '<Record action="/recorded" playBeep="false" timeout="600" maxLength="600"/>',
      call: () => ({ caller: { speech: [{ atMs: 0, durationMs: 600_000 }] } }),
      running: (c) => eventually(() => c.channel.vars.get('silence_hits_exhausted') === 'false', 5000, 'the recording') },
    { verb: 'Pause', document: '<Pause length="600"/>', running: (c) => started(c, 'sleep') },
    { verb: 'Dial ringing', document: '<Dial action="/dialed" timeout="600"><Number>5551234</Number></Dial>',
      call: () => ({ bridge: [{ match: '5551234', outcome: { type: 'answer', afterMs: 3_600_000 } }] }),
      running: (c) => eventually(() => c.channel.vars.get('originate_signal_bond') !== undefined, 5000, 'the callee to ring') },
    { verb: 'Dial bridged', document: '<Dial action="/dialed"><Number>5551234</Number></Dial>',
      call: () => ({ bridge: [{ match: '5551234', outcome: { type: 'answer', hangupAfterMs: 3_600_000 } }] }),
      running: (c) => eventually(() => c.channel.vars.get('signal_bond') !== undefined, 5000, 'the callee to answer') },
    { verb: 'Conference', document: '<Dial action="/dialed"><Conference statusCallback="/joined" statusCallbackEvent="join">room1</Conference></Dial>',
      running: (_c, h) => eventually(() => h.web.to('/joined').length > 0, 5000, 'the member to join') },
    { verb: 'Enqueue', document: '<Enqueue action="/enqueued" waitUrl="/wait">support</Enqueue>',
      running: (c) => started(c, 'playback') },
  ];

  /** Starts a call running `verb`'s document; resolves with it once the verb runs. */
  async function callRunning(entry: (typeof VERBS)[number]): Promise<SimulatedCall> {
    s.web.route('/voice', twiml(entry.document));
    s.web.route('/wait', twiml('<Play loop="0">https://cdn.example.com/hold.mp3</Play>'));
    s.web.route('/joined', { status: 204, body: '', contentType: null });
    const call = place(entry.call?.(s));
    s.web.route(`/recorded/call_recording_${call.uuid}_1.wav`, { status: 204, body: '', contentType: null });
    await entry.running(call, s);
    return call;
  }

  /** No action of the interrupted verb was requested. */
  function noActionRequested(): void {
    for (const path of ['/gathered', '/recorded', '/dialed', '/enqueued']) assert.equal(s.web.to(path).length, 0, path);
  }

  for (const entry of VERBS) {
    describe(`during ${entry.verb}`, () => {
      it('Url: the verb stops at once and the new document runs', async () => {
        s.web.route('/next', twiml('<Say>Redirected.</Say><Hangup/>'));
        const call = await callRunning(entry);
        const updated = await client.calls(callSidOfUuid(call.uuid)).update({ url: s.web.url('/next'), method: 'POST' });
        assert.equal(updated.status, entry.verb === 'Pause' ? 'ringing' : 'in-progress', 'a Pause runs unanswered');
        const end = await call.ended;
        assert.equal(s.web.to('/next').length, 1, 'the new document is requested');
        assert.equal(apps(call).at(-1), 'speak', 'and runs');
        assert.equal(end.hangupCause, 'NORMAL_CLEARING');
        noActionRequested();
        assert.equal((await client.calls(call.uuid).fetch()).status, 'completed');
      });

      it('Twiml: the document given inline runs without a request', async () => {
        const call = await callRunning(entry);
        const requests = s.web.requests.length;
        await client.calls(callSidOfUuid(call.uuid)).update({ twiml: '<Response><Say>Given inline.</Say><Hangup/></Response>' });
        await call.ended;
        const last = call.executed.at(-1);
        assert.equal(last?.app, 'speak');
        assert.match(last?.arg ?? '', /Given inline\./);
        noActionRequested();
        assert.equal(s.web.requests.filter((r) => r.path === '/voice' || r.path === '/next').length, 1,
          'no document is requested for it');
        assert.ok(s.web.requests.length >= requests);
      });

      it('Status=completed: the call is hung up', async () => {
        const call = await callRunning(entry);
        const updated = await client.calls(callSidOfUuid(call.uuid)).update({ status: 'completed' });
        assert.equal(updated.status, 'completed');
        assert.equal((await call.ended).hangupCause, 'NORMAL_CLEARING');
        noActionRequested();
      });
    });
  }

  it('a Dial bridged and redirected hangs its callee up; its leg is listed as a child of the call', async () => {
    s.web.route('/next', twiml('<Hangup/>'));
    const call = await callRunning(VERBS.find((v) => v.verb === 'Dial bridged')!);
    const [leg, ...others] = await client.calls.list({ parentCallSid: callSidOfUuid(call.uuid) });
    assert.equal(others.length, 0);
    assert.deepEqual([leg?.direction, leg?.status, leg?.to, leg?.parentCallSid], ['outbound-dial', 'in-progress', '5551234', call.uuid]);
    await client.calls(call.uuid).update({ url: s.web.url('/next') });
    await call.ended;
    const ended = await client.calls(leg?.sid ?? '').fetch();
    assert.equal(ended.status, 'completed', 'the bridged leg ends completed');
    assert.ok(call.commands.some((c) => /^api uuid_kill \S+/.test(c.command) && !c.command.includes(call.uuid)),
      'the callee leg is killed');
  });

  it('wrong states: canceled on an in-progress call and a redirect of an ended one are 21220; relative URLs in Twiml 15004', async () => {
    s.web.route('/voice', twiml(LONG_SAY));
    const call = place();
    await started(call, 'speak');
    const sid = callSidOfUuid(call.uuid);
    const canceled = await failure(client.calls(sid).update({ status: 'canceled' }));
    assert.deepEqual([canceled.status, canceled.code], [400, 21220]);
    const relative = await failure(client.calls(sid).update({ twiml: '<Response><Redirect>/elsewhere</Redirect></Response>' }));
    assert.deepEqual([relative.status, relative.code], [400, 15004]);
    const recording = await failure(client.calls(sid).update({ twiml: '<Response><Record/></Response>' }));
    assert.deepEqual([recording.status, recording.code], [400, 11100]);
    assert.equal((await client.calls(sid).fetch()).status, 'in-progress', 'the call goes on as it was');
    await client.calls(sid).update({ status: 'completed' });
    await call.ended;
    const ended = await failure(client.calls(sid).update({ url: s.web.url('/next') }));
    assert.deepEqual([ended.status, ended.code], [400, 21220]);
    const again = await failure(client.calls(sid).update({ status: 'completed' }));
    assert.equal(again.code, 21220);
  });

  it('unknown calls and another account\'s calls are 20404', async () => {
    s.web.route('/voice', twiml(LONG_SAY));
    const call = place();
    await started(call, 'speak');
    const other = loopbackClient(`http://127.0.0.1:${s.service.apiAddress?.port ?? 0}`, ACCOUNT_B, TOKEN_B);
    for (const request of [other.calls(call.uuid).fetch(), other.calls(call.uuid).update({ status: 'completed' }),
      client.calls(`CA${'0'.repeat(32)}`).fetch(), client.calls(`CA${'0'.repeat(32)}`).update({ status: 'completed' })]) {
      const err = await failure(request);
      assert.deepEqual([err.status, err.code], [404, 20404]);
    }
    assert.equal((await other.calls.list()).length, 0, 'another account lists none of them');
    assert.equal(apps(call).includes('hangup'), false, 'the call was not touched');
  });

  it('fetch and list: live and ended calls, with filters and paging, newest first', async () => {
    s.web.route('/voice', twiml(LONG_SAY));
    const first = place({ destinationNumber: '+15550003333' });
    await started(first, 'speak');
    const second = place();
    await started(second, 'speak');
    const live = await client.calls(callSidOfUuid(first.uuid)).fetch();
    assert.equal(live.sid, first.uuid, 'a call that arrived keeps its uuid as sid');
    assert.deepEqual([live.status, live.direction, live.from, live.to, live.accountSid],
      ['in-progress', 'inbound', '+15550001111', '+15550003333', ACCOUNT_A]);
    assert.ok(live.startTime instanceof Date);
    await client.calls(first.uuid).update({ status: 'completed' });
    await first.ended;
    const ended = await client.calls(first.uuid).fetch();
    assert.equal(ended.status, 'completed');
    assert.ok(ended.endTime instanceof Date);
    assert.equal(typeof ended.duration, 'string', 'duration in whole seconds, as Twilio sends it');

    const sids = (calls: Array<{ sid: string }>): string[] => calls.map((c) => c.sid);
    assert.deepEqual(sids(await client.calls.list()), [second.uuid, first.uuid], 'newest first');
    assert.deepEqual(sids(await client.calls.list({ status: 'completed' })), [first.uuid]);
    assert.deepEqual(sids(await client.calls.list({ status: 'in-progress' })), [second.uuid]);
    assert.deepEqual(sids(await client.calls.list({ to: '+15550003333' })), [first.uuid]);
    assert.deepEqual(sids(await client.calls.list({ from: '+15550001111' })), [second.uuid, first.uuid]);
    assert.deepEqual(sids(await client.calls.list({ startTimeAfter: new Date(Date.now() - 60_000) })),
      [second.uuid, first.uuid]);
    assert.deepEqual(sids(await client.calls.list({ startTimeBefore: new Date(Date.now() - 3_600_000) })), []);
    const page = await client.calls.page({ pageSize: 1 });
    assert.deepEqual(sids(page.instances), [second.uuid]);
    const next = await page.nextPage();
    assert.deepEqual(sids(next?.instances ?? []), [first.uuid]);
    assert.deepEqual(sids(await client.calls.list({ pageSize: 1 })), [second.uuid, first.uuid], 'the client follows the pages');
    await client.calls(second.uuid).update({ status: 'completed' });
    await second.ended;
  });
});
