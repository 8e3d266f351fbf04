import assert from 'node:assert/strict';
import { apiLines, apps, startEngine, switchSteps, type EngineHarness } from '../support/engine-harness.js';
import { twiml } from '../support/twiml-server.js';

describe('engine: answering, Reject, Hangup, end of document', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine(); });
  afterEach(async () => { await e.close(); });

  it('Reject (default reason) ends the call with CALL_REJECTED (SIP 603) without answering', async () => {
    e.web.route('/voice', twiml('<Reject/><Say>never</Say>'));
    const call = e.call({ profile: 'sip' });
    await e.finish(call);
    assert.deepEqual(apps(call), []);
    assert.ok(apiLines(call).includes(`uuid_kill ${call.uuid} CALL_REJECTED`));
    assert.equal((await call.ended).hangupCause, 'CALL_REJECTED');
    assert.equal(call.channel.answered, false);
  });

  it('Reject reason="busy" ends the call with USER_BUSY (SIP 486) without answering', async () => {
    e.web.route('/voice', twiml('<Reject reason="busy"/>'));
    const call = e.call({ profile: 'sip' });
    await e.finish(call);
    assert.deepEqual(apps(call), []);
    assert.equal((await call.ended).hangupCause, 'USER_BUSY');
    assert.equal(call.channel.answered, false);
  });

  it('Hangup answers first, as Twilio does, then hangs up; later verbs do not run', async () => {
    e.web.route('/voice', twiml('<Hangup/><Say>never</Say>'));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(switchSteps(call), ['uuid_answer']);
    assert.notEqual(call.channel.profileField('Channel-Answered-Time') ?? '0', '0', 'FreeSWITCH answered the call');
    assert.equal((await call.ended).hangupCause, 'NORMAL_CLEARING');
    assert.equal(e.web.requests.length, 1);
  });

  it('an empty <Response/> hangs up', async () => {
    e.web.route('/voice', twiml(''));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(apps(call), []);
    assert.ok(apiLines(call).includes(`uuid_kill ${call.uuid} NORMAL_CLEARING`));
  });

  it('answers once, just before the first media verb (not before Set or Redirect)', async () => {
    e.web.route('/voice', twiml('<Set><Variable key="k" value="v"/></Set><Redirect>/two</Redirect>'));
    e.web.route('/two', twiml('<Say>one</Say><Play>https://cdn.example.com/a.wav</Play>'));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(switchSteps(call), ['uuid_answer', 'speak', 'playback']);
    assert.equal(e.web.to('/two')[0]?.params['CallStatus'], 'ringing');
  });

  it('does not answer a call FreeSWITCH already answered; CallStatus is in-progress', async () => {
    e.web.route('/voice', twiml('<Say>hi</Say><Redirect>/two</Redirect>'));
    e.web.route('/two', twiml('<Hangup/>'));
    const call = e.call({ answerState: 'answered' });
    await e.finish(call);
    assert.deepEqual(switchSteps(call), ['speak']);
    assert.equal(e.web.requests[0]?.params['CallStatus'], 'in-progress');
    assert.equal(e.web.to('/two')[0]?.params['CallStatus'], 'in-progress');
  });

  it('Leave outside a queue is skipped with its code', async () => {
    e.web.route('/voice', twiml('<Leave/><Say>after</Say>'));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(apps(call), ['speak']);
    assert.deepEqual(e.h.logs.withCode('ERR_TWIML_UNSUPPORTED'), []);
    assert.deepEqual(e.h.logs.withCode('ERR_QUEUE_WAIT_VERB').map((l) => l['verb']), ['Leave']);
  });

  it('describes an outbound (FreeSWITCH-originated) call with Kazoo account and caller name', async () => {
    e.web.route('/voice', twiml('<Hangup/>'));
    const call = e.call({
      direction: 'outbound', callerIdName: 'Alice Example', callerIdNumber: '+15551110000', destinationNumber: '+15552220000',
      variables: { 'ecallmgr_Account-ID': '0123456789abcdef0123456789abcdef' },
    });
    await e.finish(call);
    const params = e.web.requests[0]?.params ?? {};
    assert.equal(params['Direction'], 'outbound');
    assert.equal(params['AccountSid'], '0123456789abcdef0123456789abcdef');
    assert.equal(params['CallerName'], 'Alice Example');
    assert.equal(params['From'], '+15551110000');
    assert.equal(params['To'], '+15552220000');
    const line = e.h.logs.lines.find((l) => l.msg === 'document fetched');
    assert.equal(line?.['callSid'], call.uuid);
    assert.equal(line?.['accountSid'], '0123456789abcdef0123456789abcdef');
    assert.equal(line?.['status'], 200);
    assert.equal(typeof line?.['durationMs'], 'number');
  });
});
