import assert from 'node:assert/strict';
import { appLines, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { closedPort, twiml } from '../support/twiml-server.js';

/** Faults of the customer's web server, of name resolution, and of the recording upload target. */

const ERROR_PROMPT = 'speak flite|rms|An application error has occurred. Goodbye.';

describe('faults: the web server', () => {
  let e: EngineHarness;
  afterEach(async () => { await e.close(); });

  /** The first document fails with `code`: exactly one failure line, the error prompt, a normal hangup. */
  async function failsWith(code: string): Promise<void> {
    const call = e.call();
    await e.finish(call);
    const failures = e.h.logs.failedRequests();
    assert.deepEqual(failures.map((l) => l.code), [code]);
    assert.deepEqual(appLines(call), [ERROR_PROMPT]);
    assert.equal((await call.ended).hangupCause, 'NORMAL_CLEARING');
    assert.deepEqual(e.h.logs.lines.filter((l) => l.level === 'error'), []);
  }

  describe('answering the first document', () => {
    beforeEach(async () => { e = await startEngine({ webhook: { timeoutMs: 500, retryCount: 0 } }); });

    it('slow but within the time allowed: the call goes on', async () => {
      e.web.route('/voice', { delayMs: 20, body: twiml('<Say>late but fine</Say>') });
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ['speak flite|rms|late but fine']);
      assert.deepEqual(e.h.logs.lines.filter((l) => l.level === 'warn' || l.level === 'error'), []);
    });

    it('headers never sent within the time allowed: ERR_WEBHOOK_TIMEOUT', async () => {
      e.web.route('/voice', { hang: true });
      await failsWith('ERR_WEBHOOK_TIMEOUT');
    });

    it('the connection reset instead of an answer: ERR_WEBHOOK_NETWORK', async () => {
      e.web.route('/voice', { reset: true });
      await failsWith('ERR_WEBHOOK_NETWORK');
    });

    it('HTTP 500: ERR_WEBHOOK_HTTP_STATUS', async () => {
      e.web.route('/voice', { status: 500, body: 'Internal Server Error', contentType: 'text/plain' });
      await failsWith('ERR_WEBHOOK_HTTP_STATUS');
    });

    it('a garbage body served as text/xml: ERR_TWIML_PARSE', async () => {
      e.web.route('/voice', { body: Buffer.from([0x3c, 0x00, 0xff, 0xfe, 0x3c, 0x52, 0x0a, 0x3e, 0x3e, 0x26]) });
      await failsWith('ERR_TWIML_PARSE');
    });

    it('a wrong content type (application/json): ERR_TWIML_CONTENT_TYPE', async () => {
      e.web.route('/voice', { body: '{"say":"hello"}', contentType: 'application/json' });
      await failsWith('ERR_TWIML_CONTENT_TYPE');
    });
  });

  describe('name resolution', () => {
    let asked: string[];
    beforeEach(async () => {
      asked = [];
      e = await startEngine({
        webhook: { retryCount: 0 },
        lookup: async (hostname) => {
          asked.push(hostname);
          throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
        },
      });
    });

    it('a host name that does not resolve (through the injected resolver): ERR_WEBHOOK_DNS', async () => {
      const call = e.call({ variables: { pivot_voice_url: 'http://ivr.example.invalid/voice' } });
      await e.finish(call);
      assert.deepEqual(asked, ['ivr.example.invalid']);
      const failures = e.h.logs.failedRequests();
      assert.deepEqual(failures.map((l) => l.code), ['ERR_WEBHOOK_DNS']);
      assert.deepEqual(appLines(call), [ERROR_PROMPT]);
    });
  });

  describe('the recording upload target down', () => {
    beforeEach(async () => { e = await startEngine({ webhook: { retryCount: 0 } }); });

    it('one ERR_CALL_RECORDING_UPLOAD line, the file is kept, and the action is still requested', async () => {
      const port = await closedPort();
      e.web.route('/voice', twiml(`<Record maxLength="2" timeout="0" playBeep="false" action="/recorded" ` +
        `recordingUrl="http://127.0.0.1:${port}/recordings"/>`));
      e.web.route('/recorded', twiml('<Say>thanks</Say>'));
      const call = e.call({ caller: { speech: [{ atMs: 0, durationMs: 60_000 }] } });
      await e.finish(call);
      const uploads = e.h.logs.withCode('ERR_CALL_RECORDING_UPLOAD');
      assert.deepEqual(uploads.map((l) => [l.level, l['cause']]), [['error', 'ERR_WEBHOOK_NETWORK']]);
      assert.match(String(uploads[0]?.['file']), /\.wav$/, 'the line names the file kept');
      assert.equal(e.web.to('/recorded').length, 1);
      assert.deepEqual(appLines(call).at(-1), 'speak flite|rms|thanks');
    });
  });
});
