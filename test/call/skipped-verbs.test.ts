import assert from 'node:assert/strict';
import { appLines, apps, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { twiml } from '../support/twiml-server.js';
import { bridgeArg, legsOf } from './dial-support.js';

describe('engine: Twilio verbs and nouns this server skips', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine({ timeScale: 0.02 }); });
  afterEach(async () => { await e.close(); });

  it('<Start><Stream/></Start> before a Say: the Say speaks; the log names what was skipped, with its code', async () => {
    e.web.route('/voice', twiml('<Start><Stream url="wss://media.example.com/s"/></Start><Say>Hello there</Say>'));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(appLines(call), ['speak flite|rms|Hello there']);
    const [skipped] = e.h.logs.withCode('ERR_TWIML_SKIPPED');
    assert.equal(skipped?.['element'], 'Start');
    assert.equal(skipped?.['line'], 1);
    assert.deepEqual(e.h.logs.lines.filter((l) => l.code !== undefined).map((l) => l.code), ['ERR_TWIML_SKIPPED'],
      'the document runs: nothing but the skip is reported');
  });

  it('a Dial with a Number and a Client rings the Number', async () => {
    e.web.route('/voice', twiml('<Dial action="/after"><Number>5551234</Number><Client>joey</Client></Dial>'));
    e.web.route('/after', twiml('<Hangup/>'));
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'answer', hangupAfterMs: 1000 } }] });
    await e.finish(call);
    assert.deepEqual(legsOf(bridgeArg(call)).map((l) => l.endpoint), ['loopback/5551234/context_2']);
    assert.equal(e.web.to('/after')[0]?.params['DialCallStatus'], 'completed');
    assert.deepEqual(e.h.logs.withCode('ERR_TWIML_SKIPPED').map((l) => l['element']), ['Client']);
  });

  it('a Dial whose every noun is skipped rings nothing and fails: DialCallStatus=failed', async () => {
    e.web.route('/voice', twiml('<Dial action="/after"><Client>joey</Client></Dial>'));
    e.web.route('/after', twiml('<Say>Nobody</Say>'));
    const call = e.call();
    await e.finish(call);
    assert.ok(!apps(call).includes('bridge'));
    assert.equal(e.web.to('/after')[0]?.params['DialCallStatus'], 'failed');
    assert.equal(e.h.logs.withCode('ERR_DIAL_NO_ENDPOINT').length, 1);
  });

  it('<Pay action>: nothing is charged; the action gets Result=internal-error and the verbs after it never run', async () => {
    e.web.route('/voice', twiml('<Say>Pay now</Say><Pay chargeAmount="20.00" action="/paid"/><Say>Thank you for your payment</Say>'));
    e.web.route('/paid', twiml('<Say>Payment failed</Say>'));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(appLines(call), ['speak flite|rms|Pay now', 'speak flite|rms|Payment failed']);
    assert.equal(e.web.to('/paid')[0]?.params['Result'], 'internal-error');
    assert.ok(e.h.logs.withCode('ERR_TWIML_SKIPPED').some((l) => l['verb'] === 'Pay'));
  });

  it('<Pay> without an action ends the script: nothing after it runs as if a payment had been taken', async () => {
    e.web.route('/voice', twiml('<Say>Pay now</Say><Pay chargeAmount="20.00"/><Say>Thank you for your payment</Say>'));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(appLines(call), ['speak flite|rms|Pay now']);
    assert.equal(e.web.requests.length, 1);
  });

  it('<Refer>: not transferred; with an action it gets ReferCallStatus=failed, without one the next verb runs', async () => {
    e.web.route('/voice', twiml('<Refer><Sip>sip:a@example.com</Sip></Refer><Say>Still here</Say>' +
      '<Refer action="/refer-done" method="GET"><Sip>sip:a@example.com</Sip></Refer><Say>not reached</Say>'));
    e.web.route('/refer-done', twiml('<Hangup/>'));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(appLines(call), ['speak flite|rms|Still here']);
    const action = e.web.to('/refer-done')[0];
    assert.equal(action?.method, 'GET');
    assert.equal(action?.params['ReferCallStatus'], 'failed');
  });

  it('<Connect>: nothing is connected; its action is requested, or the next verb runs', async () => {
    e.web.route('/voice', twiml('<Connect><Stream url="wss://ai.example.com"/></Connect><Say>No agent</Say>' +
      '<Connect action="/ended"><ConversationRelay url="wss://ai.example.com"/></Connect><Say>not reached</Say>'));
    e.web.route('/ended', twiml('<Say>Goodbye</Say>'));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(appLines(call), ['speak flite|rms|No agent', 'speak flite|rms|Goodbye']);
    assert.equal(e.web.to('/ended')[0]?.method, 'POST');
  });
});

