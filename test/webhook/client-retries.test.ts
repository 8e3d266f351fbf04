import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { webhookError } from './support/expect.js';
import { never, startFixture, type Fixture } from './support/fixture.js';

describe('webhook client: connection overrides and retries', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it('strips the override fragment: the server never sees "#"', async () => {
    await fx.client.fetchTwiml(
      { url: fx.origin.url('/voice?a=1#ct=1000&rt=2000&tt=3000&rc=2&rp=ct,rt'), method: 'GET', params: [['b', '2']] },
      never,
    );
    const seen = fx.origin.requests[0];
    assert.ok(seen);
    assert.equal(seen.url, '/voice?a=1&b=2');
    assert.ok(!fx.debug[0]?.url.includes('#'));
  });

  it('retries a 5xx per rc when rp includes 5xx, then fails with the last status', async () => {
    fx.origin.handler = (_req, res) => {
      res.writeHead(503).end();
    };
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/busy#rc=2&rp=5xx'), method: 'POST', params: [['x', '1']] }, never),
      webhookError('ERR_WEBHOOK_HTTP_STATUS', 11200, 503),
    );
    assert.equal(fx.origin.requests.length, 3);
    assert.ok(fx.origin.requests.every((r) => r.body === 'x=1'), 'each retry resends the form body');
    assert.equal(fx.debug[0]?.attempts, 3);
  });

  it('succeeds when a retry succeeds', async () => {
    let n = 0;
    fx.origin.handler = (_req, res) => {
      if (n++ === 0) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
    };
    const doc = await fx.client.fetchTwiml({ url: fx.origin.url('/flaky#rp=4xx'), method: 'GET', params: [] }, never);
    assert.equal(doc.status, 200);
    assert.equal(fx.origin.requests.length, 2);
  });

  it('does not retry a 4xx under rp=5xx, nor a 5xx under the default policy', async () => {
    fx.origin.handler = (req, res) => {
      res.writeHead(req.url?.startsWith('/four') ? 400 : 500).end();
    };
    for (const path of ['/four#rc=3&rp=5xx', '/five#rc=3']) {
      await assert.rejects(fx.client.fetchTwiml({ url: fx.origin.url(path), method: 'GET', params: [] }, never));
    }
    assert.deepEqual(fx.origin.requests.map((r) => r.url), ['/four', '/five']);
  });

  it('rp=all retries read timeouts', async () => {
    fx.origin.handler = () => undefined;
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/slow#rt=100&rc=2&rp=all'), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_TIMEOUT'),
    );
    assert.equal(fx.origin.requests.length, 3);
  });

  it('retries a refused connection once by default (connect failures are retried)', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const address = probe.address();
    assert.ok(address && typeof address === 'object');
    probe.close();
    await once(probe, 'close');
    await assert.rejects(
      fx.client.fetchTwiml({ url: new URL(`http://example.test:${address.port}/`), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_NETWORK', 11205),
    );
    assert.equal(fx.lookup.calls.get('example.test'), 2, 'two connection attempts');
    assert.equal(fx.debug[0]?.attempts, 2);
  });

  it('stops retrying when the total time tt is spent', async () => {
    fx.origin.handler = () => undefined;
    const started = performance.now();
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/slow#rt=100&tt=250&rc=5&rp=rt'), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_TIMEOUT'),
    );
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 600, `gave up after ${elapsed} ms`);
    assert.equal(fx.origin.requests.length, 3, 'two full attempts of 100 ms, and a third cut short at 250 ms');
  });
});
