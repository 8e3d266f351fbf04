import assert from 'node:assert/strict';
import { apps, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { onPromptEnd, onPromptStart } from '../support/prompt-events.js';
import { twiml } from '../support/twiml-server.js';

const LONG = 'https://cdn.example.com/long.wav';

/** The caller hangs up at each point a call can wait on; every time the call ends cleanly (checked by finish). */
describe('engine: the caller hangs up at every step', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine({ sim: { mediaDurations: { [LONG]: 60_000 } } }); });
  afterEach(async () => { await e.close(); });

  /** The script was cut by the hangup: a normal end, with its outcome and no error code. */
  function ended(): void {
    const ends = e.h.logs.lines.filter((l) => l['outcome'] !== undefined);
    assert.ok(ends.length > 0, 'the end is logged');
    assert.deepEqual(ends.map((l) => [l['outcome'], l.code]), ends.map(() => ['hangup', undefined]));
    assert.equal(e.h.logs.lines.filter((l) => l.level === 'error').length, 0, 'no error logged');
  }

  it('during the first document request: the request is aborted', async () => {
    e.web.route('/voice', { hang: true });
    const call = e.call();
    await e.web.waitForRequests(1);
    call.hangup();
    await e.finish(call);
    assert.deepEqual(apps(call), []);
    ended();
  });

  it('during a prompt', async () => {
    e.web.route('/voice', twiml(`<Play>${LONG}</Play><Say>never</Say>`));
    const call = e.call();
    call.on('execute', (app: string) => { if (app === 'playback') call.hangup(); });
    await e.finish(call);
    assert.deepEqual(apps(call), ['playback']);
    assert.equal(e.web.requests.length, 1);
    ended();
  });

  it('during a prompt before a Redirect: the switch sends no CHANNEL_HANGUP, the completion ends the call', async () => {
    e.web.route('/voice', twiml(`<Play>${LONG}</Play><Redirect>/next</Redirect>`));
    e.web.route('/next', twiml('<Say>never</Say>'));
    const call = e.call();
    call.on('execute', (app: string) => { if (app === 'playback') call.hangup(); });
    await e.finish(call);
    const events = call.transcript.filter((t) => t.dir === 'out')
      .map((t) => /"Event-Name":"([A-Z_]+)"/.exec(t.data.toString('latin1'))?.[1]).filter((n) => n !== undefined);
    assert.ok(!events.includes('CHANNEL_HANGUP'), events.join(', '));
    assert.deepEqual(apps(call), ['playback']);
    assert.deepEqual(e.web.requests.map((r) => r.path), ['/voice'], 'the Redirect never ran');
    ended();
  });

  it('during a Gather prompt', async () => {
    e.web.route('/voice', twiml(`<Gather action="/choice"><Play>${LONG}</Play></Gather><Say>never</Say>`));
    const call = e.call();
    onPromptStart(call, () => call.hangup());
    await e.finish(call);
    assert.deepEqual(apps(call), ['play_and_get_digits']);
    assert.equal(e.web.requests.length, 1);
  });

  it('while a Gather waits for keys, after some were pressed', async () => {
    e.web.route('/voice', twiml('<Gather action="/choice" timeout="60"><Say>PIN</Say></Gather><Say>never</Say>'));
    const call = e.call();
    onPromptEnd(call, () => {
      call.pressDigits('12');
      setTimeout(() => call.hangup(), 10);
    });
    await e.finish(call);
    assert.deepEqual(apps(call), ['play_and_get_digits']);
    assert.equal(e.web.requests.length, 1, 'no action request for a Gather cut short by the hangup');
    ended();
  });

  it('during a leading Pause, before the answer', async () => {
    e.web.route('/voice', twiml('<Pause length="60"/><Say>never</Say>'));
    const call = e.call();
    call.on('execute', (app: string) => { if (app === 'sleep') call.hangup('ORIGINATOR_CANCEL'); });
    await e.finish(call);
    assert.deepEqual(apps(call), ['sleep']);
    assert.equal((await call.ended).hangupCause, 'ORIGINATOR_CANCEL');
  });

  it('during the beep of a Record: no recording, no request', async () => {
    e.web.route('/voice', twiml('<Record action="/saved"/>'));
    const call = e.call();
    call.on('execute', (app: string) => { if (app === 'playback') call.hangup(); });
    await e.finish(call);
    assert.deepEqual(apps(call), ['playback']);
    assert.equal(e.web.requests.length, 1);
  });

  it('during an action request: the request is aborted and nothing more runs', async () => {
    e.web.route('/voice', twiml('<Gather action="/slow" numDigits="1"><Say>press</Say></Gather>'));
    e.web.route('/slow', { hang: true });
    const call = e.call();
    onPromptStart(call, () => call.pressDigits('1'));
    await e.web.waitForRequests(2);
    call.hangup();
    await e.finish(call);
    assert.equal(e.web.to('/slow')[0]?.params['Digits'], '1');
    assert.deepEqual(apps(call), ['play_and_get_digits']);
    ended();
  });

  it('during the fallback request', async () => {
    e.web.route('/voice', { status: 500, body: '', contentType: 'text/plain' });
    e.web.route('/fallback', { hang: true });
    const call = e.call({ variables: { pivot_fallback_url: e.web.url('/fallback') } });
    await e.web.waitForRequests(2);
    call.hangup();
    await e.finish(call);
    assert.deepEqual(apps(call), []);
  });

  it('during the upload of a recording: the action is still requested, with CallStatus=completed', async () => {
    e.web.route('/voice', twiml('<Record action="/saved" playBeep="false" maxLength="1" timeout="0"/><Say>never</Say>'));
    e.web.route('/saved', twiml('<Say>never</Say>'));
    const call = e.call({ caller: { speech: [{ atMs: 0, durationMs: 60_000 }] } });
    e.web.route(`/saved/call_recording_${call.uuid}_1.wav`, () => {
      call.hangup();
      return { status: 201, body: '', contentType: 'text/plain', delayMs: 30 };
    });
    await e.finish(call);
    await eventually(() => e.web.to('/saved').length === 1);
    const action = e.web.to('/saved')[0];
    assert.equal(action?.params['CallStatus'], 'completed');
    assert.equal(action?.params['Digits'], undefined, 'the recording itself ended at maxLength');
    assert.equal(action?.params['RecordingDuration'], '1');
    assert.deepEqual(apps(call), ['record']);
  });

  it('a dropped Event Socket connection (no hangup event) ends the call too', async () => {
    e.web.route('/voice', twiml(`<Play>${LONG}</Play>`));
    const call = e.call();
    call.on('execute', (app: string) => { if (app === 'playback') call.drop(); });
    await e.finish(call);
    assert.deepEqual(apps(call), ['playback']);
  });

  describe('with a short request time limit', () => {
    let q: EngineHarness;
    beforeEach(async () => { q = await startEngine({ webhook: { timeoutMs: 100 } }); });
    afterEach(async () => { await q.close(); });

    it('the final request after a hangup that gets no reply is given up at the limit; the call ends cleanly', async () => {
      q.web.route('/voice', twiml('<Record action="/saved" playBeep="false" timeout="0"/>'));
      q.web.route('/saved', { hang: true });
      const call = q.call({ caller: { speech: [{ atMs: 0, durationMs: 60_000 }] } });
      q.web.route(`/saved/call_recording_${call.uuid}_1.wav`, { status: 200, body: '', contentType: 'text/plain' });
      call.on('execute', (app: string) => { if (app === 'record') setTimeout(() => call.hangup(), 20); });
      await q.finish(call);
      assert.equal(q.web.to('/saved')[0]?.params['Digits'], 'hangup');
      const failed = q.h.logs.failedRequests()[0];
      assert.equal(failed?.code, 'ERR_WEBHOOK_TIMEOUT');
      assert.equal(q.h.logs.lines.filter((l) => l.level === 'error').length, 0);
    });
  });
});
