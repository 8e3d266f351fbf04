import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { eventually } from '../support/harness.js';
import { TwimlServer, twiml } from '../support/twiml-server.js';
import { startService, type ServiceHarness } from './service-support.js';

/** What the whole server shares between its parts for its lifetime: one address check, and its shutdown. */

/** Timers keeping the process alive now. */
function liveTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

describe('service: server lifetime', () => {
  let s: ServiceHarness | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('stopping the server cancels the wait for a status callback retry: no timer outlives stop()', async () => {
    s = await startService({ webhook: { statusCallbackRetries: 3, statusCallbackRetryDelayMs: 60_000 } });
    const { web, logs, service } = s;
    web.route('/voice', twiml('<Say>Hello</Say>'));
    web.route('/status', { status: 500, body: 'down', contentType: 'text/plain' });
    const timersBefore = liveTimers();
    const call = s.call({ variables: { pivot_status_callback: web.url('/status') } });
    await call.ended;
    await eventually(() => web.to('/status').length === 1, 3000, 'the first status callback attempt');
    await eventually(() => logs.lines.some((l) => l.code === 'ERR_WEBHOOK_HTTP_STATUS' && l['attempt'] === 1), 3000, 'the retry to be due');
    await service.stop(0);
    await eventually(() => logs.lines.some((l) => l.code === 'ERR_CALL_STATUS_CALLBACK'), 2000,
      'the callback to give up');
    const abandoned = logs.lines.find((l) => l.code === 'ERR_CALL_STATUS_CALLBACK');
    assert.equal(abandoned?.code, 'ERR_CALL_STATUS_CALLBACK');
    assert.equal(abandoned?.['cause'], 'ERR_SHUTDOWN');
    assert.equal(abandoned?.['attempts'], 1);
    assert.equal(web.to('/status').length, 1, 'no retry was sent after the stop');
    await eventually(() => liveTimers() <= timersBefore, 2000,
      `no timer left: ${JSON.stringify(process.getActiveResourcesInfo())}`);
  });

  it('checks Play URLs with the server\'s resolver and deny list, as its webhook requests are', async () => {
    const asked: string[] = [];
    const lookup = async (hostname: string): Promise<readonly LookupAddress[]> => {
      asked.push(hostname);
      return [{ address: hostname === 'media.test' ? '127.0.0.2' : '127.0.0.1', family: 4 }];
    };
    s = await startService({ webhook: { deniedNetworks: ['127.0.0.2'] } }, lookup);
    const app = await TwimlServer.start('127.0.0.1');
    try {
      app.route('/voice', twiml(`<Play>http://media.test:${app.port}/a.wav</Play>` +
        `<Play>http://cdn.test:${app.port}/b.wav</Play>`));
      const call = s.call({ variables: { pivot_voice_url: app.url('/voice', 'app.test') } });
      await call.ended;
      await eventually(() => s?.service.server.activeCalls === 0, 3000, 'the call to be released');
      assert.deepEqual(call.executed.filter((x) => x.app === 'playback').map((x) => x.arg), [`http://cdn.test:${app.port}/b.wav`]);
      assert.deepEqual(s.logs.withCode('ERR_CALL_MEDIA_DENIED').map((l) => l['address']), ['127.0.0.2']);
      assert.deepEqual(asked, ['app.test', 'media.test', 'cdn.test'], 'one resolver for the voice URL and the media');
    } finally {
      await app.close();
    }
  });
});
