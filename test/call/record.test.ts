import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { apiLines, appLines, apps, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';

/** The caller talks for a minute from the start of the call. */
const TALKING = { speech: [{ atMs: 0, durationMs: 60_000 }] };

describe('engine: Record', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine(); });
  afterEach(async () => { await e.close(); });

  function putRoute(path: string): void {
    e.web.route(path, { status: 201, body: '', contentType: 'text/plain' });
  }

  it('beeps, records into the spool directory, PUTs the WAV under the action URL and requests the action', async () => {
    e.web.route('/voice', twiml('<Record action="/saved/" maxLength="4" timeout="3"/><Say>never</Say>'));
    e.web.route('/saved/', twiml('<Say>Thanks</Say>'));
    const call = e.call({ caller: TALKING });
    putRoute(`/saved/call_recording_${call.uuid}_1.wav`);
    await e.finish(call);
    const file = `${e.spoolDir}/${call.uuid}-1.wav`;
    assert.deepEqual(appLines(call), ['playback tone_stream://%(500,0,800)', `record ${file} 4 200 3`,
      'speak flite|rms|Thanks']);
    assert.ok(apiLines(call).includes(`uuid_setvar_multi ${call.uuid} playback_terminators=1234567890*#;playback_terminator_used=`));
    const put = e.web.requests.find((r) => r.method === 'PUT');
    assert.equal(put?.path, `/saved/call_recording_${call.uuid}_1.wav`);
    assert.equal(put?.headers['content-type'], 'audio/wav');
    assert.equal(put?.body.toString('ascii', 0, 4), 'RIFF');
    assert.equal(put?.body.length, 44 + 4000 * 16, 'four seconds of 8 kHz 16-bit audio');
    const action = e.web.to('/saved/')[0];
    assert.equal(action?.method, 'POST');
    assert.equal(action?.params['RecordingUrl'], e.web.url(`/saved/call_recording_${call.uuid}_1.wav`));
    assert.equal(action?.params['RecordingDuration'], '4');
    assert.match(action?.params['RecordingSid'] ?? '', /^RE[0-9a-f]{32}$/);
    assert.equal(action?.params['Digits'], undefined, 'maxLength reached: no key');
    assert.equal(existsSync(file), false, 'the delivered file is removed');
    assert.ok(e.web.requests.indexOf(put) < e.web.requests.indexOf(action), 'the file is there before the action');
  });

  it('a finishOnKey key ends it and is sent as Digits; no beep with playBeep="false"; recordingUrl chooses the upload', async () => {
    let turn = 0;
    e.web.route('/voice', () => (turn++ === 0
      ? twiml('<Record playBeep="false" finishOnKey="#" timeout="0" recordingUrl="/store"/>') : twiml('<Hangup/>')));
    const call = e.call({ caller: TALKING });
    putRoute(`/store/call_recording_${call.uuid}_1.wav`);
    call.on('execute', (app: string) => { if (app === 'record') setTimeout(() => call.pressDigits('#'), 20); });
    await e.finish(call);
    assert.deepEqual(apps(call), ['record']);
    assert.match(call.executed[0]?.arg ?? '', / 3600 0 0$/);
    assert.ok(apiLines(call).some((l) => l.includes('playback_terminators=#;')));
    const action = e.web.requests.filter((r) => r.path === '/voice')[1];
    assert.equal(action?.params['Digits'], '#');
    assert.equal(action?.params['RecordingUrl'], e.web.url(`/store/call_recording_${call.uuid}_1.wav`));
    assert.equal(e.web.requests.filter((r) => r.method === 'PUT').length, 1);
  });

  it('a recording of nothing but silence makes no request and the next verb runs', async () => {
    e.web.route('/voice', twiml('<Record action="/saved" timeout="2"/><Say>I did not hear a message</Say>'));
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(apps(call), ['playback', 'record', 'speak']);
    assert.deepEqual(e.web.requests.map((r) => r.path), ['/voice']);
    assert.deepEqual(readdirSync(e.spoolDir), [], 'the silent file is removed');
  });

  it('an empty recording (no audio at all) makes no request', async () => {
    e.web.route('/voice', twiml('<Record action="/saved" maxLength="2" timeout="0"/><Say>empty</Say>'));
    const call = e.call({ caller: { sendsAudio: false } });
    await e.finish(call);
    assert.deepEqual(apps(call), ['playback', 'record', 'speak']);
    assert.equal(e.web.requests.length, 1);
  });

  it('a hangup during the recording still uploads it and requests the action with Digits=hangup, CallStatus=completed', async () => {
    e.web.route('/voice', twiml('<Record action="vm-saved.php" maxLength="120" finishOnKey="*" timeout="10"/>'));
    e.web.route('/vm-saved.php', twiml('<Say>never run</Say>'));
    const call = e.call({ caller: TALKING });
    putRoute(`/vm-saved.php/call_recording_${call.uuid}_1.wav`);
    call.on('execute', (app: string) => { if (app === 'record') setTimeout(() => call.hangup(), 20); });
    await e.finish(call);
    await eventually(() => e.web.to('/vm-saved.php').length === 1);
    const action = e.web.to('/vm-saved.php')[0];
    assert.equal(action?.params['Digits'], 'hangup');
    assert.equal(action?.params['CallStatus'], 'completed');
    assert.ok(Number(action?.params['RecordingDuration']) >= 1);
    assert.equal(e.web.requests.filter((r) => r.method === 'PUT').length, 1);
    assert.deepEqual(apps(call), ['playback', 'record']);
  });

  it('keeps the file and still requests the action when the upload fails', async () => {
    e.web.route('/voice', () => twiml('<Record action="/saved" maxLength="2" timeout="0" playBeep="false"/>'));
    e.web.route('/saved', twiml('<Hangup/>'));
    const call = e.call({ caller: TALKING });
    await e.finish(call);
    assert.equal(e.web.requests.filter((r) => r.method === 'PUT').length, 1, 'the PUT got a 404');
    assert.equal(e.h.logs.withCode('ERR_CALL_RECORDING_UPLOAD').length, 1);
    assert.ok(existsSync(join(e.spoolDir, `${call.uuid}-1.wav`)));
    assert.equal(e.web.to('/saved').length, 1);
  });

  it('numbers successive recordings of a call', async () => {
    let turn = 0;
    e.web.route('/voice', () => (turn++ < 2 ? twiml('<Record maxLength="1" timeout="0" playBeep="false"/>') : twiml('<Hangup/>')));
    const call = e.call({ caller: TALKING });
    putRoute(`/voice/call_recording_${call.uuid}_1.wav`);
    putRoute(`/voice/call_recording_${call.uuid}_2.wav`);
    await e.finish(call);
    assert.deepEqual(e.web.requests.filter((r) => r.method === 'PUT').map((r) => r.path),
      [`/voice/call_recording_${call.uuid}_1.wav`, `/voice/call_recording_${call.uuid}_2.wav`]);
  });
});
