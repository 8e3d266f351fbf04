import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { apiLines, appLines, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';

describe('engine: Dial record', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine({ timeScale: 0.02 }); });
  afterEach(async () => { await e.close(); });

  function routes(record: string, extra = ''): void {
    e.web.route('/voice', twiml(`<Dial action="/after" record="${record}"${extra}>5551234</Dial>`));
    e.web.route('/after', twiml('<Hangup/>'));
  }

  it('record-from-answer records the bridged conversation, PUTs it under the action and reports it', async () => {
    routes('record-from-answer');
    // A long ring (20 s) against 3 s of talk: a recording from the ringing would last 23 s or more, whatever the
    // machine's scheduling adds to the 3 s.
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'answer', afterMs: 20_000, hangupAfterMs: 3000 } }] });
    e.web.route(`/after/call_recording_${call.uuid}_1.wav`, { status: 201, body: '', contentType: 'text/plain' });
    await e.finish(call);
    const file = `${e.spoolDir}/${call.uuid}-1.wav`;
    assert.ok(apiLines(call).includes(`uuid_setvar_multi ${call.uuid} RECORD_STEREO=false;RECORD_BRIDGE_REQ=true`));
    const lines = appLines(call);
    assert.ok(lines.indexOf(`record_session ${file}`) < lines.findIndex((l) => l.startsWith('bridge ')));
    assert.ok(lines.indexOf(`stop_record_session ${file}`) > lines.findIndex((l) => l.startsWith('bridge ')));
    const put = e.web.requests.find((r) => r.method === 'PUT');
    assert.equal(put?.body.readUInt16LE(22), 1, 'mono');
    const action = e.web.to('/after')[0];
    assert.equal(action?.params['RecordingUrl'], e.web.url(`/after/call_recording_${call.uuid}_1.wav`));
    const seconds = Number(action?.params['RecordingDuration']);
    assert.ok(seconds >= 3 && seconds < 20, `from the answer only (3 s of talk, not the 20 s of ringing): ${seconds}`);
    assert.match(action?.params['RecordingSid'] ?? '', /^RE[0-9a-f]{32}$/);
    assert.equal(action?.params['DialCallStatus'], 'completed');
    assert.equal(existsSync(file), false);
  });

  it('record-from-ringing-dual records from the start of the dial, in two channels', async () => {
    routes('record-from-ringing-dual');
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'answer', afterMs: 2000, hangupAfterMs: 3000 } }] });
    e.web.route(`/after/call_recording_${call.uuid}_1.wav`, { status: 201, body: '', contentType: 'text/plain' });
    await e.finish(call);
    assert.ok(apiLines(call).includes(`uuid_setvar_multi ${call.uuid} RECORD_STEREO=true;RECORD_BRIDGE_REQ=false`));
    const put = e.web.requests.find((r) => r.method === 'PUT');
    assert.equal(put?.body.readUInt16LE(22), 2, 'stereo');
    const seconds = Number(e.web.to('/after')[0]?.params['RecordingDuration']);
    assert.ok(seconds >= 5, `2 s of ringing and 3 s of talk: ${seconds}`);
  });

  it('record-from-answer with nobody answering makes no file, no upload and no Recording parameters', async () => {
    routes('record-from-answer', ' recordingStatusCallback="/rec-status" recordingStatusCallbackEvent="completed absent"');
    e.web.route('/rec-status', { status: 204, body: '', contentType: 'text/plain' });
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'busy' } }] });
    await e.finish(call);
    assert.equal(e.web.requests.filter((r) => r.method === 'PUT').length, 0);
    const action = e.web.to('/after')[0];
    assert.equal(action?.params['DialCallStatus'], 'busy');
    assert.equal(action?.params['RecordingUrl'], undefined);
    await eventually(() => e.web.to('/rec-status').length === 1);
    assert.equal(e.web.to('/rec-status')[0]?.params['RecordingStatus'], 'absent');
  });

  it('sends recordingStatusCallback with RecordingSource=DialVerb when the recording is delivered', async () => {
    routes('true', ' recordingStatusCallback="/rec-status"');
    e.web.route('/rec-status', { status: 204, body: '', contentType: 'text/plain' });
    const call = e.call();
    e.web.route(`/after/call_recording_${call.uuid}_1.wav`, { status: 201, body: '', contentType: 'text/plain' });
    await e.finish(call);
    await eventually(() => e.web.to('/rec-status').length === 1);
    const status = e.web.to('/rec-status')[0];
    assert.equal(status?.params['RecordingStatus'], 'completed');
    assert.equal(status?.params['RecordingSource'], 'DialVerb');
    assert.equal(status?.params['RecordingSid'], e.web.to('/after')[0]?.params['RecordingSid']);
  });

  it('a caller hangup during a recorded bridge still delivers the file and requests the action', async () => {
    routes('record-from-answer');
    const call = e.call({ bridge: [{ match: '5551234', outcome: { type: 'answer', hangupAfterMs: 600_000 } }] });
    e.web.route(`/after/call_recording_${call.uuid}_1.wav`, { status: 201, body: '', contentType: 'text/plain' });
    call.on('execute', (app: string) => { if (app === 'bridge') setTimeout(() => call.hangup(), 40); });
    await e.finish(call);
    await eventually(() => e.web.to('/after').length === 1);
    assert.equal(e.web.requests.filter((r) => r.method === 'PUT').length, 1);
    const action = e.web.to('/after')[0];
    assert.equal(action?.params['DialCallStatus'], 'completed');
    assert.equal(action?.params['CallStatus'], 'completed');
    assert.ok(Number(action?.params['RecordingDuration']) >= 1);
    assert.equal(appLines(call).some((l) => l.startsWith('stop_record_session')), false, 'the hangup closed the file');
  });
});
