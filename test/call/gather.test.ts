import assert from 'node:assert/strict';
import { apiLines, appLines, apps, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { twiml } from '../support/twiml-server.js';

const PROMPT = 'https://cdn.example.com/menu.wav';

describe('engine: Gather', () => {
  let e: EngineHarness;
  afterEach(async () => { await e.close(); });

  describe('at the usual time scale', () => {
    beforeEach(async () => { e = await startEngine({ sim: { mediaDurations: { [PROMPT]: 10_000 } } }); });

    it('a key stops the prompt (playback_terminators=any), skips the other prompts, and numDigits submits at once', async () => {
      e.web.route('/voice', twiml(`<Gather action="/choice" numDigits="1"><Say>Press one for sales</Say><Play>${PROMPT}</Play>` +
        '<Pause length="3"/></Gather><Say>No input</Say>'));
      e.web.route('/choice', twiml('<Say>You chose</Say>'));
      const call = e.call();
      call.on('execute', (app: string) => { if (app === 'speak') call.pressDigits('2'); });
      await e.finish(call);
      assert.deepEqual(appLines(call), ['answer', 'speak flite|rms|Press one for sales', 'speak flite|rms|You chose']);
      assert.ok(apiLines(call).includes(`uuid_setvar ${call.uuid} playback_terminators any`));
      assert.deepEqual(e.web.requests.map((r) => `${r.method} ${r.path} ${r.params['Digits'] ?? '-'}`),
        ['POST /voice -', 'POST /choice 2']);
    });

    it('collects keys after the prompts until finishOnKey (#, not included); action defaults to the document URL', async () => {
      let turn = 0;
      e.web.route('/voice', () => (turn++ === 0 ? twiml('<Gather><Say>Enter your PIN</Say></Gather>') : twiml('<Hangup/>')));
      const call = e.call();
      call.on('complete', (app: string) => { if (app === 'speak') call.pressDigits('123#9'); });
      await e.finish(call);
      const second = e.web.requests[1];
      assert.equal(second?.path, '/voice');
      assert.equal(second?.method, 'POST');
      assert.equal(second?.params['Digits'], '123');
      assert.equal(second?.params['CallStatus'], 'in-progress');
    });

    it('finishOnKey="" makes # an ordinary key; the action method can be GET', async () => {
      e.web.route('/voice', twiml('<Gather finishOnKey="" numDigits="3" action="/pin" method="GET"><Say>PIN</Say></Gather>'));
      e.web.route('/pin', twiml('<Hangup/>'));
      const call = e.call();
      call.on('complete', (app: string) => { if (app === 'speak') call.pressDigits('#1*'); });
      await e.finish(call);
      const pin = e.web.to('/pin')[0];
      assert.equal(pin?.method, 'GET');
      assert.equal(pin?.query.get('Digits'), '#1*');
    });

    it('another finishOnKey ends the input; keys pressed during the prompt count', async () => {
      e.web.route('/voice', twiml('<Gather finishOnKey="*" action="/pin"><Say>Enter the code</Say></Gather>'));
      e.web.route('/pin', twiml('<Hangup/>'));
      const call = e.call();
      call.on('execute', (app: string) => { if (app === 'speak') call.pressDigits('42'); });
      call.on('complete', (app: string) => { if (app === 'speak') call.pressDigits('7*8'); });
      await e.finish(call);
      assert.equal(e.web.to('/pin')[0]?.params['Digits'], '427');
    });

    it('no input: after the timeout the next verb runs, with no request', async () => {
      e.web.route('/voice', twiml('<Gather action="/choice" timeout="2"><Say>Press a key</Say></Gather><Say>Goodbye</Say>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ['answer', 'speak flite|rms|Press a key', 'speak flite|rms|Goodbye']);
      assert.equal(e.web.requests.length, 1);
    });

    it('only the finish key: no digits, the next verb runs', async () => {
      e.web.route('/voice', twiml('<Gather action="/choice"><Say>Press a key</Say></Gather><Say>Goodbye</Say>'));
      const call = e.call();
      call.on('complete', (app: string, arg: string) => { if (arg.endsWith('Press a key')) call.pressDigits('#'); });
      await e.finish(call);
      assert.deepEqual(apps(call), ['answer', 'speak', 'speak']);
      assert.equal(e.web.requests.length, 1);
    });

    it('actionOnEmptyResult requests the action with an empty Digits', async () => {
      e.web.route('/voice', twiml('<Gather action="/choice" timeout="1" actionOnEmptyResult="true"><Say>Hi</Say></Gather>' +
        '<Say>never</Say>'));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      await e.finish(call);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '');
      assert.deepEqual(apps(call), ['answer', 'speak']);
    });

    it('bargeIn="false": keys are collected but the prompts play to the end', async () => {
      e.web.route('/voice', twiml(`<Gather action="/choice" numDigits="1" bargeIn="false"><Play>${PROMPT}</Play>` +
        '<Say>second prompt</Say></Gather>'));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      call.on('execute', (app: string) => { if (app === 'playback') call.pressDigits('5'); });
      await e.finish(call);
      assert.deepEqual(apps(call), ['answer', 'playback', 'speak']);
      assert.ok(apiLines(call).includes(`uuid_setvar ${call.uuid} playback_terminators none`));
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '5');
    });

    it('the timeout starts when the prompts end: a key right after a prompt longer than the timeout is taken', async () => {
      e.web.route('/voice', twiml(`<Gather action="/choice" timeout="2"><Play>${PROMPT}</Play></Gather><Say>no</Say>`));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      call.on('complete', (app: string) => { if (app === 'playback') call.pressDigits('8#'); });
      await e.finish(call);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '8');
    });

    it('a key pressed between two prompts skips the prompts not yet started', async () => {
      e.web.route('/voice', twiml('<Gather action="/choice" numDigits="1"><Say>first</Say><Say>second</Say></Gather>'));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      call.on('complete', (app: string, arg: string) => { if (arg.endsWith('first')) call.pressDigits('6'); });
      await e.finish(call);
      assert.deepEqual(appLines(call), ['answer', 'speak flite|rms|first']);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '6');
    });

    it('a Pause inside Gather plays silence, which a key stops', async () => {
      e.web.route('/voice', twiml('<Gather action="/choice" numDigits="1"><Pause length="30"/></Gather>'));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      call.on('execute', (app: string) => { if (app === 'playback') call.pressDigits('3'); });
      await e.finish(call);
      assert.deepEqual(appLines(call), ['answer', 'playback silence_stream://30000']);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '3');
    });

    it('a bare Gather waits for keys', async () => {
      e.web.route('/voice', twiml('<Say>go</Say><Gather action="/choice" numDigits="2" timeout="10"/>'));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      call.on('complete', (app: string) => { if (app === 'speak') setTimeout(() => call.pressDigits('91'), 10); });
      await e.finish(call);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '91');
    });
  });

  describe('with slower time, for the timer between keys', () => {
    beforeEach(async () => { e = await startEngine({ timeScale: 0.1 }); });

    it('the timeout starts again after each key', async () => {
      // timeout 2 s = 200 ms here; keys 120 ms apart take 360 ms in all, more than one timeout.
      e.web.route('/voice', twiml('<Gather action="/choice" timeout="2"><Say>Go</Say></Gather>'));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      call.on('complete', (app: string) => {
        if (app !== 'speak') return;
        call.pressDigits('1');
        setTimeout(() => call.pressDigits('2'), 120);
        setTimeout(() => call.pressDigits('3'), 240);
      });
      await e.finish(call);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '123');
    });
  });
});
