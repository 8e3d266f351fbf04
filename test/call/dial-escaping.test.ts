import assert from 'node:assert/strict';
import { apiLines, apps, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { twiml } from '../support/twiml-server.js';
import type { ErrorCode } from '../../src/errors.js';
import type { SimulatedCall } from '../../src/sim/index.js';
import { bridgeArg, legsOf } from './dial-support.js';
import { escapeListValue, uncarriable } from '../../src/call/dial/var-list-value.js';
import { dialString } from '../../src/call/dial/dial-string.js';
import type { DialLeg } from '../../src/call/dial/dial-legs.js';
import { readDialString } from '../../src/sim/index.js';

/** Everything the server sent FreeSWITCH, as text. */
function sent(call: SimulatedCall): string {
  return call.commands.map((c) => [c.command, ...Object.values(c.headers), c.body ?? ''].join('\n')).join('\n');
}

/** XML text for a value (the hostile values carry & < > and quotes). */
function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

describe('dial: values in variable lists', () => {
  it('escapes , in both lists and | in a leg list; the rest is written as it is', () => {
    assert.equal(escapeListValue('a,b|c^^:d"e=f[g]{h}$5', 'leg'), 'a\\,b\\|c^^:d"e=f[g]{h}$5');
    assert.equal(escapeListValue('a,b|c', 'global'), 'a\\,b|c');
  });

  it('refuses what FreeSWITCH would not read back intact', () => {
    for (const value of ['', ' a', 'a ', 'a\r\nb', 'a\tb', 'a\u0085b', 'a\\b', "O'Brien", 'a${b}', 'a$${b}', 'a:_:b']) {
      assert.notEqual(uncarriable(value, 'leg'), undefined, JSON.stringify(value));
    }
    assert.notEqual(uncarriable('a]b', 'leg'), undefined);
    assert.notEqual(uncarriable('a][b', 'leg'), undefined);
    assert.equal(uncarriable('a}b', 'leg'), undefined);
    assert.notEqual(uncarriable('a}b', 'global'), undefined);
    assert.equal(uncarriable('a]b', 'global'), undefined);
    assert.equal(uncarriable('[a]{b}', 'leg'), undefined);
  });

  it('every carried value reads back intact from the dial string, in both lists', () => {
    const values = ['Agent, A', 'a|b', 'x,y|z,', '[::1]', '{b}', '^^:k=v', '"q"', 'a=b', '$5 $$', '<sip:a@b>;t=1', 'été'];
    for (const value of values) {
      const leg: DialLeg = { uuid: 'u', endpoint: 'sofia/internal/a@b', vars: [['v', value], ['w', '1']],
        noun: { kind: 'Number', number: '1', method: 'POST', statusCallbackEvent: [], statusCallbackMethod: 'POST',
          position: { line: 1, column: 1 }, unknownAttributes: [] } };
      const global = uncarriable(value, 'global') === undefined ? [['g', value] as const, ['h', '2'] as const] : [];
      const parsed = readDialString(dialString(global, [leg, leg]));
      assert.ok(parsed, value);
      assert.deepEqual(parsed.groups.map((g) => g.map((l) => l.vars)), [[{ v: value, w: '1' }, { v: value, w: '1' }]], value);
      if (global.length > 0) assert.deepEqual(parsed.vars, { g: value, h: '2' }, value);
    }
  });
});

describe('engine: Dial refuses customer text that would be FreeSWITCH syntax', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine(); });
  afterEach(async () => { await e.close(); });

  const cases: Array<{ name: string; noun: string; hostile: string; code: ErrorCode }> = [
    { name: 'a number with a second endpoint', noun: '<Number>5551234,sofia/gateway/evil/1900</Number>', hostile: 'evil', code: 'ERR_DIAL_NUMBER_REFUSED' },
    { name: 'a number with an expansion', noun: '<Number>${system(id)}</Number>', hostile: 'system', code: 'ERR_DIAL_NUMBER_REFUSED' },
    { name: 'a number with leg variables', noun: '<Number>[origination_uuid=x]5551234</Number>', hostile: 'origination_uuid=x', code: 'ERR_DIAL_NUMBER_REFUSED' },
    { name: 'a number with a failover bar', noun: '<Number>5551234|error/USER_BUSY</Number>', hostile: 'error/', code: 'ERR_DIAL_NUMBER_REFUSED' },
    { name: 'a SIP URI with a second endpoint', noun: '<Sip>sip:a@example.com,sofia/external/b@evil.example</Sip>', hostile: 'evil.example', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a SIP URI with an expansion in a parameter', noun: '<Sip>sip:a@example.com;x=${uuid}</Sip>', hostile: '${uuid}', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a SIP URI with braces', noun: '<Sip>sip:{absolute_codec_string=PCMU}a@example.com</Sip>', hostile: 'absolute_codec_string', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a SIP header value closing the leg list', noun: '<Sip>sip:a@example.com?X-A=1%5D%7Bhangup_after_bridge%3Dtrue%7D</Sip>', hostile: 'hangup_after_bridge=true', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a SIP header value with a line break', noun: '<Sip>sip:a@example.com?X-A=1%0D%0AX-Evil%3A+2</Sip>', hostile: 'X-Evil', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a SIP header value with an expansion', noun: '<Sip>sip:a@example.com?X-A=%24%7Bsystem(id)%7D</Sip>', hostile: 'system(id)', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a SIP header value with a quote', noun: '<Sip>sip:a@example.com?X-A=O%27Brien%2Cx%3D1</Sip>', hostile: 'Brien', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a SIP header value with a backslash', noun: '<Sip>sip:a@example.com?X-A=a%5C%2Cb%3D1</Sip>', hostile: 'b=1', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a SIP header value with the enterprise separator', noun: '<Sip>sip:a@example.com?X-A=a%3A_%3Aloopback%2F1</Sip>', hostile: ':_:', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
    { name: 'a SIP header value with a tab', noun: '<Sip>sip:a@example.com?X-A=a%09b</Sip>', hostile: 'a\tb', code: 'ERR_DIAL_ENDPOINT_REFUSED' },
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

  // Values FreeSWITCH can be given intact: escaped for the leg's [] list (`\,`, `\|`), the rest as written.
  const carried: Array<{ query: string; value: string }> = [
    { query: 'Agent%2C+A', value: 'Agent, A' },
    { query: '1%2Cexecute_on_answer%3Dpark', value: '1,execute_on_answer=park' },
    { query: 'a%7Cloopback%2F1%2F', value: 'a|loopback/1/' },
    { query: 'x%7Dy%7B%7Bz', value: 'x}y{{z' },
    { query: '%5B%3A%3A1%5D%3A5060', value: '[::1]:5060' },
    { query: '%5E%5E%3Ax%3Dy%5E', value: '^^:x=y^' },
    { query: '%22Quoted%22+name', value: '"Quoted" name' },
    { query: 'a%3Db%3Dc', value: 'a=b=c' },
    { query: 'price+%245+%24%24', value: 'price $5 $$' },
    { query: '%3Csip%3Aa%40b%3E%3Btag%3D1%26x', value: '<sip:a@b>;tag=1&x' },
    { query: '+%C3%A9t%C3%A9+', value: 'été' },
  ];

  for (const c of carried) {
    it(`carries the SIP header value ${JSON.stringify(c.value)} intact, nothing else added`, async () => {
      e.web.route('/voice', twiml(`<Dial action="/after"><Sip>sip:a@example.com?X-A=${c.query}&amp;X-B=2</Sip></Dial>`));
      e.web.route('/after', twiml('<Hangup/>'));
      const call = e.call();
      await e.finish(call);
      const legs = legsOf(bridgeArg(call));
      assert.deepEqual(legs.map((l) => l.endpoint), ['sofia/sipinterface_1/sip:a@example.com']);
      assert.deepEqual(Object.keys(legs[0]?.vars ?? {}), ['origination_uuid', 'sip_h_X-A', 'sip_h_X-B']);
      assert.equal(legs[0]?.vars['sip_h_X-A'], c.value);
      assert.equal(legs[0]?.vars['sip_h_X-B'], '2');
      assert.equal(e.h.logs.withCode('ERR_DIAL_ENDPOINT_REFUSED').length, 0);
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
    assert.deepEqual(apps(call), ['speak']);
    assert.equal(apiLines(call).some((l) => l.includes('continue_on_fail')), false);
  });
});
