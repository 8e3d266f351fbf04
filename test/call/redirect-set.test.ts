import assert from 'node:assert/strict';
import { apps, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { onPromptStart } from '../support/prompt-events.js';
import { twiml } from '../support/twiml-server.js';

describe('engine: Redirect, Set, request parameters', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine(); });
  afterEach(async () => { await e.close(); });

  it('Redirect resolves relative URLs by RFC 3986 (a leading / is host-relative) and defaults to POST', async () => {
    e.web.route('/app/ivr/start.php', twiml('<Redirect>next.php?step=2</Redirect>'));
    e.web.route('/app/ivr/next.php', twiml('<Redirect>/top.xml</Redirect>'));
    e.web.route('/top.xml', twiml('<Redirect>../app/end.xml</Redirect>'));
    e.web.route('/app/end.xml', twiml('<Hangup/>'));
    const call = e.call({ variables: { pivot_voice_url: e.web.url('/app/ivr/start.php') } });
    await e.finish(call);
    assert.deepEqual(e.web.requests.map((r) => `${r.method} ${r.path}`),
      ['POST /app/ivr/start.php', 'POST /app/ivr/next.php', 'POST /top.xml', 'POST /app/end.xml']);
    assert.equal(e.web.requests[1]?.query.get('step'), '2');
  });

  it('Redirect method="GET" sends the parameters in the query string; pivot_voice_method picks the first method', async () => {
    e.web.route('/voice', twiml('<Redirect method="GET">/second?keep=1</Redirect>'));
    e.web.route('/second', twiml('<Hangup/>'));
    const call = e.call({ variables: { pivot_voice_method: 'get' } });
    await e.finish(call);
    const [first, second] = e.web.requests;
    assert.equal(first?.method, 'GET');
    assert.equal(first?.query.get('CallSid'), call.uuid);
    assert.equal(second?.method, 'GET');
    assert.equal(second?.query.get('keep'), '1');
    assert.equal(second?.query.get('CallSid'), call.uuid);
  });

  it('Set variables go on every later request, in order, and never replace standard parameters', async () => {
    e.web.route('/voice', twiml('<Set><Variable key="account_tier" value="gold"/></Set>' +
      '<Set><Variable key="a" value="1"/><Variable key="b" value="2"/><Variable key="CallSid" value="spoof"/></Set>' +
      '<Redirect>/two</Redirect>'));
    e.web.route('/two', twiml('<Set><Variable key="a" value="3"/></Set><Redirect>/three</Redirect>'));
    e.web.route('/three', twiml('<Hangup/>'));
    const call = e.call();
    await e.finish(call);
    const [first, second, third] = e.web.requests;
    assert.equal(first?.params['account_tier'], undefined);
    assert.deepEqual([second?.params['account_tier'], second?.params['a'], second?.params['b']], ['gold', '1', '2']);
    assert.equal(second?.params['CallSid'], call.uuid);
    assert.equal(third?.params['a'], '3');
    assert.equal(third?.params['b'], '2');
  });

  it('Variables nested in Redirect are stored before its request', async () => {
    e.web.route('/voice', twiml('<Redirect>/step2<Variable key="customer_id" value="12345"/>' +
      '<Variable key="language" value="fr"/></Redirect>'));
    e.web.route('/step2', twiml('<Hangup/>'));
    const call = e.call();
    await e.finish(call);
    assert.equal(e.web.to('/step2')[0]?.params['customer_id'], '12345');
    assert.equal(e.web.to('/step2')[0]?.params['language'], 'fr');
  });

  it('pivot_req_format=kazoo sends the Kazoo names', async () => {
    e.web.route('/voice', twiml('<Hangup/>'));
    const call = e.call({ callerIdName: 'Bob', profile: 'sip',
      variables: { pivot_req_format: 'kazoo', 'ecallmgr_Account-ID': 'acc1', 'ecallmgr_Owner-ID': 'owner1' } });
    await e.finish(call);
    const params = e.web.requests[0]?.params ?? {};
    assert.equal(params['Call-ID'], call.uuid);
    assert.equal(params['Account-ID'], 'acc1');
    assert.equal(params['Caller-ID-Name'], 'Bob');
    assert.equal(params['To'], '7001');
    assert.equal(params['Request'], '7001');
    assert.equal(params['Request-Realm'], '127.0.0.1');
    assert.equal(params['User-ID'], 'owner1');
    assert.equal(params['Call-Status'], 'ringing');
    assert.equal(params['Api-Version'], '4.x');
    for (const name of ['CallSid', 'ApiVersion', 'To-User', 'From-User']) assert.equal(params[name], undefined, name);
  });

  it('Digits are sent only on the request that follows their collection', async () => {
    e.web.route('/voice', twiml('<Gather action="/choice" numDigits="1" timeout="5"><Say>press</Say></Gather>'));
    e.web.route('/choice', twiml('<Redirect>/after</Redirect>'));
    e.web.route('/after', twiml('<Hangup/>'));
    const call = e.call();
    onPromptStart(call, () => call.pressDigits('4'));
    await e.finish(call);
    assert.equal(e.web.to('/choice')[0]?.params['Digits'], '4');
    assert.equal(e.web.to('/after')[0]?.params['Digits'], undefined);
    assert.equal(e.web.requests[0]?.params['Digits'], undefined);
    assert.deepEqual(apps(call), ['play_and_get_digits']);
  });
});
