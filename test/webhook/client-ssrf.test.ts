import assert from 'node:assert/strict';
import { webhookError } from './support/expect.js';
import { never, startFixture, type Fixture } from './support/fixture.js';

/**
 * The deny list of these tests is the default one plus 127.0.0.2/32; the fixture's resolver maps `denied.test` to
 * 127.0.0.2 and `metadata.test` to 169.254.169.254. Denied addresses are refused before any connection is made.
 */
describe('webhook client: address guard', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it('refuses a host name that resolves to a denied address (11200), without connecting', async () => {
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/x', 'denied.test'), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_BLOCKED_ADDRESS', 11200),
    );
    assert.equal(fx.origin.requests.length, 0);
    assert.equal(fx.lookup.calls.get('denied.test'), 1, 'a denied address is not retried');
  });

  it('refuses a literal denied address', async () => {
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/x', '127.0.0.2'), method: 'POST', params: [] }, never),
      webhookError('ERR_WEBHOOK_BLOCKED_ADDRESS'),
    );
    assert.equal(fx.origin.requests.length, 0);
  });

  it('refuses the metadata service, by name and by address', async () => {
    const urls = ['http://metadata.test/latest/', 'http://169.254.169.254/latest/', 'http://[fd00:ec2::254]/'];
    for (const url of urls) {
      await assert.rejects(
        fx.client.fetchTwiml({ url: new URL(url), method: 'GET', params: [] }, never),
        webhookError('ERR_WEBHOOK_BLOCKED_ADDRESS'),
        url,
      );
    }
  });

  it('refuses a host with one allowed and one denied address', async () => {
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/x', 'mixed.test'), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_BLOCKED_ADDRESS'),
    );
    assert.equal(fx.origin.requests.length, 0);
  });

  it('refuses a redirect to a denied host', async () => {
    fx.origin.handler = (_req, res) => {
      res.writeHead(302, { location: `http://denied.test:${fx.origin.port}/internal` }).end();
    };
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/start', 'example.test'), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_BLOCKED_ADDRESS'),
    );
    assert.deepEqual(fx.origin.requests.map((r) => r.url), ['/start']);
  });

  it('refuses callbacks and uploads to denied hosts too', async () => {
    const outcome = await fx.client.notify({ url: fx.origin.url('/s', 'denied.test'), method: 'POST', params: [] });
    assert.equal(outcome.ok, false);
    assert.equal(outcome.error?.code, 'ERR_WEBHOOK_BLOCKED_ADDRESS');
    await assert.rejects(
      fx.client.put({ url: fx.origin.url('/r.wav', 'denied.test'), body: 'x' }, never),
      webhookError('ERR_WEBHOOK_BLOCKED_ADDRESS'),
    );
    assert.equal(fx.origin.requests.length, 0);
  });
});
