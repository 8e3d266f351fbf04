import assert from 'node:assert/strict';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { twiml } from '../support/twiml-server.js';

/** The caller talks for a minute from the start of the call. */
const TALKING = { speech: [{ atMs: 0, durationMs: 60_000 }] };

describe('engine: Record recordingStatusCallback', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine(); });
  afterEach(async () => { await e.close(); });

  it('reports completed with the recording, and the call waits for the callback before it ends', async () => {
    e.web.route('/voice', twiml('<Record action="/saved" maxLength="2" timeout="0" recordingStatusCallback="/status"/>'));
    e.web.route('/saved', twiml('<Hangup/>'));
    e.web.route('/status', { status: 204, body: '', contentType: 'text/plain' });
    const call = e.call({ caller: TALKING });
    e.web.route(`/saved/call_recording_${call.uuid}_1.wav`, { status: 201, body: '', contentType: 'text/plain' });
    await e.finish(call);
    const [status] = e.web.to('/status');
    assert.equal(status?.method, 'POST');
    assert.equal(status?.params['RecordingStatus'], 'completed');
    assert.equal(status?.params['RecordingSource'], 'RecordVerb');
    assert.equal(status?.params['RecordingChannels'], '1');
    assert.equal(status?.params['RecordingDuration'], '2');
    assert.equal(status?.params['CallSid'], call.uuid);
    const action = e.web.to('/saved')[0];
    assert.equal(status?.params['RecordingSid'], action?.params['RecordingSid']);
    assert.equal(status?.params['RecordingUrl'], action?.params['RecordingUrl']);
  });

  it('reports failed with the error code when the upload fails, even without asking for it', async () => {
    e.web.route('/voice', twiml('<Record action="/saved" maxLength="2" timeout="0" recordingStatusCallback="/status" ' +
      'recordingStatusCallbackMethod="GET"/>'));
    e.web.route('/saved', twiml('<Hangup/>'));
    e.web.route('/status', { status: 200, body: '', contentType: 'text/plain' });
    const call = e.call({ caller: TALKING });
    e.web.route(`/saved/call_recording_${call.uuid}_1.wav`, { status: 500, body: 'no', contentType: 'text/plain' });
    await e.finish(call);
    const [status] = e.web.to('/status');
    assert.equal(status?.method, 'GET');
    assert.equal(status?.params['RecordingStatus'], 'failed');
    assert.equal(status?.params['ErrorCode'], '11200');
  });

  it('reports absent for a silent recording only when that event is asked for', async () => {
    e.web.route('/voice', twiml('<Record action="/saved" timeout="2" recordingStatusCallback="/status" ' +
      'recordingStatusCallbackEvent="completed absent"/><Record action="/saved" timeout="2" ' +
      'recordingStatusCallback="/quiet"/>'));
    e.web.route('/status', { status: 200, body: '', contentType: 'text/plain' });
    e.web.route('/quiet', { status: 200, body: '', contentType: 'text/plain' });
    const call = e.call();
    await e.finish(call);
    assert.deepEqual(e.web.to('/status').map((r) => r.params['RecordingStatus']), ['absent']);
    assert.deepEqual(e.web.to('/quiet'), [], 'completed only by default: nothing for a silent recording');
  });
});
