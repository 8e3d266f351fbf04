import assert from 'node:assert/strict';
import type { SimulatedCall } from '../../src/sim/index.js';
import { apiLines, apps, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';
import { parseInlineTwiml } from '../../src/twiml/index.js';

describe('engine: interrupting a live call from outside its script', () => {
  let e: EngineHarness;
  beforeEach(async () => {
    e = await startEngine();
  });
  afterEach(async () => {
    await e.close();
  });

  /** Resolves once the simulator starts `app` on the call. */
  function started(call: SimulatedCall, app: string): Promise<void> {
    return new Promise((resolve) => {
      const seen = (name: string): void => {
        if (name !== app) return;
        call.off('execute', seen);
        resolve();
      };
      call.on('execute', seen);
    });
  }

  /** Redirects the call to /next while `app` runs, then checks that /next ran and nothing was left behind. */
  async function redirectDuring(call: SimulatedCall, app: string, when: Promise<void> = started(call, app)): Promise<void> {
    e.web.route('/next', twiml('<Say>Redirected.</Say><Hangup/>'));
    await when;
    const handle = e.calls.get(call.uuid);
    assert.ok(handle, 'the running call is registered');
    assert.equal(handle.interrupt({ url: new URL(e.web.url('/next')), method: 'POST' }), true);
    assert.equal(handle.interrupt('hangup'), false, 'a document is interrupted once');
    await e.finish(call);
    assert.ok(apiLines(call).includes(`uuid_break ${call.uuid} all`), 'the media is broken');
    assert.equal(e.web.to('/next').length, 1, 'the next document is requested');
    assert.equal(apps(call).at(-1), 'speak', 'the next document runs');
    assert.equal(e.h.logs.withCode('ERR_CALL_INTERRUPTED').filter((l) => l['next'] !== undefined).length, 1);
    assert.equal(e.calls.get(call.uuid), undefined, 'the call is gone from the registry');
  }

  it('Say: stops the speech and runs the new document', async () => {
    e.web.route('/voice', twiml('<Say loop="0">Please hold.</Say>'));
    await redirectDuring(e.call(), 'speak');
  });

  it('Play: stops the playback and runs the new document', async () => {
    e.web.route('/voice', twiml('<Play loop="0">https://cdn.example.com/hold.mp3</Play>'));
    await redirectDuring(e.call(), 'playback');
  });

  it('Pause: ends the wait and runs the new document', async () => {
    e.web.route('/voice', twiml('<Pause length="600"/>'));
    await redirectDuring(e.call(), 'sleep');
  });

  it('Gather: its input application is stopped; no action is requested; the new document runs', async () => {
    e.web.route('/voice', twiml('<Gather action="/gathered" timeout="600"><Say>Press a key.</Say></Gather>'));
    const call = e.call();
    await redirectDuring(call, 'play_and_get_digits');
    assert.ok(apiLines(call).includes(`uuid_recv_dtmf ${call.uuid} D`), 'the input application is handed its stop key');
    assert.equal(e.web.to('/gathered').length, 0);
  });

  it('Record: no action is requested; the new document runs', async () => {
    e.web.route('/voice', twiml('<Record action="/recorded" playBeep="false" timeout="600" maxLength="600"/>'));
    const call = e.call({ caller: { speech: [{ atMs: 0, durationMs: 600_000 }] } });
    e.web.route(`/recorded/call_recording_${call.uuid}_1.wav`, { status: 204, body: '', contentType: null });
    // Once the record application is recording (it sets this variable just before it waits).
    await redirectDuring(call, 'record',
      eventually(() => call.channel.vars.get('silence_hits_exhausted') === 'false', 3000, 'the recording to start'));
    assert.equal(e.web.to(`/recorded/call_recording_${call.uuid}_1.wav`).length, 1, 'what was recorded is delivered');
    assert.equal(e.web.to('/recorded').length, 0);
  });

  it('Enqueue: the waiting caller leaves the queue; its action is not requested', async () => {
    e.web.route('/voice', twiml('<Enqueue action="/enqueued" waitUrl="/wait">support</Enqueue>'));
    e.web.route('/wait', twiml('<Play loop="0">https://cdn.example.com/hold.mp3</Play>'));
    const call = e.call({ variables: { 'ecallmgr_Account-ID': 'acct0001' } });
    await redirectDuring(call, 'playback');
    assert.equal(e.web.to('/enqueued').length, 0);
  });

  it('Dial ringing: the ringing leg is hung up; the Dial action is not requested', async () => {
    e.web.route('/voice', twiml('<Dial action="/dialed" timeout="600"><Number>5551234</Number></Dial>'));
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'answer', afterMs: 3_600_000 } }] });
    await redirectDuring(call, 'bridge',
      eventually(() => call.channel.vars.get('originate_signal_bond') !== undefined, 3000, 'the callee to ring'));
    assert.equal(call.channel.vars.get('originate_disposition'), 'NORMAL_CLEARING', 'the leg was hung up, not timed out');
    assert.equal(e.web.to('/dialed').length, 0);
  });

  it('Dial bridged: the callee is hung up; the Dial action is not requested', async () => {
    e.web.route('/voice', twiml('<Dial action="/dialed"><Number>5551234</Number></Dial>'));
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'answer', hangupAfterMs: 3_600_000 } }] });
    await redirectDuring(call, 'bridge',
      eventually(() => call.channel.vars.get('signal_bond') !== undefined, 3000, 'the callee to answer'));
    assert.equal(e.web.to('/dialed').length, 0);
  });

  it('Dial Conference: the member leaves the room; the Dial action is not requested', async () => {
    e.web.route('/status', { status: 204, body: '', contentType: null });
    e.web.route('/voice', twiml('<Dial action="/dialed"><Conference statusCallback="/status" statusCallbackEvent="join">' +
      'room1</Conference></Dial>'));
    const call = e.call({ variables: { 'ecallmgr_Account-ID': 'acct0001' } });
    await redirectDuring(call, 'conference', eventually(() => e.web.to('/status').length > 0, 3000, 'the member to join'));
    assert.equal(e.web.to('/dialed').length, 0);
  });

  it('while the document is requested: the request is dropped and the new one made', async () => {
    e.web.route('/voice', { hang: true });
    const call = e.call();
    await redirectDuring(call, '', eventually(() => e.web.to('/voice').length > 0, 3000, 'the first request'));
  });

  it('inline TwiML: runs without a request; a Gather without action goes on with the next verb', async () => {
    e.web.route('/voice', twiml('<Say loop="0">Please hold.</Say>'));
    const call = e.call();
    await started(call, 'speak');
    const document = parseInlineTwiml('<Response><Gather numDigits="1" timeout="600"><Say>Press a key.</Say></Gather>' +
      '<Say>After the key.</Say><Hangup/></Response>');
    const gathering = eventually(() => call.executed.some((x) => x.arg.includes('Press a key.')), 3000, 'the inline Gather');
    assert.equal(e.calls.get(call.uuid)?.interrupt({ document }), true);
    await gathering;
    call.pressDigits('5');
    await e.finish(call);
    assert.match(call.executed.at(-1)?.arg ?? '', /After the key\./, 'the verb after the Gather runs');
    assert.equal(e.web.requests.length, 1, 'nothing is requested: not the document, not the Gather\'s input');
  });

  it('hangup: ends the call mid-verb', async () => {
    e.web.route('/voice', twiml('<Say loop="0">Please hold.</Say>'));
    const call = e.call();
    await started(call, 'speak');
    assert.equal(e.calls.get(call.uuid)?.interrupt('hangup'), true);
    await e.finish(call);
    assert.equal((await call.ended).hangupCause, 'NORMAL_CLEARING');
    assert.equal(e.web.requests.length, 1);
  });

  it('Redirect, then hangup while its document is requested: the call ends; its handle then does nothing', async () => {
    e.web.route('/voice', twiml('<Redirect>/slow</Redirect>'));
    e.web.route('/slow', { hang: true });
    const call = e.call();
    await eventually(() => e.web.to('/slow').length > 0, 3000, 'the redirect to be requested');
    const handle = e.calls.get(call.uuid);
    assert.equal(handle?.interrupt('hangup'), true);
    await e.finish(call);
    assert.equal((await call.ended).hangupCause, 'NORMAL_CLEARING');
    assert.equal(handle?.interrupt({ url: new URL(e.web.url('/voice')), method: 'POST' }), false);
    assert.equal(e.calls.size, 0);
  });
});
