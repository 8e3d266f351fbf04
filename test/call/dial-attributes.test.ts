import assert from 'node:assert/strict';
import { apiLines, apps, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { twiml } from '../support/twiml-server.js';
import { bridgeArg, eventTime, globalVars, legsOf } from './dial-support.js';

describe('engine: Dial attributes', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine({ timeScale: 0.02 }); });
  afterEach(async () => { await e.close(); });

  function route(dial: string): void {
    e.web.route('/voice', twiml(`${dial}<Say>after the dial</Say>`));
    e.web.route('/after', twiml('<Say>action</Say>'));
  }

  it('defaults: ring for 30 s, a 4 hour time limit, the caller keeps its own caller id', async () => {
    route('<Dial>5551234</Dial>');
    const call = e.call();
    await e.finish(call);
    const vars = globalVars(bridgeArg(call));
    assert.equal(vars['originate_timeout'], '30');
    assert.equal(vars['execute_on_answer_pivot_limit'], 'sched_hangup +14402 ALLOTTED_TIMEOUT', 'the backstop');
    assert.equal(vars['origination_caller_id_number'], undefined);
    assert.equal(vars['ignore_early_media'], undefined);
  });

  it('hangupOnStar: the caller\'s * ends the bridge, the callee is dropped and the caller goes on', async () => {
    route('<Dial hangupOnStar="true" action="/after">5551234</Dial>');
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'answer', hangupAfterMs: 600_000 } }] });
    call.on('execute', (app: string) => { if (app === 'bridge') setTimeout(() => call.pressDigits('*'), 30); });
    await e.finish(call);
    assert.ok(apiLines(call).includes(`uuid_setvar_multi ${call.uuid} continue_on_fail=true;hangup_after_bridge=false;bridge_terminate_key=*`));
    const action = e.web.to('/after')[0];
    assert.equal(action?.params['DialCallStatus'], 'completed');
    assert.ok(Number(action?.params['DialCallDuration']) < 60, 'the bridge ended long before the callee would have hung up');
    assert.deepEqual(apps(call), ['bridge', 'speak']);
  });

  it('without hangupOnStar a * does not end the bridge', async () => {
    route('<Dial action="/after">5551234</Dial>');
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'answer', hangupAfterMs: 4000 } }] });
    call.on('execute', (app: string) => { if (app === 'bridge') setTimeout(() => call.pressDigits('*'), 20); });
    await e.finish(call);
    assert.ok(apiLines(call).includes(`uuid_setvar_multi ${call.uuid} continue_on_fail=true;hangup_after_bridge=false;bridge_terminate_key=`));
    assert.equal(e.web.to('/after')[0]?.params['DialCallDuration'], '4');
  });

  it('timeLimit: the bridged leg is hung up timeLimit seconds after the bridge; sched_hangup is only the backstop', async () => {
    route('<Dial timeLimit="2" action="/after">5551234</Dial>');
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'answer', hangupAfterMs: 600_000 } }] });
    await e.finish(call);
    const leg = legsOf(bridgeArg(call))[0]?.vars['origination_uuid'];
    assert.equal(globalVars(bridgeArg(call))['execute_on_answer_pivot_limit'], 'sched_hangup +4 ALLOTTED_TIMEOUT');
    assert.ok(apiLines(call).includes(`uuid_kill ${leg} ALLOTTED_TIMEOUT`), 'the server hung the callee up');
    const action = e.web.to('/after')[0];
    assert.equal(action?.params['DialCallStatus'], 'completed');
    assert.equal(action?.params['DialCallDuration'], '2');
  });

  it('timeout: the ring time is the originate timeout; a callee answering later is no-answer', async () => {
    route('<Dial timeout="3" action="/after">5551234</Dial>');
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'answer', afterMs: 5000 } }] });
    await e.finish(call);
    assert.equal(globalVars(bridgeArg(call))['originate_timeout'], '3');
    assert.equal(e.web.to('/after')[0]?.params['DialCallStatus'], 'no-answer');
  });

  it('callerId becomes the caller id number of the dialled legs', async () => {
    route('<Dial callerId="+15550001111">5551234</Dial>');
    const call = e.call();
    await e.finish(call);
    assert.equal(globalVars(bridgeArg(call))['origination_caller_id_number'], '+15550001111');
  });

  it('ringTone sets the ringback tone and keeps the callee\'s early media out; an unknown country is logged', async () => {
    e.web.route('/voice', twiml('<Dial ringTone="uk">5551234</Dial><Dial ringTone="zz">5551234</Dial>'));
    const call = e.call();
    await e.finish(call);
    assert.ok(apiLines(call).includes(`uuid_setvar ${call.uuid} ringback %(400,200,400,450);%(400,2000,400,450)`));
    const [first, second] = call.executed.filter((x) => x.app === 'bridge').map((x) => globalVars(x.arg));
    assert.equal(first?.['ignore_early_media'], 'true');
    assert.equal(second?.['ignore_early_media'], undefined);
    assert.equal(e.h.logs.withCode('ERR_TWIML_UNSUPPORTED').length, 1);
  });

  it('answerOnBridge: the caller is not answered before the dial; the bridge answers it', async () => {
    route('<Dial answerOnBridge="true">5551234</Dial>');
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'answer', afterMs: 1000 } }] });
    await e.finish(call);
    assert.deepEqual(apps(call), ['bridge', 'speak'], 'no answer application: the bridge answered');
  });

  it('without answerOnBridge the caller is answered first', async () => {
    route('<Dial>5551234</Dial>');
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(apps(call), ['bridge', 'speak']);
  });

  it('Number sendDigits are sent to the callee on answer', async () => {
    route('<Dial><Number sendDigits="ww1234#">5551234</Number></Dial>');
    const call = e.call();
    await e.finish(call);
    assert.equal(legsOf(bridgeArg(call))[0]?.vars['execute_on_answer_pivot_digits'], 'send_dtmf ww1234#');
  });
});

describe('engine: Dial timeLimit against FreeSWITCH\'s whole-second sched_hangup', () => {
  // FreeSWITCH's sched_hangup +5 fires between 4 and 5 s after it is run; the limit must not cut before 5 s.
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine({ timeScale: 0.1 }); });
  afterEach(async () => { await e.close(); });

  it('timeLimit=5 cuts the bridge at 5 s, not before; DialCallDuration and the leg\'s CallDuration say 5', async () => {
    e.web.route('/voice', twiml('<Dial timeLimit="5" action="/after"><Number statusCallback="/leg">5551234</Number></Dial>'));
    e.web.route('/after', twiml('<Hangup/>'));
    e.web.route('/leg', { status: 204, body: '' });
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'answer', afterMs: 700, hangupAfterMs: 600_000 } }] });
    await e.finish(call);
    const bridged = eventTime(call, 'CHANNEL_BRIDGE');
    const unbridged = eventTime(call, 'CHANNEL_UNBRIDGE');
    assert.ok(unbridged - bridged >= 5_000_000, `bridged for ${(unbridged - bridged) / 1e6} s`);
    assert.ok(unbridged - bridged < 6_000_000, `bridged for ${(unbridged - bridged) / 1e6} s`);
    const action = e.web.to('/after')[0];
    assert.equal(action?.params['DialCallStatus'], 'completed');
    assert.equal(action?.params['DialCallDuration'], '5');
    assert.equal(e.web.to('/leg')[0]?.params['CallDuration'], '5', 'the leg\'s completed callback agrees');
  });
});
