import assert from 'node:assert/strict';
import { eventually } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';
import { get, sample, startService, type ServiceHarness } from './service-support.js';

/** /metrics, /healthz and /readyz scraped over loopback after simulated calls. */
describe('admin server: metrics and health', () => {
  let s: ServiceHarness;
  afterEach(async () => { await s.close(); });

  it('counts calls, verbs, requests and round trips, with their labels', async () => {
    s = await startService();
    s.web.route('/voice', twiml('<Say>Hello</Say><Pause length="1"/><Say>Bye</Say>'));
    s.web.route('/broken', { status: 500, body: 'no' });
    const ok = s.call();
    await ok.ended;
    const failing = s.call({ variables: { pivot_voice_url: s.web.url('/broken') } });
    await failing.ended;
    await eventually(() => s.service.server.activeCalls === 0, 2000, 'the calls to be released');

    const { status, body, contentType } = await get(`${s.admin}/metrics`);
    assert.equal(status, 200);
    assert.match(contentType ?? '', /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(body, 'pivot_calls_started_total'), 2);
    assert.equal(sample(body, 'pivot_calls_active'), 0);
    assert.equal(sample(body, 'pivot_calls_ended_total{outcome="hangup"}'), 2);
    assert.equal(sample(body, 'pivot_verb_duration_seconds_count{verb="Say"}'), 2);
    assert.equal(sample(body, 'pivot_verb_duration_seconds_count{verb="Pause"}'), 1);
    assert.equal(sample(body, 'pivot_webhook_duration_seconds_count{status="200"}'), 1);
    assert.equal(sample(body, 'pivot_webhook_duration_seconds_count{status="500"}'), 1);
    assert.equal(sample(body, 'pivot_webhook_errors_total{code="ERR_WEBHOOK_HTTP_STATUS"}'), 1);
    assert.ok((sample(body, 'pivot_esl_roundtrip_seconds_count{kind="execute"}') ?? 0) >= 4);
    assert.ok((sample(body, 'pivot_esl_roundtrip_seconds_count{kind="api"}') ?? 0) >= 1);
    assert.ok((sample(body, 'pivot_esl_roundtrip_seconds_count{kind="command"}') ?? 0) >= 3);
    assert.equal(sample(body, 'pivot_recordings_pending'), 0);
    assert.ok(sample(body, 'nodejs_eventloop_lag_seconds') !== undefined, 'event loop lag is exported');
    assert.ok(sample(body, 'nodejs_eventloop_lag_p99_seconds') !== undefined, 'event loop delay percentiles are exported');
  });

  it('counts a recording not delivered yet until its upload succeeds', async () => {
    s = await startService({ call: { record: { delivery: { initialDelayMs: 600_000 } } } });
    s.web.route('/voice', twiml('<Record action="/saved/" maxLength="2" timeout="0" playBeep="false"/>'));
    s.web.route('/saved/', twiml('<Hangup/>'));
    const call = s.call({ caller: { speech: [{ atMs: 0, durationMs: 60_000 }] } });
    s.web.route(`/saved/call_recording_${call.uuid}_1.wav`, { status: 503, body: 'later' });
    await call.ended;
    await eventually(() => s.service.server.activeCalls === 0, 2000, 'the call to be released');
    assert.equal(s.web.requests.filter((r) => r.method === 'PUT').length, 1, 'the first upload was tried');
    assert.equal(sample(await s.service.metrics.render(), 'pivot_recordings_pending'), 1);
  });

  it('every log line of a call carries its uuid, CallSid and AccountSid', async () => {
    s = await startService();
    s.web.route('/voice', twiml('<Say>Hi</Say>'));
    const call = s.call({ variables: { 'ecallmgr_Account-ID': 'acc-123' } });
    await call.ended;
    await eventually(() => s.service.server.activeCalls === 0, 2000, 'the call to be released');
    const lines = s.logs.lines.filter((l) => l['uuid'] === call.uuid);
    assert.ok(lines.length >= 4, 'the call logged');
    for (const line of lines) {
      assert.equal(line['callSid'], call.uuid, `callSid on "${String(line.msg)}"`);
      assert.equal(line['accountSid'], 'acc-123', `accountSid on "${String(line.msg)}"`);
    }
    assert.ok(lines.some((l) => l.msg === 'call started') && lines.some((l) => l.msg === 'call ended'));
  });

  it('/healthz is 200; /readyz is 200 while accepting and 503 once draining', async () => {
    s = await startService();
    s.web.route('/voice', twiml('<Pause length="600"/>'));
    assert.equal((await get(`${s.admin}/healthz`)).status, 200);
    assert.equal((await get(`${s.admin}/readyz`)).status, 200);
    assert.equal((await get(`${s.admin}/nothing`)).status, 404);
    const call = s.call();
    await new Promise<void>((resolve) => call.on('execute', (app: string) => { if (app === 'sleep') resolve(); }));
    const stopping = s.service.stop(60_000);
    const during = await get(`${s.admin}/readyz`);
    assert.equal(during.status, 503);
    assert.equal((await get(`${s.admin}/healthz`)).status, 200);
    s.service.hangUpAll();
    await stopping;
    const end = await call.ended;
    assert.equal(end.hangupCause, 'SYSTEM_SHUTDOWN');
    assert.equal(sample(await s.service.metrics.render(), 'pivot_calls_ended_total{outcome="shutdown"}'), 1);
  });
});
