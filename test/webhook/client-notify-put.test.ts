import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { CallEndedError } from '../../src/errors.js';
import { webhookError } from './support/expect.js';
import { never, startFixture, type Fixture } from './support/fixture.js';

describe('webhook client: callbacks and uploads', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it('notify reports a 2xx as ok and ignores the reply body', async () => {
    fx.origin.handler = (_req, res) => {
      res.writeHead(204).end();
    };
    const url = fx.origin.url('/status');
    const outcome = await fx.client.notify({ url, method: 'POST', params: [['CallStatus', 'completed']] });
    assert.equal(outcome.ok, true);
    assert.equal(outcome.status, 204);
    assert.equal(outcome.error, undefined);
    assert.equal(fx.origin.requests[0]?.body, 'CallStatus=completed');
    assert.equal(outcome.debug.status, 204);
  });

  it('notify never throws: a 500, a bad URL and an unreachable host become outcomes', async () => {
    fx.origin.handler = (_req, res) => {
      res.writeHead(500).end('no');
    };
    const failed = await fx.client.notify({ url: fx.origin.url('/s'), method: 'GET', params: [['a', '1']] });
    assert.equal(failed.ok, false);
    assert.equal(failed.status, 500);
    assert.equal(failed.error?.code, 'ERR_WEBHOOK_HTTP_STATUS');
    const bad = await fx.client.notify({ url: new URL('mailto:x@example.test'), method: 'POST', params: [] });
    assert.equal(bad.ok, false);
    assert.equal(bad.error?.code, 'ERR_WEBHOOK_BAD_URL');
    assert.equal(bad.debug.errorCode, 'ERR_WEBHOOK_BAD_URL');
    const dns = await fx.client.notify({ url: new URL('http://nowhere.test/'), method: 'POST', params: [] });
    assert.equal(dns.error?.code, 'ERR_WEBHOOK_DNS');
  });

  it('notify has its own timeout', async () => {
    fx.origin.handler = () => undefined;
    const started = performance.now();
    const outcome = await fx.client.notify(
      { url: fx.origin.url('/slow'), method: 'POST', params: [] },
      { timeoutMs: 150 },
    );
    assert.equal(outcome.ok, false);
    assert.equal(outcome.error?.code, 'ERR_WEBHOOK_TIMEOUT');
    assert.ok(performance.now() - started < 1000);
  });

  it('notify can be cut short by a shutdown signal', async () => {
    const shutdown = new AbortController();
    fx.origin.handler = () => shutdown.abort(new CallEndedError('ERR_SHUTDOWN'));
    const url = fx.origin.url('/s');
    const outcome = await fx.client.notify({ url, method: 'POST', params: [] }, { signal: shutdown.signal });
    assert.equal(outcome.ok, false);
    assert.equal(outcome.error?.code, 'ERR_SHUTDOWN');
  });

  it('put uploads a buffer with its content type and resolves with the status', async () => {
    fx.origin.handler = (_req, res) => {
      res.writeHead(201).end('stored');
    };
    const result = await fx.client.put(
      {
        url: fx.origin.url('/recordings/r1.wav'),
        body: Buffer.from('RIFF....WAVE'),
        headers: { 'Content-Type': 'audio/wav' },
      },
      never,
    );
    assert.equal(result.status, 201);
    const seen = fx.origin.requests[0];
    assert.ok(seen);
    assert.equal(seen.method, 'PUT');
    assert.equal(seen.headers['content-type'], 'audio/wav');
    assert.equal(seen.body, 'RIFF....WAVE');
    assert.equal(result.debug.bodyExcerpt, 'stored');
  });

  it('put streams a body, and fails with the status on a non-2xx reply', async () => {
    fx.origin.handler = (_req, res) => {
      res.writeHead(403).end();
    };
    await assert.rejects(
      fx.client.put({ url: fx.origin.url('/r2.mp3'), body: Readable.from(['ID3', 'data']) }, never),
      webhookError('ERR_WEBHOOK_HTTP_STATUS', 11200, 403),
    );
    const seen = fx.origin.requests[0];
    assert.equal(seen?.body, 'ID3data');
    assert.equal(seen?.headers['content-type'], 'application/octet-stream');
  });

  it('put retries a buffer but never a stream', async () => {
    fx.origin.handler = (_req, res) => {
      res.writeHead(502).end();
    };
    await assert.rejects(fx.client.put({ url: fx.origin.url('/a#rp=5xx'), body: 'abc' }, never));
    assert.equal(fx.origin.requests.length, 2);
    await assert.rejects(fx.client.put({ url: fx.origin.url('/b#rp=5xx'), body: Readable.from(['abc']) }, never));
    assert.equal(fx.origin.requests.length, 3);
  });

  it('every request reports a debug record without secrets', async () => {
    const seen: string[] = [];
    const url = fx.origin.url('/doc');
    url.username = 'user';
    url.password = 'secret';
    await fx.client.fetchTwiml(
      {
        url,
        method: 'POST',
        params: [['Digits', '1']],
        authToken: 'token-value',
        onDebug: (r) => seen.push(JSON.stringify(r)),
      },
      never,
    );
    assert.equal(seen.length, 1);
    const record = JSON.parse(seen[0] ?? '{}') as Record<string, unknown>;
    assert.equal(record.method, 'POST');
    assert.equal(record.url, fx.origin.url('/doc').href);
    assert.deepEqual(record.params, [['Digits', '1']]);
    assert.equal(record.status, 200);
    assert.equal(record.bodyExcerpt, '<Response/>');
    assert.equal(record.attempts, 1);
    const timing = record.timing as Record<string, number>;
    assert.ok(timing.totalMs !== undefined && timing.totalMs >= 0 && timing.headersMs !== undefined);
    assert.ok(!seen[0]?.includes('secret') && !seen[0]?.includes('token-value'));
    assert.equal(fx.debug.length, 1, 'the client-wide sink gets it too');
  });
});
