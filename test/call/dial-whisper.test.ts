import assert from 'node:assert/strict';
import type { SimulatedCall } from '../../src/sim/index.js';
import { apps, appLines, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';
import { bridgeArg, globalVars, legsOf } from './dial-support.js';

describe('engine: Dial whisper (<Number url>, <Sip url>)', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine({ timeScale: 0.02 }); });
  afterEach(async () => { await e.close(); });

  /** The callee's own socket session (the only whisper leg of the test). */
  async function calleeLeg(): Promise<SimulatedCall> {
    await eventually(() => e.sim.socketLegs.length === 1, 3000, 'the whisper leg to connect');
    const leg = e.sim.socketLegs[0];
    assert.ok(leg);
    await leg.ended;
    return leg;
  }

  it('the callee hears the whisper on its own leg (a loopback endpoint), which is then bridged to the caller', async () => {
    e.web.route('/voice', twiml('<Dial action="/after"><Number url="/whisper">+1 555 123 4567</Number></Dial>'));
    e.web.route('/whisper', twiml('<Say>Call from the help line</Say>'));
    e.web.route('/after', twiml('<Hangup/>'));
    const call = e.call({ bridge: [{ match: '15551234567', outcome: { type: 'answer', afterMs: 500, hangupAfterMs: 2000 } }] });
    const leg = await calleeLeg();
    await e.finish(call);
    const [dialled] = legsOf(bridgeArg(call));
    const legUuid = dialled?.vars['origination_uuid'];
    assert.equal(dialled?.endpoint, 'loopback/+15551234567/context_2');
    assert.equal(leg.uuid, legUuid);
    assert.equal(leg.channel.name, 'loopback/+15551234567-a', 'the side the originate watches');
    // In the originate's own {} list: a loopback endpoint never has its [] list on the side the originate watches.
    const global = globalVars(bridgeArg(call));
    assert.equal(global['group_confirm_key'], 'exec');
    assert.equal(global['group_confirm_file'], `socket 127.0.0.1:${e.h.port} async full`);
    assert.equal(global['group_confirm_cancel_timeout'], 'true');
    assert.equal(global['pivot_whisper_parent'], call.uuid);
    assert.deepEqual(Object.keys(dialled?.vars ?? {}), ['origination_uuid']);
    assert.ok(!bridgeArg(call).includes('/whisper'), 'the whisper URL never reaches FreeSWITCH');
    assert.deepEqual(appLines(leg), ['speak flite|rms|Call from the help line']);
    const end = await leg.ended;
    assert.equal(end.exitReceived, true);
    assert.equal(end.hangupCause, undefined, 'the whisper leg is left up for the bridge');
    const action = e.web.to('/after')[0];
    assert.equal(action?.params['DialCallStatus'], 'completed');
    assert.equal(action?.params['DialCallSid'], legUuid);
    assert.equal(action?.params['DialCallDuration'], '2');
  });

  it('requests the whisper as Twilio does for the child call: its CallSid, ParentCallSid, outbound-dial', async () => {
    e.web.route('/voice', twiml('<Dial callerId="+15550001111"><Sip url="/whisper" method="GET">sip:alice@127.0.0.1</Sip></Dial>'));
    e.web.route('/whisper', twiml('<Pause length="1"/>'));
    const call = e.call({ variables: { 'ecallmgr_Account-ID': 'acct42' },
      bridge: [{ match: 'alice', outcome: { type: 'answer', hangupAfterMs: 500 } }] });
    const leg = await calleeLeg();
    await e.finish(call);
    const request = e.web.to('/whisper')[0];
    assert.equal(request?.method, 'GET');
    assert.equal(request?.params['CallSid'], leg.uuid);
    assert.equal(request?.params['ParentCallSid'], call.uuid);
    assert.equal(request?.params['AccountSid'], 'acct42');
    assert.equal(request?.params['Direction'], 'outbound-dial');
    assert.equal(request?.params['CallStatus'], 'in-progress');
    assert.equal(request?.params['From'], '+15550001111');
    assert.equal(request?.params['To'], 'sip:alice@127.0.0.1');
  });

  it('a Gather lets the callee accept: the action document runs on the leg, then the bridge', async () => {
    e.web.route('/voice', twiml('<Dial action="/after"><Number url="/whisper">5551234</Number></Dial>'));
    e.web.route('/whisper', twiml('<Gather numDigits="1" action="/accept" timeout="5"><Say>Press 1</Say></Gather><Hangup/>'));
    e.web.route('/accept', twiml('<Say>Connecting</Say>'));
    e.web.route('/after', twiml('<Hangup/>'));
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'answer', hangupAfterMs: 1000,
      callee: { digits: [{ atMs: 300, digits: '1' }] } } }] });
    const leg = await calleeLeg();
    await e.finish(call);
    assert.equal(e.web.to('/accept')[0]?.params['Digits'], '1');
    assert.equal((await leg.ended).hangupCause, undefined);
    assert.equal(e.web.to('/after')[0]?.params['DialCallStatus'], 'completed');
  });

  it('<Hangup/> in the whisper rejects the callee (a loopback endpoint): no bridge, the Dial ends as if nobody answered', async () => {
    e.web.route('/voice', twiml('<Dial action="/after"><Number url="/whisper">5551234</Number></Dial>'));
    e.web.route('/whisper', twiml('<Say>Not now</Say><Hangup/>'));
    e.web.route('/after', twiml('<Say>Nobody is available</Say>'));
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'answer', hangupAfterMs: 60_000 } }] });
    const leg = await calleeLeg();
    await e.finish(call);
    assert.equal((await leg.ended).hangupCause, 'NORMAL_CLEARING');
    const action = e.web.to('/after')[0];
    assert.equal(action?.params['DialCallStatus'], 'no-answer');
    assert.equal(action?.params['DialCallSid'], leg.uuid);
    assert.equal(action?.params['DialCallDuration'], undefined);
    assert.deepEqual(apps(call), ['bridge', 'speak']);
  });

  it('<Hangup/> in the whisper of a SIP leg rejects the callee too', async () => {
    e.web.route('/voice', twiml('<Dial action="/after"><Sip url="/whisper">sip:alice@127.0.0.1</Sip></Dial>'));
    e.web.route('/whisper', twiml('<Hangup/>'));
    e.web.route('/after', twiml('<Hangup/>'));
    const call = e.call({ bridge: [{ match: 'alice', outcome: { type: 'answer', hangupAfterMs: 60_000 } }] });
    const leg = await calleeLeg();
    await e.finish(call);
    assert.equal(leg.channel.name, 'sofia/sipinterface_1/alice@127.0.0.1');
    assert.equal((await leg.ended).hangupCause, 'NORMAL_CLEARING');
    const action = e.web.to('/after')[0];
    assert.equal(action?.params['DialCallStatus'], 'no-answer');
    assert.equal(action?.params['DialCallDuration'], undefined, 'never bridged');
  });

  it('a SIP header value with a comma reaches the leg intact (variable_sip_h_X-Name)', async () => {
    e.web.route('/voice', twiml('<Dial><Sip url="/whisper">sip:agent@127.0.0.1?X-Name=Agent%2C+A</Sip></Dial>'));
    e.web.route('/whisper', twiml('<Pause length="1"/>'));
    const call = e.call({ bridge: [{ match: 'agent', outcome: { type: 'answer', hangupAfterMs: 500 } }] });
    const leg = await calleeLeg();
    await e.finish(call);
    assert.equal(bridgeArg(call).includes('sip_h_X-Name=Agent\\, A'), true, 'escaped for the leg list');
    assert.equal(leg.channel.vars.get('sip_h_X-Name'), 'Agent, A');
    const seen = e.h.channels.find((c) => c.uuid === leg.uuid);
    assert.equal(seen?.data.variable('sip_h_X-Name'), 'Agent, A', 'as this server received the leg');
  });

  it('legs without a url in a Dial with a whisper reach this server too and are released at once, unscreened', async () => {
    e.web.route('/voice', twiml('<Dial action="/after"><Number url="/whisper">5551234</Number><Number>5555678</Number>'
      + '<Sip>sip:bob@127.0.0.1</Sip></Dial>'));
    e.web.route('/whisper', twiml('<Say>Not now</Say><Hangup/>'));
    e.web.route('/after', twiml('<Hangup/>'));
    const call = e.call({ bridge: [
      { match: '5551234', outcome: { type: 'answer', afterMs: 100, hangupAfterMs: 60_000 } },
      { match: '5555678', outcome: { type: 'answer', afterMs: 400, hangupAfterMs: 1000 } },
      { match: 'bob', outcome: { type: 'no-answer' } },
    ] });
    await eventually(() => e.sim.socketLegs.length === 2, 3000, 'both answering legs to connect');
    await e.finish(call);
    const legs = legsOf(bridgeArg(call));
    const [screened, plain] = e.sim.socketLegs;
    assert.equal(screened?.uuid, legs[0]?.vars['origination_uuid']);
    assert.equal(plain?.uuid, legs[1]?.vars['origination_uuid']);
    assert.deepEqual(appLines(screened!), ['speak flite|rms|Not now']);
    assert.equal((await screened!.ended).hangupCause, 'NORMAL_CLEARING');
    assert.deepEqual(appLines(plain!), [], 'no document runs on a leg without a url');
    const end = await plain!.ended;
    assert.equal(end.exitReceived, true);
    assert.equal(end.hangupCause, undefined, 'left up for the bridge');
    assert.equal(e.web.to('/whisper').length, 1);
    const action = e.web.to('/after')[0];
    assert.equal(action?.params['DialCallStatus'], 'completed');
    assert.equal(action?.params['DialCallSid'], plain?.uuid);
  });

  it('a whisper document that cannot be fetched does not connect the callee', async () => {
    e.web.route('/voice', twiml('<Dial action="/after"><Number url="/missing">5551234</Number></Dial>'));
    e.web.route('/after', twiml('<Hangup/>'));
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'answer', hangupAfterMs: 60_000 } }] });
    const leg = await calleeLeg();
    await e.finish(call);
    assert.equal((await leg.ended).hangupCause, 'NORMAL_CLEARING');
    assert.equal(e.web.to('/after')[0]?.params['DialCallStatus'], 'no-answer');
  });

  for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/whisper', 'javascript:alert(1)']) {
    it(`refuses a whisper url that is not http(s) (${url}): the document is invalid, nothing is dialled`, async () => {
      e.web.route('/voice', twiml(`<Dial action="/after"><Number url="${url}">5551234</Number></Dial>`));
      e.web.route('/after', twiml('<Hangup/>'));
      const call = e.call();
      await e.finish(call);
      assert.ok(!apps(call).includes('bridge'));
      assert.equal(e.web.to('/after').length, 0);
      assert.equal(e.sim.socketLegs.length, 0);
      assert.equal(e.web.requests.length, 1, 'only the document was requested');
    });
  }
});
