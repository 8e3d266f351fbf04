import assert from 'node:assert/strict';
import { apiLines, apps, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';
import { bridgeArg, legsOf } from './dial-support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('engine: Dial outcomes', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine({ timeScale: 0.02 }); });
  afterEach(async () => { await e.close(); });

  function dialTo(action = '/after'): void {
    e.web.route('/voice', twiml(`<Dial action="${action}">+1 (555) 123-4567</Dial><Say>not reached</Say>`));
    e.web.route(action, twiml('<Say>Back with the caller</Say>'));
  }

  it('completed: the callee answers and hangs up; the caller stays up and the action gets the B leg and its duration', async () => {
    dialTo();
    const call = e.call({ bridge: [{ match: '15551234567', outcome: { type: 'answer', afterMs: 1000, hangupAfterMs: 3000 } }] });
    await e.finish(call);
    assert.deepEqual(apps(call), ['bridge', 'speak']);
    assert.ok(apiLines(call).includes(`uuid_setvar_multi ${call.uuid} continue_on_fail=true;hangup_after_bridge=false;bridge_terminate_key=`));
    const [leg] = legsOf(bridgeArg(call));
    assert.equal(leg?.endpoint, 'loopback/+15551234567/context_2');
    assert.match(leg?.vars['origination_uuid'] ?? '', UUID);
    const action = e.web.to('/after')[0];
    assert.equal(action?.method, 'POST');
    assert.equal(action?.params['DialCallStatus'], 'completed');
    assert.equal(action?.params['DialCallSid'], leg?.vars['origination_uuid']);
    assert.equal(action?.params['DialCallDuration'], '3');
    assert.equal(action?.params['CallStatus'], 'in-progress');
  });

  for (const [name, outcome, status] of [
    ['busy', { type: 'busy' }, 'busy'],
    ['no answer within timeout', { type: 'no-answer' }, 'no-answer'],
    ['unreachable', { type: 'unreachable' }, 'failed'],
    ['rejected with 404', { type: 'reject', sipStatus: 404 }, 'failed'],
  ] as const) {
    it(`${status}: ${name}; DialCallSid is the leg's uuid, no duration, and the caller is not hung up`, async () => {
      e.web.route('/voice', twiml('<Dial action="/after" timeout="5">5551234</Dial>'));
      e.web.route('/after', twiml('<Say>Sorry</Say><Hangup/>'));
      const call = e.call({ bridge: [{ match: '5551234', outcome }] });
      await e.finish(call);
      assert.deepEqual(apps(call), ['bridge', 'speak']);
      const action = e.web.to('/after')[0];
      assert.equal(action?.params['DialCallStatus'], status);
      assert.equal(action?.params['DialCallSid'], legsOf(bridgeArg(call))[0]?.vars['origination_uuid']);
      assert.equal(action?.params['DialCallDuration'], undefined);
      assert.ok(apiLines(call).includes(`uuid_kill ${call.uuid} NORMAL_CLEARING`), 'the Hangup verb ended it, not the dial');
    });
  }

  it('canceled: the caller hangs up while it rings; the action is still requested, with CallStatus=completed', async () => {
    e.web.route('/voice', twiml('<Dial action="/after">5551234</Dial>'));
    e.web.route('/after', twiml('<Say>never run</Say>'));
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'no-answer' } }] });
    call.on('execute', (app: string) => { if (app === 'bridge') setTimeout(() => call.hangup(), 20); });
    await e.finish(call);
    await eventually(() => e.web.to('/after').length === 1);
    const action = e.web.to('/after')[0];
    assert.equal(action?.params['DialCallStatus'], 'canceled');
    assert.equal(action?.params['CallStatus'], 'completed');
    assert.deepEqual(apps(call), ['bridge']);
  });

  it('answered, then the caller hangs up: completed, with the B leg, and the action is requested after the hangup', async () => {
    e.web.route('/voice', twiml('<Dial action="/after">5551234</Dial><Say>never</Say>'));
    e.web.route('/after', twiml('<Say>never run</Say>'));
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'answer', hangupAfterMs: 60_000 } }] });
    call.on('execute', (app: string) => { if (app === 'bridge') setTimeout(() => call.hangup(), 40); });
    await e.finish(call);
    await eventually(() => e.web.to('/after').length === 1);
    const action = e.web.to('/after')[0];
    assert.equal(action?.params['DialCallStatus'], 'completed');
    assert.equal(action?.params['DialCallSid'], legsOf(bridgeArg(call))[0]?.vars['origination_uuid']);
    assert.equal(action?.params['CallStatus'], 'completed');
  });

  it('without action the next verb runs after the bridge, whatever the outcome', async () => {
    e.web.route('/voice', twiml('<Dial>5551234</Dial><Say>Next verb</Say><Dial>5559999</Dial><Say>Last verb</Say>'));
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'busy' } }] });
    await e.finish(call);
    assert.deepEqual(apps(call), ['bridge', 'speak', 'bridge', 'speak']);
    assert.equal(e.web.requests.length, 1, 'no request besides the document');
  });

  it('uses the action method and the Kazoo request names', async () => {
    e.web.route('/voice', twiml('<Dial action="/after" method="GET">5551234</Dial>'));
    e.web.route('/after', twiml('<Hangup/>'));
    const call = e.call({ variables: { pivot_req_format: 'kazoo' },
      bridge: [{ match: '5551234', outcome: { type: 'answer', hangupAfterMs: 2000 } }] });
    await e.finish(call);
    const action = e.web.to('/after')[0];
    assert.equal(action?.method, 'GET');
    assert.equal(action?.params['DialCallStatus'], 'completed');
    assert.equal(action?.params['DialCallSid'], legsOf(bridgeArg(call))[0]?.vars['origination_uuid']);
    assert.equal(action?.params['DialCallDuration'], '2');
    assert.equal(action?.params['Call-ID'], call.uuid);
    assert.equal(action?.params['Call-Status'], 'in-progress');
    assert.equal(action?.params['Api-Version'], '4.x');
    assert.equal(action?.params['ApiVersion'], undefined);
  });

  it('rings several nouns at once in one bridge; the first to answer is DialCallSid', async () => {
    e.web.route('/voice', twiml('<Dial action="/after"><Number>5550001</Number><Number>5550002</Number>' +
      '<Sip>sip:alice@example.com</Sip></Dial>'));
    e.web.route('/after', twiml('<Hangup/>'));
    const call = e.call({ bridge: [
      { match: '5550001', outcome: { type: 'answer', afterMs: 3000 } },
      { match: '5550002', outcome: { type: 'answer', afterMs: 1000 } },
      { match: 'alice', outcome: { type: 'no-answer' } },
    ] });
    await e.finish(call);
    const legs = legsOf(bridgeArg(call));
    assert.deepEqual(legs.map((l) => l.endpoint), ['loopback/5550001/context_2', 'loopback/5550002/context_2',
      'sofia/sipinterface_1/sip:alice@example.com']);
    assert.equal(new Set(legs.map((l) => l.vars['origination_uuid'])).size, 3, 'one uuid per leg');
    assert.equal(e.web.to('/after')[0]?.params['DialCallSid'], legs[1]?.vars['origination_uuid']);
  });

  it('a Dial with nothing left to ring fails without a bridge', async () => {
    e.web.route('/voice', twiml('<Dial action="/after"><Number>call-me</Number></Dial>'));
    e.web.route('/after', twiml('<Hangup/>'));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(apps(call), []);
    assert.equal(e.web.to('/after')[0]?.params['DialCallStatus'], 'failed');
    assert.equal(e.h.logs.withCode('ERR_DIAL_NUMBER_REFUSED').length, 1);
    assert.equal(e.h.logs.withCode('ERR_DIAL_NO_ENDPOINT').length, 1);
  });
});
