import assert from 'node:assert/strict';
import { webhookError } from './support/expect.js';
import { never, startFixture, type Fixture } from './support/fixture.js';

describe('webhook client: redirects', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await startFixture();
    // /hop/N redirects to /hop/N-1; /hop/0 is the document.
    fx.origin.handler = (req, res) => {
      const n = Number(/^\/hop\/(\d+)/.exec(req.url ?? '')?.[1] ?? '0');
      if (n === 0) res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response><Hangup/></Response>');
      else res.writeHead(n % 2 === 0 ? 302 : 307, { location: `/hop/${n - 1}` }).end();
    };
  });
  afterEach(async () => {
    await fx.close();
  });

  it('follows up to three redirects of a GET and reports the final URL', async () => {
    const url = fx.origin.url('/hop/3');
    const doc = await fx.client.fetchTwiml({ url, method: 'GET', params: [['CallSid', 'CA1']] }, never);
    assert.equal(doc.body, '<Response><Hangup/></Response>');
    assert.equal(doc.url.href, fx.origin.url('/hop/0').href);
    assert.deepEqual(fx.origin.requests.map((r) => r.url), ['/hop/3?CallSid=CA1', '/hop/2', '/hop/1', '/hop/0']);
    assert.deepEqual(fx.debug[0]?.redirects, ['/hop/2', '/hop/1', '/hop/0'].map((p) => fx.origin.url(p).href));
  });

  it('fails a fourth redirect with ERR_WEBHOOK_TOO_MANY_REDIRECTS (11215)', async () => {
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/hop/4'), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_TOO_MANY_REDIRECTS', 11215),
    );
    assert.equal(fx.origin.requests.length, 4);
  });

  it('does not follow a redirect of a POST: it is a retrieval failure (11200) with the status', async () => {
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/hop/1'), method: 'POST', params: [['a', 'b']] }, never),
      webhookError('ERR_WEBHOOK_HTTP_STATUS', 11200, 307),
    );
    assert.equal(fx.origin.requests.length, 1);
  });

  it('refuses a redirect to a URL that is not http(s)', async () => {
    fx.origin.handler = (_req, res) => {
      res.writeHead(302, { location: 'file:///etc/passwd' }).end();
    };
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/x'), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_BAD_URL', 11200),
    );
  });

  it('a 3xx without Location is a failure with its status', async () => {
    fx.origin.handler = (_req, res) => {
      res.writeHead(302).end();
    };
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/nowhere'), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_HTTP_STATUS', 11200, 302),
    );
  });
});
