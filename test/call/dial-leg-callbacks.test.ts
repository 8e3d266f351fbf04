import assert from 'node:assert/strict';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';
import { bridgeArg, legsOf } from './dial-support.js';

describe('engine: Dial per-leg status callbacks', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine({ timeScale: 0.02 }); });
  afterEach(async () => { await e.close(); });

  it('initiated, answered and completed for the leg that is bridged, in order, with CallDuration', async () => {
    e.web.route('/voice', twiml('<Dial><Number statusCallback="/leg" statusCallbackEvent="initiated answered completed">'
      + '+15551234567</Number></Dial>'));
    e.web.route('/leg', { status: 204, body: '' });
    const call = e.call({ bridge: [{ match: '15551234567', outcome: { type: 'answer', afterMs: 500, hangupAfterMs: 3000 } }] });
    await e.finish(call);
    await eventually(() => e.web.to('/leg').length === 3);
    const legUuid = legsOf(bridgeArg(call))[0]?.vars['origination_uuid'];
    const sent = e.web.to('/leg').map((r) => r.params);
    assert.deepEqual(sent.map((p) => p['CallStatus']), ['initiated', 'in-progress', 'completed']);
    assert.deepEqual(sent.map((p) => p['SequenceNumber']), ['0', '1', '2']);
    for (const p of sent) {
      assert.equal(p['CallSid'], legUuid);
      assert.equal(p['ParentCallSid'], call.uuid);
      assert.equal(p['Direction'], 'outbound-dial');
      assert.equal(p['To'], '+15551234567');
      assert.equal(p['CallbackSource'], 'call-progress-events');
      assert.match(p['Timestamp'] ?? '', / \d{2}:\d{2}:\d{2} \+0000$/, 'RFC 2822 with +0000, as every callback');
    }
    assert.equal(sent[2]?.['CallDuration'], '3');
  });

  it('by default only completed, with the Dial status of a leg that did not answer (busy)', async () => {
    e.web.route('/voice', twiml('<Dial><Sip statusCallback="/leg" statusCallbackMethod="GET">sip:bob@127.0.0.1</Sip></Dial>'));
    e.web.route('/leg', { status: 204, body: '' });
    const call = e.call({ bridge: [{ match: 'bob', outcome: { type: 'busy' } }] });
    await e.finish(call);
    await eventually(() => e.web.to('/leg').length === 1);
    const [only] = e.web.to('/leg');
    assert.equal(only?.method, 'GET');
    assert.equal(only?.params['CallStatus'], 'busy');
    assert.equal(only?.params['CallDuration'], '0');
  });

  it('the legs that lose to another are canceled', async () => {
    e.web.route('/voice', twiml('<Dial><Number statusCallback="/a">5550001</Number><Number statusCallback="/b">5550002</Number></Dial>'));
    e.web.route('/a', { status: 204, body: '' });
    e.web.route('/b', { status: 204, body: '' });
    const call = e.call({ bridge: [
      { match: '5550001', outcome: { type: 'answer', afterMs: 200, hangupAfterMs: 500 } },
      { match: '5550002', outcome: { type: 'no-answer' } },
    ] });
    await e.finish(call);
    await eventually(() => e.web.to('/a').length === 1 && e.web.to('/b').length === 1);
    assert.equal(e.web.to('/a')[0]?.params['CallStatus'], 'completed');
    assert.equal(e.web.to('/b')[0]?.params['CallStatus'], 'canceled');
  });
});
