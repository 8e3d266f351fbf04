import assert from 'node:assert/strict';
import { PARK_DIGIT_MS } from '../../src/sim/media/media-control.js';
import { apiLines, appLines, apps, loopbackLookup, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { onPromptEnd, onPromptStart } from '../support/prompt-events.js';
import { twiml } from '../support/twiml-server.js';

const PROMPT = 'https://cdn.example.com/menu.wav';
const SHORT = 'https://cdn.example.com/beep.wav';

describe('engine: Gather', () => {
  let e: EngineHarness;
  afterEach(async () => { await e.close(); });

  describe('at the usual time scale', () => {
    beforeEach(async () => { e = await startEngine({ sim: { mediaDurations: { [PROMPT]: 10_000 } } }); });

    it('the prompts are the input application\'s file; a key stops them all, and numDigits submits at once', async () => {
      e.web.route('/voice', twiml(`<Gather action="/choice" numDigits="1"><Say>Press one for sales</Say><Play>${PROMPT}</Play>` +
        '<Pause length="3"/></Gather><Say>No input</Say>'));
      e.web.route('/choice', twiml('<Say>You chose</Say>'));
      const call = e.call();
      onPromptStart(call, () => call.pressDigits('2'));
      await e.finish(call);
      assert.deepEqual(appLines(call), [
        `play_and_get_digits 0 1 1 5000 #D 'file_string://tts://flite|rms|Press one for sales!${PROMPT}!silence_stream://3000'`,
        'speak flite|rms|You chose']);
      assert.deepEqual(e.web.requests.map((r) => `${r.method} ${r.path} ${r.params['Digits'] ?? '-'}`),
        ['POST /voice -', 'POST /choice 2']);
    });

    it('collects keys after the prompts until finishOnKey (#, not included); action defaults to the document URL', async () => {
      let turn = 0;
      e.web.route('/voice', () => (turn++ === 0 ? twiml('<Gather><Say>Enter your PIN</Say></Gather>') : twiml('<Hangup/>')));
      const call = e.call();
      onPromptEnd(call, () => call.pressDigits('123#9'));
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
      onPromptEnd(call, () => call.pressDigits('#1*'));
      await e.finish(call);
      assert.equal(appLines(call)[0], "play_and_get_digits 0 3 1 5000 D 'tts://flite|rms|PIN'");
      const pin = e.web.to('/pin')[0];
      assert.equal(pin?.method, 'GET');
      assert.equal(pin?.query.get('Digits'), '#1*');
    });

    it('another finishOnKey ends the input; keys pressed during the prompt count', async () => {
      e.web.route('/voice', twiml('<Gather finishOnKey="*" action="/pin"><Say>Enter the code</Say></Gather>'));
      e.web.route('/pin', twiml('<Hangup/>'));
      const call = e.call();
      onPromptStart(call, () => call.pressDigits('42'));
      onPromptEnd(call, () => call.pressDigits('7*8'));
      await e.finish(call);
      assert.equal(e.web.to('/pin')[0]?.params['Digits'], '427');
    });

    it('no input: after the timeout the next verb runs, with no request', async () => {
      e.web.route('/voice', twiml('<Gather action="/choice" timeout="2"><Say>Press a key</Say></Gather><Say>Goodbye</Say>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ["play_and_get_digits 0 127 1 2000 #D 'tts://flite|rms|Press a key'",
        'speak flite|rms|Goodbye']);
      assert.equal(e.web.requests.length, 1);
    });

    it('only the finish key: no digits, the next verb runs', async () => {
      e.web.route('/voice', twiml('<Gather action="/choice"><Say>Press a key</Say></Gather><Say>Goodbye</Say>'));
      const call = e.call();
      onPromptEnd(call, () => call.pressDigits('#'));
      await e.finish(call);
      assert.deepEqual(apps(call), ['play_and_get_digits', 'speak']);
      assert.equal(e.web.requests.length, 1);
    });

    it('actionOnEmptyResult requests the action with an empty Digits', async () => {
      e.web.route('/voice', twiml('<Gather action="/choice" timeout="1" actionOnEmptyResult="true"><Say>Hi</Say></Gather>' +
        '<Say>never</Say>'));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      await e.finish(call);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '');
      assert.deepEqual(apps(call), ['play_and_get_digits']);
    });

    it('bargeIn="false": keys are collected but the prompts play to the end', async () => {
      e.web.route('/voice', twiml(`<Gather action="/choice" numDigits="1" bargeIn="false"><Play>${PROMPT}</Play>` +
        '<Say>second prompt</Say></Gather>'));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      call.on('execute', (app: string) => { if (app === 'playback') call.pressDigits('5'); });
      await e.finish(call);
      assert.deepEqual(apps(call), ['playback', 'speak']);
      assert.ok(apiLines(call).includes(`uuid_setvar ${call.uuid} playback_terminators none`));
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '5');
    });

    it('the timeout starts when the prompts end: a key right after a prompt longer than the timeout is taken', async () => {
      e.web.route('/voice', twiml(`<Gather action="/choice" timeout="2"><Play>${PROMPT}</Play></Gather><Say>no</Say>`));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      onPromptEnd(call, () => call.pressDigits('8#'));
      await e.finish(call);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '8');
    });

    it('a key pressed during the first prompt skips the prompts not yet started', async () => {
      e.web.route('/voice', twiml('<Gather action="/choice" numDigits="1"><Say>first</Say><Say>second</Say></Gather>'));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      const stops: string[] = [];
      call.on('event', (name: string, headers: Map<string, string>) => {
        if (name === 'PLAYBACK_STOP') stops.push(headers.get('Playback-Status') ?? '');
      });
      onPromptStart(call, () => call.pressDigits('6'));
      await e.finish(call);
      assert.deepEqual(appLines(call), [
        "play_and_get_digits 0 1 1 5000 #D 'file_string://tts://flite|rms|first!tts://flite|rms|second'"]);
      assert.deepEqual(stops, ['break']);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '6');
    });

    it('a Pause inside Gather plays silence, which a key stops', async () => {
      e.web.route('/voice', twiml('<Gather action="/choice" numDigits="1"><Pause length="30"/></Gather>'));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      onPromptStart(call, () => call.pressDigits('3'));
      await e.finish(call);
      assert.deepEqual(appLines(call), ["play_and_get_digits 0 1 1 5000 #D 'silence_stream://30000'"]);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '3');
    });

    it('finishOnKey pressed during the prompt ends the input at once, with no digits', async () => {
      e.web.route('/voice', twiml('<Gather action="/choice" numDigits="4"><Say>Enter the code</Say></Gather><Say>none</Say>'));
      const call = e.call();
      let pressedMs = 0;
      let nextMs = 0;
      onPromptStart(call, () => { pressedMs = call.nowMs(); call.pressDigits('#'); });
      call.on('execute', (app: string, arg: string) => { if (arg.endsWith('none')) nextMs = call.nowMs(); });
      await e.finish(call);
      assert.deepEqual(apps(call), ['play_and_get_digits', 'speak']);
      assert.equal(e.web.requests.length, 1);
      assert.ok(nextMs - pressedMs < 4000, `the next verb started ${nextMs - pressedMs} ms after the key, not at the timeout`);
    });

    it('prompts that are no file (Play digits) and those before them run first; the rest is the file', async () => {
      e.web.route('/voice', twiml('<Gather action="/choice" numDigits="2"><Say>one</Say><Play digits="9"/>' +
        `<Say loop="2">Don't wait! Press 1\\</Say><Play>${PROMPT}</Play></Gather>`));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      onPromptEnd(call, () => call.pressDigits('12'));
      await e.finish(call);
      assert.deepEqual(appLines(call), ['speak flite|rms|one', 'send_dtmf 9',
        "play_and_get_digits 0 2 1 5000 #D 'file_string://tts://flite|rms|Dont wait. Press 1!tts://flite|rms|Dont wait. Press 1!" +
        `${PROMPT}'`]);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '12');
    });

    it('a key during the prompts played first stops them; the input application then only waits for the rest', async () => {
      e.web.route('/voice', twiml(`<Gather action="/choice" numDigits="2"><Play loop="0">${PROMPT}</Play><Say>after</Say></Gather>`));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      let played = 0;
      call.on('execute', (app: string) => { if (app === 'playback' && played++ === 0) call.pressDigits('3'); });
      call.on('complete', (app: string) => { if (app === 'playback') call.pressDigits('4'); });
      await e.finish(call);
      assert.deepEqual(appLines(call), [`playback ${PROMPT}`, 'play_and_get_digits 0 1 1 5000 #D silence']);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '34');
    });

    it('interrupted while it waits for keys: the input application is stopped and the new document runs', async () => {
      // An hour's timeout: only the stop key ends the input application before the test's own limit.
      e.web.route('/voice', twiml('<Gather action="/gathered" timeout="3600"><Say>Press a key.</Say></Gather>'));
      e.web.route('/next', twiml('<Say>Redirected.</Say><Hangup/>'));
      const call = e.call();
      onPromptEnd(call, () => {
        assert.equal(e.calls.get(call.uuid)?.interrupt({ url: new URL(e.web.url('/next')), method: 'POST' }), true);
      });
      await e.finish(call);
      assert.deepEqual(apps(call), ['play_and_get_digits', 'speak']);
      assert.ok(apiLines(call).includes(`uuid_recv_dtmf ${call.uuid} D`));
      assert.equal(e.web.to('/gathered').length, 0);
      assert.equal(e.web.to('/next').length, 1);
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

  describe('at real time, for the latency of a key', () => {
    beforeEach(async () => { e = await startEngine({ timeScale: 1, sim: { mediaDurations: { [SHORT]: 100 } } }); });

    it('a key pressed after the prompts is read by the input application at once and reaches the action', async () => {
      e.web.route('/voice', twiml(`<Gather action="/choice" numDigits="1"><Play>${SHORT}</Play></Gather>`));
      const call = e.call();
      let pressedMs = 0;
      let requestedMs = 0;
      e.web.route('/choice', () => { requestedMs = call.nowMs(); return twiml('<Hangup/>'); });
      onPromptEnd(call, () => setTimeout(() => { pressedMs = call.nowMs(); call.pressDigits('5'); }, 30));
      await e.finish(call);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '5');
      const [taken] = call.digitsTaken;
      assert.equal(taken?.app, 'play_and_get_digits', 'an input application runs after the prompts');
      assert.equal(taken?.byPark, false);
      assert.ok(requestedMs - pressedMs < PARK_DIGIT_MS, `the action was requested ${requestedMs - pressedMs} ms after the key`);
    });

    it('Gather interrupted before its input application started: it never runs, and no stop key is left behind', async () => {
      e.web.route('/voice', twiml('<Gather action="/gathered" timeout="3600"><Say>Press a key.</Say></Gather>'));
      e.web.route('/next', twiml('<Say>ok</Say><Hangup/>'));
      const call = e.call();
      // As the simulator reads the execute: the application is queued, and starts one frame (20 ms) later.
      call.on('command', (cmd: { command: string; headers: Record<string, string> }) => {
        if (cmd.headers['execute-app-name'] !== 'play_and_get_digits') return;
        e.calls.get(call.uuid)?.interrupt({ url: new URL(e.web.url('/next')), method: 'POST' });
      });
      await e.finish(call);
      assert.deepEqual(apps(call), ['speak']);
      assert.ok(!apiLines(call).some((line) => line.startsWith('uuid_recv_dtmf')));
      assert.equal(e.web.to('/next').length, 1);
    });
  });

  describe('a key the park loop took while the Gather prepared its input application', () => {
    it('completes the input: the action is requested, and no input application is started', async () => {
      let release = (): void => {};
      const held = new Promise<void>((resolve) => { release = resolve; });
      const onLookup: { asked?: () => void } = {};
      e = await startEngine({ sim: { mediaDurations: { 'https://slow.example.com/menu.wav': 1000 } },
        lookup: async (host) => {
          if (host === 'slow.example.com') { onLookup.asked?.(); await held; }
          return loopbackLookup();
        } });
      e.web.route('/voice', twiml('<Gather action="/choice" numDigits="1"><Play>https://slow.example.com/menu.wav</Play></Gather>'));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      // The key comes while the prompt's host is looked up (the channel idles in the park loop, which reports it);
      // the lookup ends once the report is out.
      onLookup.asked = () => call.pressDigits('7');
      call.on('event', (name: string) => { if (name === 'DTMF') setTimeout(release, 5); });
      await e.finish(call);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '7');
      assert.deepEqual(call.digitsTaken.map((d) => `${d.digit} ${d.app ?? 'park'}`), ['7 park']);
      assert.deepEqual(apps(call), []);
    });
  });

  describe('with slower time, for the timers', () => {
    beforeEach(async () => { e = await startEngine({ timeScale: 0.1, sim: { mediaDurations: { [SHORT]: 100 } } }); });

    it('with no key, the next verb starts one timeout after the prompts ended', async () => {
      e.web.route('/voice', twiml(`<Gather action="/choice" timeout="2"><Play>${SHORT}</Play></Gather><Say>next</Say>`));
      const call = e.call();
      let endedMs = 0;
      let nextMs = 0;
      onPromptEnd(call, () => { endedMs = call.nowMs(); });
      call.on('execute', (app: string) => { if (app === 'speak') nextMs = call.nowMs(); });
      await e.finish(call);
      assert.equal(e.web.requests.length, 1);
      assert.ok(nextMs - endedMs >= 2000 && nextMs - endedMs < 3000, `next verb ${nextMs - endedMs} ms after the prompts`);
    });

    it('after the last key, the keys are sent one timeout later', async () => {
      e.web.route('/voice', twiml(`<Gather action="/choice" timeout="2"><Play>${SHORT}</Play></Gather>`));
      const call = e.call();
      let lastKeyMs = 0;
      let requestedMs = 0;
      e.web.route('/choice', () => { requestedMs = call.nowMs(); return twiml('<Hangup/>'); });
      onPromptEnd(call, () => {
        call.pressDigits('4');
        setTimeout(() => { lastKeyMs = call.nowMs(); call.pressDigits('2'); }, 100);
      });
      await e.finish(call);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '42');
      assert.ok(requestedMs - lastKeyMs >= 2000 && requestedMs - lastKeyMs < 3000, `sent ${requestedMs - lastKeyMs} ms after the last key`);
    });

    it('bargeIn="false": the prompts play on their own, and the wait after them runs in the input application', async () => {
      e.web.route('/voice', twiml('<Gather action="/choice" numDigits="2" bargeIn="false"><Say>Hi</Say></Gather>'));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      call.on('execute', (app: string) => { if (app === 'speak') call.pressDigits('4'); });
      call.on('complete', (app: string) => { if (app === 'speak') call.pressDigits('2'); });
      await e.finish(call);
      assert.deepEqual(appLines(call), ['speak flite|rms|Hi', 'play_and_get_digits 0 1 1 5000 #D silence']);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '42');
      assert.deepEqual(call.digitsTaken.map((d) => `${d.digit} ${d.app ?? 'park'}`), ['4 speak', '2 play_and_get_digits']);
    });

    it('the timeout starts again after each key', async () => {
      // timeout 2 s = 200 ms here; keys 120 ms apart take 360 ms in all, more than one timeout.
      e.web.route('/voice', twiml('<Gather action="/choice" timeout="2"><Say>Go</Say></Gather>'));
      e.web.route('/choice', twiml('<Hangup/>'));
      const call = e.call();
      onPromptEnd(call, () => {
        call.pressDigits('1');
        setTimeout(() => call.pressDigits('2'), 120);
        setTimeout(() => call.pressDigits('3'), 240);
      });
      await e.finish(call);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '123');
    });
  });
});
