import assert from 'node:assert/strict';
import { apiLines, appLines, apps, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { twiml } from '../support/twiml-server.js';

describe('engine: Say', () => {
  let e: EngineHarness;
  afterEach(async () => { await e.close(); });

  describe('with the default voice table', () => {
    beforeEach(async () => { e = await startEngine(); });

    it('answers, speaks with the default voice (man: flite|rms), then hangs up when the document runs out', async () => {
      e.web.route('/voice', twiml('<Say>Hello world</Say>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ['speak flite|rms|Hello world']);
      const api = apiLines(call);
      assert.ok(api.includes(`uuid_setvar ${call.uuid} playback_terminators none`), 'keys do not cut the speech');
      assert.equal(api[api.length - 1], `uuid_kill ${call.uuid} NORMAL_CLEARING`);
      assert.equal((await call.ended).hangupCause, 'NORMAL_CLEARING');
      const [req] = e.web.requests;
      assert.equal(e.web.requests.length, 1);
      assert.equal(req?.method, 'POST');
      assert.equal(req?.params['CallSid'], call.uuid);
      assert.equal(req?.params['CallStatus'], 'ringing');
      assert.equal(req?.params['Direction'], 'inbound');
      assert.equal(req?.params['ApiVersion'], '2010-04-01');
      assert.equal(req?.params['From'], '5551234');
      assert.equal(req?.params['To'], '7001');
      assert.equal(req?.params['AccountSid'], undefined, 'no account known: not sent');
    });

    it('maps woman, alice, Polly.* and Google.* to flite|slt, and sets playback_terminators only once', async () => {
      e.web.route('/voice', twiml('<Say voice="woman">a</Say><Say voice="alice" language="en-GB">b</Say>' +
        '<Say voice="Polly.Joanna-Neural">c</Say><Say voice="Google.en-US-Standard-C">d</Say>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ['speak flite|slt|a', 'speak flite|slt|b', 'speak flite|slt|c', 'speak flite|slt|d']);
      assert.equal(apiLines(call).filter((l) => l.includes('playback_terminators')).length, 1);
    });

    it('falls back to the default voice with a warning for an unmapped voice, and the call goes on', async () => {
      e.web.route('/voice', twiml('<Say voice="robot">beep</Say><Say>after</Say>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ['speak flite|slt|beep', 'speak flite|rms|after']);
      assert.equal(e.h.logs.withCode('ERR_CALL_VOICE_UNMAPPED').length, 1);
    });

    it('repeats loop times', async () => {
      e.web.route('/voice', twiml('<Say loop="3">again</Say>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(apps(call), ['speak', 'speak', 'speak']);
    });

    it('neutralises expansion, line breaks and control characters; keeps | and quotes', async () => {
      const text = 'Hi ${uuid_kill(${uuid})} $${hold_music}\nnext line\r\tend | "quoted" \'single\' %[x=y]';
      e.web.route('/voice', twiml(`<Say>${text.replace(/</g, '&lt;').replace(/&/g, '&amp;')}</Say>`));
      const call = e.call();
      await e.finish(call);
      const speak = call.executed.find((x) => x.app === 'speak');
      // The arg reaches FreeSWITCH with nothing left to expand: the simulator would have expanded ${...} to ''.
      assert.equal(speak?.arg,
        'flite|rms|Hi $ {uuid_kill($ {uuid})} $$ {hold_music} next line end | "quoted" \'single\' %[x=y]');
      assert.ok(call.commands.every((c) => !/execute-app-arg: .*\n/.test(c.command)));
    });
  });

  describe('with a configured voice table', () => {
    beforeEach(async () => {
      e = await startEngine({
        call: {
          maxLoops: 4,
          tts: {
            defaultVoice: 'flite|kal',
            voices: [
              { voice: 'woman', tts: 'flite|slt' },
              { voice: 'woman', language: 'en-GB', tts: 'flite|awb' },
              { voice: 'Polly.*', tts: 'flite|kal16' },
            ],
          },
        },
      });
    });

    it('picks the language-specific row first, then the voice row, then a prefix row, else the default', async () => {
      e.web.route('/voice', twiml('<Say voice="woman" language="en-GB">a</Say><Say voice="woman" language="fr">b</Say>' +
        '<Say voice="Polly.Brian">c</Say><Say voice="man">d</Say>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ['speak flite|awb|a', 'speak flite|slt|b', 'speak flite|kal16|c', 'speak flite|kal|d']);
      assert.equal(e.h.logs.withCode('ERR_CALL_VOICE_UNMAPPED').length, 1);
    });

    it('loop="0" repeats until the configured maximum', async () => {
      e.web.route('/voice', twiml('<Say voice="woman" loop="0">forever and ever</Say>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(apps(call), ['speak', 'speak', 'speak', 'speak']);
    });

    it('loop="0" ends with the call when the caller hangs up', async () => {
      e.web.route('/voice', twiml('<Say voice="woman" loop="0">this is a rather long sentence to repeat</Say>'));
      const call = e.call();
      call.on('execute', (app: string) => { if (app === 'speak') call.hangup(); });
      await e.finish(call);
      assert.deepEqual(apps(call), ['speak']);
      assert.equal((await call.ended).hangupCause, 'NORMAL_CLEARING');
    });
  });
});
