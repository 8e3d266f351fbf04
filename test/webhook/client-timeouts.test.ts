import assert from 'node:assert/strict';
import { Agent } from 'undici';
import { CallEndedError, AppError } from '../../src/errors.js';
import { WebhookClient } from '../../src/webhook/index.js';
import { webhookError } from './support/expect.js';
import { never, startFixture, type Fixture } from './support/fixture.js';

describe('webhook client: timeouts and cancellation', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it('a connection that is never established fails with ERR_WEBHOOK_CONNECT_TIMEOUT (11205) after ct', async () => {
    let connects = 0;
    const stalled = new Agent({
      connect: () => {
        connects++;
      },
    });
    const client = new WebhookClient({ dispatcher: stalled });
    const started = performance.now();
    try {
      await assert.rejects(
        client.fetchTwiml({ url: new URL('http://example.test/#ct=100&rc=0'), method: 'GET', params: [] }, never),
        webhookError('ERR_WEBHOOK_CONNECT_TIMEOUT', 11205),
      );
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 90 && elapsed < 1000, `failed after ${elapsed} ms`);
      assert.equal(connects, 1);
    } finally {
      await stalled.destroy();
    }
  });

  it('a connect timeout is retried once by default', async () => {
    const stalled = new Agent({ connect: () => undefined });
    const records: number[] = [];
    const client = new WebhookClient({ dispatcher: stalled, onDebug: (r) => records.push(r.attempts) });
    try {
      await assert.rejects(
        client.fetchTwiml({ url: new URL('http://example.test/#ct=100'), method: 'GET', params: [] }, never),
        webhookError('ERR_WEBHOOK_CONNECT_TIMEOUT'),
      );
      assert.deepEqual(records, [2]);
    } finally {
      await stalled.destroy();
    }
  });

  it('a server that never answers fails with ERR_WEBHOOK_TIMEOUT after rt', async () => {
    fx.origin.handler = () => undefined;
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/silent#rt=150'), method: 'POST', params: [] }, never),
      webhookError('ERR_WEBHOOK_TIMEOUT', 11200),
    );
    assert.equal(fx.origin.requests.length, 1, 'a read timeout is not retried by default');
    await fx.origin.socketsClosed(1);
  });

  it('a pause between packets longer than rt fails with ERR_WEBHOOK_TIMEOUT', async () => {
    fx.origin.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.write('<Response>');
    };
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/stall#rt=150'), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_TIMEOUT', 11200, undefined),
    );
    await fx.origin.socketsClosed(1);
  });

  it('a reply trickling byte by byte fails with ERR_WEBHOOK_TIMEOUT once tt is spent', async () => {
    const body = '<Response><Say>slowly</Say></Response>';
    fx.origin.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      let i = 0;
      const timer = setInterval(() => {
        if (i < body.length) res.write(body[i++]);
        else res.end();
      }, 20);
      res.on('close', () => clearInterval(timer));
    };
    const started = performance.now();
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/trickle#tt=200&rt=1000'), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_TIMEOUT', 11200),
    );
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 190 && elapsed < 700, `failed after ${elapsed} ms`);
    await fx.origin.socketsClosed(1);
  });

  it("aborting the call's signal mid-request rejects with its reason and closes the socket", async () => {
    const call = new AbortController();
    const hangup = new CallEndedError('ERR_CALL_HANGUP', 'NORMAL_CLEARING');
    fx.origin.handler = () => call.abort(hangup);
    const pending = fx.client.fetchTwiml({ url: fx.origin.url('/wait'), method: 'POST', params: [] }, call.signal);
    await assert.rejects(pending, (err: unknown) => err === hangup);
    await fx.origin.socketsClosed(1);
    assert.equal(fx.origin.requests.length, 1, 'an abort is never retried');
    assert.equal(fx.debug[0]?.errorCode, 'ERR_CALL_HANGUP');
  });

  it('aborting while the body is being read closes the socket at once', async () => {
    const call = new AbortController();
    fx.origin.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.write('<Response>', () => setImmediate(() => call.abort(new CallEndedError('ERR_CALL_HANGUP'))));
    };
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/partial'), method: 'GET', params: [] }, call.signal),
      (err: unknown) => err instanceof CallEndedError,
    );
    await fx.origin.socketsClosed(1);
  });

  it('an already aborted signal sends nothing; a reason that is not an AppError becomes ERR_ABORTED', async () => {
    const call = new AbortController();
    call.abort(new Error('gone'));
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/never'), method: 'GET', params: [] }, call.signal),
      (err: unknown) => err instanceof AppError && err.code === 'ERR_ABORTED',
    );
    assert.equal(fx.origin.requests.length, 0);
  });
});
