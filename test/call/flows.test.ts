import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appLines, apps, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { onPromptEnd } from '../support/prompt-events.js';
import type { ReceivedRequest } from '../support/twiml-server.js';
import { twiml } from '../support/twiml-server.js';

/** test/fixtures/twiml/valid, from dist/test/call. */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/twiml/valid');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

/** Whole calls: the flows of Kazoo Pivot's samples and of Twilio's IVR and voicemail quickstarts. */
describe('engine: complete flows', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine(); });
  afterEach(async () => { await e.close(); });

  it('Pivot say sample: a woman voice in en-gb, twice', async () => {
    e.web.route('/voice', twiml('<Say voice="woman" language="en-gb" loop="2">Hello</Say>'));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(appLines(call), ['speak flite|slt|Hello', 'speak flite|slt|Hello']);
  });

  it('Pivot play sample: one remote wav', async () => {
    e.web.route('/voice', twiml('<Play>http://media.example.org/sounds/welcome.wav</Play>'));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(appLines(call), ['playback http://media.example.org/sounds/welcome.wav']);
  });

  describe('Pivot gather sample: account number by GET', () => {
    const menu = '<Gather action="/gather/process" method="GET"><Say>Enter your account number, then the pound key</Say>' +
      '</Gather>';
    const processor = (req: ReceivedRequest): string => (req.query.get('Digits') === 'TIMEOUT'
      ? twiml('<Say>Timed out. Goodbye</Say><Hangup/>') : twiml(`<Say>You entered ${req.query.get('Digits') ?? ''}</Say>`));

    it('keys then # go to the processor, which reads them back', async () => {
      e.web.route('/voice', twiml(`${menu}<Say>Nothing received. Goodbye</Say>`));
      e.web.route('/gather/process', processor);
      const call = e.call();
      onPromptEnd(call, () => call.pressDigits('4711#'));
      await e.finish(call);
      assert.equal(e.web.to('/gather/process')[0]?.method, 'GET');
      assert.deepEqual(appLines(call).slice(-1), ['speak flite|rms|You entered 4711']);
    });

    it('no input falls through to a Redirect that reports the timeout', async () => {
      e.web.route('/voice', twiml(`${menu}<Redirect method="GET">/gather/process?Digits=TIMEOUT</Redirect>`));
      e.web.route('/gather/process', processor);
      const call = e.call();
      await e.finish(call);
      const processed = e.web.to('/gather/process')[0];
      assert.equal(processed?.query.getAll('Digits').join(), 'TIMEOUT');
      assert.deepEqual(apps(call), ['play_and_get_digits', 'speak']);
      assert.equal(appLines(call)[1], 'speak flite|rms|Timed out. Goodbye');
    });
  });

  it('Twilio IVR quickstart: the menu, 9 to hear it again, then 1', async () => {
    e.web.route('/ivr/welcome', fixture('ivr-menu.xml'));
    e.web.route('/ivr/choice', (req) => {
      switch (req.params['Digits']) {
        case '1': return twiml('<Say>Connecting you to appointments. Goodbye.</Say><Hangup/>');
        case '9': return twiml('<Redirect>/ivr/welcome</Redirect>');
        default: return twiml('<Say>Sorry, that is not an option.</Say><Redirect>/ivr/welcome</Redirect>');
      }
    });
    const call = e.call({ variables: { pivot_voice_url: e.web.url('/ivr/welcome') } });
    const keys = ['9', '1'];
    call.on('execute', (app: string, arg: string) => {
      if (app === 'play_and_get_digits' && arg.includes('Example Dental')) call.pressDigits(keys.shift() ?? '');
    });
    await e.finish(call);
    assert.deepEqual(e.web.requests.map((r) => `${r.path} ${r.params['Digits'] ?? '-'}`),
      ['/ivr/welcome -', '/ivr/choice 9', '/ivr/welcome -', '/ivr/choice 1']);
    assert.deepEqual(apps(call), ['play_and_get_digits', 'play_and_get_digits', 'speak']);
    assert.ok(appLines(call)[0]?.startsWith("play_and_get_digits 0 1 1 8000 #D 'file_string://tts://flite|slt|Thanks for calling Example Dental."));
  });

  it('Twilio voicemail quickstart: a message ended with *, uploaded, then the action thanks the caller', async () => {
    e.web.route('/voicemail', fixture('voicemail.xml'));
    e.web.route('/voicemail-saved.php', twiml('<Say>Your message was saved. Goodbye.</Say><Hangup/>'));
    const call = e.call({ variables: { pivot_voice_url: e.web.url('/voicemail') },
      caller: { speech: [{ atMs: 0, durationMs: 600_000 }] } });
    e.web.route(`/voicemail-saved.php/call_recording_${call.uuid}_1.wav`, { status: 204, body: '', contentType: null });
    call.on('execute', (app: string) => { if (app === 'record') setTimeout(() => call.pressDigits('*'), 30); });
    await e.finish(call);
    assert.deepEqual(apps(call), ['speak', 'playback', 'record', 'speak']);
    assert.match(appLines(call)[2] ?? '', / 120 200 10$/);
    const saved = e.web.to('/voicemail-saved.php')[0];
    assert.equal(saved?.params['Digits'], '*');
    assert.equal(saved?.params['RecordingUrl'], e.web.url(`/voicemail-saved.php/call_recording_${call.uuid}_1.wav`));
    assert.equal(e.web.requests.filter((r) => r.method === 'PUT').length, 1);
  });

  it('Twilio voicemail quickstart: silence is not a message', async () => {
    e.web.route('/voicemail', fixture('voicemail.xml'));
    const call = e.call({ variables: { pivot_voice_url: e.web.url('/voicemail') } });
    await e.finish(call);
    assert.deepEqual(apps(call), ['speak', 'playback', 'record', 'speak']);
    assert.equal(appLines(call)[3], 'speak flite|rms|I did not hear a message. Goodbye.');
    assert.equal(e.web.requests.length, 1);
  });

  it('Pivot Set sample: variables from two Sets reach the next document', async () => {
    e.web.route('/kazoo/start.xml', fixture('set-variables.xml'));
    e.web.route('/kazoo/step2.xml', twiml('<Say>tier noted</Say>'));
    const call = e.call({ variables: { pivot_voice_url: e.web.url('/kazoo/start.xml') } });
    await e.finish(call);
    const step2 = e.web.to('/kazoo/step2.xml')[0];
    assert.deepEqual([step2?.params['account_tier'], step2?.params['a'], step2?.params['b']], ['gold', '1', '2']);
    assert.deepEqual(apps(call), ['speak']);
  });
});
