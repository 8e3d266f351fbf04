import assert from 'node:assert/strict';
import { apiLines, apps, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { twiml } from '../support/twiml-server.js';
import type { SimulatedCall } from '../../src/sim/index.js';
import { bridgeArg, legsOf } from './dial-support.js';

/** Everything the server sent FreeSWITCH, as text. */
function sent(call: SimulatedCall): string {
  return call.commands.map((c) => [c.command, ...Object.values(c.headers), c.body ?? ''].join('\n')).join('\n');
}

/** XML text for a value (the hostile values carry & < > and quotes). */
function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

describe('engine: Dial refuses customer text that would be FreeSWITCH syntax', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine(); });
  afterEach(async () => { await e.close(); });

  const cases: Array<{ name: string; noun: string; hostile: string; code: string }> = [
    { name: 'a number with a second endpoint', noun: '<Number>5551234,sofia/gateway/evil/1900</Number>', hostile: 'evil', code: 'ERR_DIAL_NUMBER_REFUSED' },
    { name: 'a number with an expansion', noun: '<Number>${system(id)}</Number>', hostile: 'system', code: 'ERR_DIAL_NUMBER_REFUSED' },
    { name: 'a number with leg variables', noun: '<Number>[origination_uuid=x]5551234</Number>', hostile: 'origination_uuid=x', code: 'ERR_DIAL_NUMBER_REFUSED' },
    { name: 'a number with a failover bar', noun: '<Number>5551234|error/USER_BUSY</Number>', hostile: 'error/', code: 'ERR_DIAL_NUMBER_REFUSED' },
    { name: 'a SIP URI with a second endpoint', noun: '<Sip>sip:a@example.com,sofia/external/b@evil.example</Sip>', hostile: 'evil.example', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a SIP URI with an expansion in a parameter', noun: '<Sip>sip:a@example.com;x=${uuid}</Sip>', hostile: '${uuid}', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a SIP URI with braces', noun: '<Sip>sip:{absolute_codec_string=PCMU}a@example.com</Sip>', hostile: 'absolute_codec_string', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a SIP header value closing the leg list', noun: '<Sip>sip:a@example.com?X-A=1%5D%7Bhangup_after_bridge%3Dtrue%7D</Sip>', hostile: 'hangup_after_bridge=true', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a SIP header value with a comma', noun: '<Sip>sip:a@example.com?X-A=1%2Cexecute_on_answer%3Dpark</Sip>', hostile: 'execute_on_answer=park', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a SIP password with a comma and quotes', noun: `<Sip password="${xml('p,a"ss\'')}">sip:a@example.com</Sip>`, hostile: 'p,a', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a SIP username with ^^ and a newline', noun: '<Sip username="^^:x&#10;y">sip:a@example.com</Sip>', hostile: '^^:x', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a user id with brackets', noun: '<User>u1]{x=1}</User>', hostile: 'x=1', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a device id with a space and a pipe', noun: '<Device>d1 | loopback/1</Device>', hostile: 'loopback/1', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
  ];

  for (const c of cases) {
    it(`refuses ${c.name}; the other nouns still ring`, async () => {
      e.web.route('/voice', twiml(`<Dial action="/after">${c.noun}<Number>5550000</Number></Dial>`));
      e.web.route('/after', twiml('<Hangup/>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(legsOf(bridgeArg(call)).map((l) => l.endpoint), ['loopback/5550000/context_2']);
      assert.equal(sent(call).includes(c.hostile), false, 'the hostile text never reaches FreeSWITCH');
      assert.equal(e.h.logs.withCode(c.code).length, 1);
    });
  }

  it('a hostile callerId is refused and logged; the dial goes on with the caller\'s own id', async () => {
    e.web.route('/voice', twiml('<Dial callerId="+1555}{ignore_early_media=false,x=${system(id)}">5551234</Dial>'));
    const call = e.call();
    await e.finish(call);
    assert.equal(bridgeArg(call).includes('origination_caller_id_number'), false);
    assert.equal(sent(call).includes('system(id)'), false);
    assert.equal(e.h.logs.withCode('ERR_DIAL_CALLER_ID_REFUSED').length, 1);
  });

  it('a Dial whose only noun is refused rings nothing and goes on with the next verb', async () => {
    e.web.route('/voice', twiml('<Dial>5551234;evil</Dial><Say>next</Say>'));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(apps(call), ['answer', 'speak']);
    assert.equal(apiLines(call).some((l) => l.includes('continue_on_fail')), false);
  });
});
