import assert from 'node:assert/strict';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { twiml } from '../support/twiml-server.js';
import { bridgeArg, legsOf } from './dial-support.js';

const ACCOUNT = '4a6863d3b2a6d6aa4b4f1f0a5c3e9e7d';

describe('engine: Dial nouns', () => {
  describe('with the default templates', () => {
    let e: EngineHarness;
    beforeEach(async () => { e = await startEngine(); });
    afterEach(async () => { await e.close(); });

    it('Sip: digest credentials and X- headers become leg variables; other headers are left out and logged', async () => {
      e.web.route('/voice', twiml('<Dial><Sip username="bob" password="s3cret!">' +
        'sip:alice@example.com:5080;transport=tcp?X-Account=42&amp;X-Note=a%2Bb&amp;Subject=hi</Sip></Dial>'));
      const call = e.call();
      await e.finish(call);
      const [leg] = legsOf(bridgeArg(call));
      assert.equal(leg?.endpoint, 'sofia/sipinterface_1/sip:alice@example.com:5080;transport=tcp');
      assert.equal(leg?.vars['sip_auth_username'], 'bob');
      assert.equal(leg?.vars['sip_auth_password'], 's3cret!');
      assert.equal(leg?.vars['sip_h_X-Account'], '42');
      assert.equal(leg?.vars['sip_h_X-Note'], 'a+b');
      assert.equal(Object.keys(leg?.vars ?? {}).some((k) => k.includes('Subject')), false);
      assert.equal(e.h.logs.withCode('ERR_DIAL_ENDPOINT_REFUSED').length, 1);
    });

    it('Sip without a scheme (Twilio\'s and Kazoo\'s examples) is dialled as a sip: URI', async () => {
      e.web.route('/voice', twiml('<Dial action="/after"><Sip>kate@example.com</Sip><Sip>user@host.com:2600?X-A=1</Sip></Dial>'));
      e.web.route('/after', twiml('<Hangup/>'));
      const call = e.call();
      await e.finish(call);
      const legs = legsOf(bridgeArg(call));
      assert.deepEqual(legs.map((l) => l.endpoint), ['sofia/sipinterface_1/sip:kate@example.com',
        'sofia/sipinterface_1/sip:user@host.com:2600']);
      assert.equal(legs[1]?.vars['sip_h_X-A'], '1');
      assert.equal(e.web.to('/after').length, 1, 'the document ran');
    });

    it('User and Device: the id, the account and the realm fill the template', async () => {
      e.web.route('/voice', twiml('<Dial><User>9f1c2d</User><Device>dev-7</Device><Number>5551234</Number></Dial>'));
      const call = e.call({ variables: { 'ecallmgr_Account-ID': ACCOUNT, ecallmgr_Realm: 'acme.sip.example.com' } });
      await e.finish(call);
      assert.deepEqual(legsOf(bridgeArg(call)).map((l) => l.endpoint), ['user/9f1c2d@acme.sip.example.com',
        'user/dev-7@acme.sip.example.com', 'loopback/5551234/context_2']);
    });
  });

  describe('with configured templates (a plain FreeSWITCH profile)', () => {
    let e: EngineHarness;
    beforeEach(async () => {
      e = await startEngine({ call: { dial: {
        numberTemplate: 'sofia/gateway/carrier1/{number}',
        sipTemplate: 'sofia/external/{uri}',
        userTemplate: 'sofia/internal/{id}@{realm}',
        deviceTemplate: 'user/{id}-{account}@{realm}',
        realm: 'pbx.example.net',
      } } });
    });
    afterEach(async () => { await e.close(); });

    it('routes every noun through its template', async () => {
      e.web.route('/voice', twiml('<Dial><Number>+44 20 7946 0000</Number><Sip>sips:carol@example.org</Sip>' +
        '<User>u1</User><Device>d1</Device></Dial>'));
      const call = e.call({ variables: { 'ecallmgr_Account-ID': ACCOUNT, ecallmgr_Realm: 'ignored.example.com' } });
      await e.finish(call);
      assert.deepEqual(legsOf(bridgeArg(call)).map((l) => l.endpoint), ['sofia/gateway/carrier1/+442079460000',
        'sofia/external/sips:carol@example.org', 'sofia/internal/u1@pbx.example.net',
        `user/d1-${ACCOUNT}@pbx.example.net`]);
    });
  });
});
