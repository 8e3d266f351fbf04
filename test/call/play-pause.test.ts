import assert from 'node:assert/strict';
import { apiLines, appLines, apps, startEngine, switchSteps, type EngineHarness } from '../support/engine-harness.js';
import { twiml } from '../support/twiml-server.js';

describe('engine: Play and Pause', () => {
  let e: EngineHarness;
  afterEach(async () => { await e.close(); });

  describe('defaults', () => {
    beforeEach(async () => {
      e = await startEngine({ sim: { mediaDurations: { 'http://127.0.0.1/missing.wav': null } } });
    });

    it('plays an absolute URL with playback, keys not cutting it', async () => {
      e.web.route('/voice', twiml('<Play>https://cdn.example.com/audio/welcome.mp3</Play>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ['playback https://cdn.example.com/audio/welcome.mp3']);
      assert.ok(apiLines(call).includes(`uuid_setvar ${call.uuid} playback_terminators none`));
    });

    it('passes FreeSWITCH stream paths through when configured, and skips the others with a code', async () => {
      e.web.route('/voice', twiml('<Play>tone_stream://%(500,0,440)</Play><Play>local_stream://moh</Play>' +
        '<Play>silence_stream://300</Play>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ['playback tone_stream://%(500,0,440)', 'playback silence_stream://300']);
      assert.equal(e.h.logs.withCode('ERR_CALL_MEDIA_REFUSED').length, 1, 'local_stream:// is not in call.mediaPrefixes');
    });

    it('resolves a relative URL against the document (RFC 3986) and repeats loop times', async () => {
      e.web.route('/ivr/menu.xml', twiml('<Play loop="2">../audio/hold.wav?v=1</Play><Play>/root.wav</Play>'));
      const call = e.call({ variables: { pivot_voice_url: e.web.url('/ivr/menu.xml') } });
      await e.finish(call);
      const base = e.web.url('');
      assert.deepEqual(appLines(call), [`playback ${base}/audio/hold.wav?v=1`, `playback ${base}/audio/hold.wav?v=1`,
        `playback ${base}/root.wav`]);
    });

    it('sends digits with send_dtmf (w pauses half a second), then plays the URL', async () => {
      e.web.route('/voice', twiml('<Play digits="ww12#"/><Play digits="9">https://cdn.example.com/a.wav</Play>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ['send_dtmf ww12#', 'send_dtmf 9', 'playback https://cdn.example.com/a.wav']);
    });

    it('reports media FreeSWITCH cannot play, stops its loop, and goes on', async () => {
      e.web.route('/voice', twiml('<Play loop="3">http://127.0.0.1/missing.wav</Play><Say>next</Say>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(apps(call), ['playback', 'speak']);
      assert.equal(e.h.logs.withCode('ERR_CALL_PLAY_FAILED').length, 1);
    });

    it('encodes a $ that would open an expansion in a URL', async () => {
      e.web.route('/voice', twiml('<Play>https://cdn.example.com/a.wav?x=${uuid_kill(x)}</Play>'));
      const call = e.call();
      await e.finish(call);
      const arg = call.executed.find((x) => x.app === 'playback')?.arg ?? '';
      assert.ok(arg.startsWith('https://cdn.example.com/a.wav?x=%24{uuid_kill'), arg);
      assert.ok(!arg.includes('${'));
    });

    it('a leading Pause waits with sleep before the answer', async () => {
      e.web.route('/voice', twiml('<Pause length="2"/><Say>Hello</Say>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ['sleep 2000', 'speak flite|rms|Hello']);
      assert.deepEqual(switchSteps(call), ['sleep', 'uuid_answer', 'speak']);
    });

    it('a Pause after media keeps the call answered and uses sleep; length defaults to 1 s', async () => {
      e.web.route('/voice', twiml('<Say>a</Say><Pause/><Say>b</Say>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ['speak flite|rms|a', 'sleep 1000', 'speak flite|rms|b']);
    });

    it('a document with only a Pause never answers', async () => {
      e.web.route('/voice', twiml('<Pause length="1"/>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(apps(call), ['sleep']);
      assert.ok(!call.channel.answered);
    });
  });

  describe('with a playback prefix', () => {
    beforeEach(async () => { e = await startEngine({ call: { playUrlPrefix: 'http_cache://' } }); });

    it('puts the prefix before http(s) URLs', async () => {
      e.web.route('/voice', twiml('<Play>https://cdn.example.com/a.mp3</Play>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ['playback http_cache://https://cdn.example.com/a.mp3']);
    });
  });
});
