import assert from 'node:assert/strict';
import { apiLines, appLines, apps, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { closedPort, twiml } from '../support/twiml-server.js';

const ERROR_PROMPT = 'speak flite|rms|An application error has occurred. Goodbye.';

describe('engine: failures', () => {
  let e: EngineHarness;
  afterEach(async () => { await e.close(); });

  describe('of a document', () => {
    beforeEach(async () => { e = await startEngine({ webhook: { timeoutMs: 100, retryCount: 0 } }); });

    async function failing(reply: Parameters<EngineHarness['web']['route']>[1], code: string): Promise<void> {
      e.web.route('/voice', reply);
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), [ERROR_PROMPT], 'error prompt, then hangup');
      assert.equal((await call.ended).hangupCause, 'NORMAL_CLEARING');
      const failure = e.h.logs.failedRequests()[0];
      assert.equal(failure?.code, code);
      assert.equal(typeof failure?.['durationMs'], 'number');
    }

    it('HTTP 500: ERR_WEBHOOK_HTTP_STATUS', async () => {
      await failing({ status: 500, body: 'oops', contentType: 'text/plain' }, 'ERR_WEBHOOK_HTTP_STATUS');
      assert.equal(e.h.logs.failedRequests()[0]?.['status'], 500);
    });

    it('an empty body: ERR_WEBHOOK_EMPTY_BODY', async () => {
      await failing({ body: '' }, 'ERR_WEBHOOK_EMPTY_BODY');
    });

    it('a content type that is not TwiML: ERR_TWIML_CONTENT_TYPE (12300)', async () => {
      await failing({ body: '<html><body>Hi</body></html>', contentType: 'text/html' }, 'ERR_TWIML_CONTENT_TYPE');
    });

    it('malformed TwiML: ERR_TWIML_PARSE, and nothing of the document runs', async () => {
      await failing('<Response><Say>unclosed</Response>', 'ERR_TWIML_PARSE');
    });

    it('a billion-laughs document: ERR_TWIML_DOCTYPE before any entity is expanded, and nothing of it runs', async () => {
      const levels = Array.from({ length: 9 }, (_, i) =>
        `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
      const bomb = `<?xml version="1.0"?><!DOCTYPE Response [<!ENTITY lol0 "lol">${levels}]>` +
        '<Response><Say>&lol9;</Say></Response>';
      await failing(bomb, 'ERR_TWIML_DOCTYPE');
    });

    it('an invalid document: nothing of it runs', async () => {
      await failing(twiml('<Say>first</Say><Gather timeout="0"/>'), 'ERR_TWIML_INVALID_ATTRIBUTE');
    });

    it('a timeout: ERR_WEBHOOK_TIMEOUT', async () => {
      await failing({ hang: true }, 'ERR_WEBHOOK_TIMEOUT');
    });

    it('connection refused: ERR_WEBHOOK_NETWORK', async () => {
      const port = await closedPort();
      const call = e.call({ variables: { pivot_voice_url: `http://127.0.0.1:${port}/voice` } });
      await e.finish(call);
      assert.deepEqual(appLines(call), [ERROR_PROMPT]);
      assert.equal(e.h.logs.failedRequests()[0]?.code, 'ERR_WEBHOOK_NETWORK');
    });

    it('a failing action request also gets the error prompt', async () => {
      e.web.route('/voice', twiml('<Say>hi</Say><Redirect>/missing</Redirect>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ['speak flite|rms|hi', ERROR_PROMPT]);
    });
  });

  describe('with a fallback URL', () => {
    beforeEach(async () => { e = await startEngine(); });

    it('is requested once, with ErrorCode and ErrorUrl, and its document runs', async () => {
      e.web.route('/voice', { status: 503, body: '', contentType: 'text/plain' });
      e.web.route('/fallback', twiml('<Say>Sorry</Say><Redirect>/voice</Redirect>'));
      const call = e.call({ variables: { pivot_fallback_url: e.web.url('/fallback') } });
      await e.finish(call);
      assert.deepEqual(e.web.requests.map((r) => r.path), ['/voice', '/fallback', '/voice']);
      const fallback = e.web.to('/fallback')[0];
      assert.equal(fallback?.method, 'POST');
      assert.equal(fallback?.params['ErrorCode'], '11200');
      assert.equal(fallback?.params['ErrorUrl'], e.web.url('/voice'));
      assert.equal(fallback?.params['CallSid'], call.uuid);
      assert.deepEqual(appLines(call), ['speak flite|rms|Sorry', ERROR_PROMPT], 'the second failure ends the call');
    });

    it('an unknown verb is reported to the fallback as 12200; a failing fallback ends with the error prompt', async () => {
      e.web.route('/voice', '<Response><Bogus/></Response>');
      e.web.route('/fallback', { status: 404, body: 'no', contentType: 'text/plain' });
      const call = e.call({ variables: { pivot_fallback_url: e.web.url('/fallback') } });
      await e.finish(call);
      assert.equal(e.web.to('/fallback')[0]?.params['ErrorCode'], '12200');
      assert.deepEqual(appLines(call), [ERROR_PROMPT]);
    });
  });

  describe('of the call source', () => {
    beforeEach(async () => { e = await startEngine({ call: { errorPrompt: '' } }); });

    it('no voice URL: ERR_CALL_NO_URL, rejected with CALL_REJECTED, never answered', async () => {
      const call = e.call({ variables: { pivot_voice_url: '' } });
      await e.finish(call);
      assert.deepEqual(apps(call), []);
      assert.equal((await call.ended).hangupCause, 'CALL_REJECTED');
      assert.equal(e.h.logs.withCode('ERR_CALL_NO_URL').length, 1);
      assert.equal(e.web.requests.length, 0);
    });

    it('an invalid voice URL: ERR_CALL_BAD_URL, rejected unanswered', async () => {
      const call = e.call({ variables: { pivot_voice_url: 'ftp://example.com/voice' } });
      await e.finish(call);
      assert.deepEqual(apps(call), []);
      assert.equal((await call.ended).hangupCause, 'CALL_REJECTED');
      assert.equal(e.h.logs.withCode('ERR_CALL_BAD_URL').length, 1);
    });

    it('an empty error prompt: the call is just hung up', async () => {
      e.web.route('/voice', { status: 500, body: '', contentType: 'text/plain' });
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(apps(call), []);
      assert.ok(apiLines(call).includes(`uuid_kill ${call.uuid} NORMAL_CLEARING`));
    });
  });

  describe('limits and configuration', () => {
    beforeEach(async () => {
      e = await startEngine({
        call: {
          maxRequests: 3, rejectCause: 'USER_BUSY', errorPrompt: 'tone_stream://%(200,0,400)',
          routes: [{ destination: '^800', url: 'http://127.0.0.1:1/unused' }],
        },
      });
    });

    it('stops a redirect loop at maxRequests with ERR_CALL_REDIRECT_LIMIT, then hangs up', async () => {
      e.web.route('/voice', twiml('<Redirect>/voice</Redirect>'));
      const call = e.call();
      await e.finish(call);
      assert.equal(e.web.requests.length, 3);
      assert.equal(e.h.logs.withCode('ERR_CALL_REDIRECT_LIMIT').length, 1);
      assert.equal((await call.ended).hangupCause, 'NORMAL_CLEARING');
    });

    it('the reject cause is configurable; a configured media error prompt is played', async () => {
      const refused = e.call({ variables: { pivot_voice_url: '' }, destinationNumber: '7001' });
      await e.finish(refused);
      assert.equal((await refused.ended).hangupCause, 'USER_BUSY');
      e.web.route('/voice', { status: 500, body: '', contentType: 'text/plain' });
      const failed = e.call();
      await e.finish(failed);
      assert.deepEqual(appLines(failed), ['playback tone_stream://%(200,0,400)']);
    });

    it('a call without pivot_voice_url takes the voice URL of the first route matching its destination', async () => {
      const call = e.call({ variables: { pivot_voice_url: '' }, destinationNumber: '8005550000' });
      await e.finish(call);
      const failure = e.h.logs.failedRequests()[0];
      assert.equal(failure?.['url'], 'http://127.0.0.1:1/unused');
    });
  });
});