describe('engine: an empty Redirect', () => {
  let e: EngineHarness;
  afterEach(async () => { await e.close(); });

  it('requests the current document again (default POST), and the call request limit ends the loop', async () => {
    e = await startEngine({ timeScale: 0.02, call: { maxRequests: 4 } });
    e.web.route('/queue/wait.xml', twiml('<Say>Please hold</Say><Redirect></Redirect>'));
    const call = e.call({ variables: { pivot_voice_url: e.web.url('/queue/wait.xml'), pivot_voice_method: 'get' } });
    await e.finish(call);
    assert.deepEqual(e.web.requests.map((r) => `${r.method} ${r.path}`),
      ['GET /queue/wait.xml', 'POST /queue/wait.xml', 'POST /queue/wait.xml', 'POST /queue/wait.xml']);
    assert.equal(apps(call).filter((a) => a === 'speak').length, 4);
    assert.equal(e.h.logs.withCode('ERR_CALL_REDIRECT_LIMIT').length, 1);
  });

  it('keeps its method and the document URL with its query', async () => {
    e = await startEngine({ timeScale: 0.02, call: { maxRequests: 2 } });
    e.web.route('/wait', twiml('<Redirect method="GET"/>'));
    const call = e.call({ variables: { pivot_voice_url: `${e.web.url('/wait')}?room=7` } });
    await e.finish(call);
    const [, again] = e.web.requests;
    assert.equal(again?.method, 'GET');
    assert.equal(again?.path, '/wait');
    assert.equal(again?.query.get('room'), '7');
    assert.equal(again?.query.get('CallSid'), call.uuid);
  });
});

describe('engine: Kazoo media ids in Play', () => {
  let e: EngineHarness;
  const ID = '2d5c2eb0a9e0e1f7c8c1a2b3c4d5e6f7';
  afterEach(async () => { await e.close(); });

  it('are played from call.kazooMediaUrl with the account id, not as a URL relative to the document', async () => {
    e = await startEngine({ call: { kazooMediaUrl: 'http://kazoo.example.com:8000/v2/accounts/{account}/media/{id}/raw' } });
    e.web.route('/voice', twiml(`<Play>${ID}</Play>`));
    const call = e.call({ variables: { 'ecallmgr_Account-ID': 'acc1' } });
    await e.finish(call);
    assert.deepEqual(appLines(call), [`playback http://kazoo.example.com:8000/v2/accounts/acc1/media/${ID}/raw`]);
    assert.equal(e.h.logs.withCode('ERR_TWIML_KAZOO_MEDIA').length, 1, 'the document warning is logged');
  });

  it('are skipped with ERR_CALL_KAZOO_MEDIA when call.kazooMediaUrl is not set; the next verb runs', async () => {
    e = await startEngine();
    e.web.route('/voice', twiml(`<Play digits="1">${ID}</Play><Say>after</Say>`));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(appLines(call), ['send_dtmf 1', 'speak flite|rms|after']);
    const [skip] = e.h.logs.withCode('ERR_CALL_KAZOO_MEDIA');
    assert.equal(skip?.['mediaId'], ID);
    assert.equal(skip?.['missing'], 'kazooMediaUrl');
  });

  it('are skipped when the template needs {account} and the call has none', async () => {
    e = await startEngine({ call: { kazooMediaUrl: 'http://kazoo.example.com/v2/accounts/{account}/media/{id}/raw' } });
    e.web.route('/voice', twiml(`<Play>${ID}</Play>`));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(apps(call), []);
    assert.equal(e.h.logs.withCode('ERR_CALL_KAZOO_MEDIA')[0]?.['missing'], 'accountSid');
  });
});

describe('engine: SSML sub', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine(); });
  afterEach(async () => { await e.close(); });

  it('speaks the alias of <sub>, not its content', async () => {
    e.web.route('/voice', twiml('<Say>Call <sub alias="Doctor">Dr.</sub> Who</Say>'));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(appLines(call), ['speak flite|rms|Call Doctor Who']);
  });
});
