import assert from 'node:assert/strict';
import { WebhookError } from '../../src/webhook/index.js';
import { never, startFixture, type Fixture } from './support/fixture.js';

describe('webhook client: request encoding', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it('GET appends the parameters to the query string and keeps the existing query', async () => {
    const url = fx.origin.url('/voice.php?mode=a%20b&x=1');
    const doc = await fx.client.fetchTwiml(
      { url, method: 'GET', params: [['CallSid', 'CA1'], ['From', '+15551230000'], ['Note', 'é 日本 🎉']] },
      never,
    );
    assert.equal(doc.status, 200);
    assert.equal(doc.body, '<Response/>');
    assert.equal(doc.contentType, 'text/xml');
    const seen = fx.origin.requests[0];
    assert.ok(seen);
    assert.equal(seen.method, 'GET');
    assert.equal(
      seen.url,
      '/voice.php?mode=a%20b&x=1&CallSid=CA1&From=%2B15551230000&Note=%C3%A9+%E6%97%A5%E6%9C%AC+%F0%9F%8E%89',
    );
    const query = new URL(seen.url, 'http://x').searchParams;
    assert.equal(query.get('Note'), 'é 日本 🎉');
    assert.equal(seen.body, '');
    assert.equal(seen.headers['content-type'], undefined);
    assert.equal(doc.url.href, url.href, 'the document URL is the one requested, without the added query');
  });

  it('POST sends a UTF-8 form body, in order, with repeated names', async () => {
    const url = fx.origin.url('/voice?keep=1');
    await fx.client.fetchTwiml(
      { url, method: 'POST', params: [['B', 'x y'], ['A', 'é&='], ['B', '日本']] },
      never,
    );
    const seen = fx.origin.requests[0];
    assert.ok(seen);
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/voice?keep=1');
    assert.equal(seen.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(seen.body, 'B=x+y&A=%C3%A9%26%3D&B=%E6%97%A5%E6%9C%AC');
    assert.deepEqual([...new URLSearchParams(seen.body)], [['B', 'x y'], ['A', 'é&='], ['B', '日本']]);
  });

  it('sends a user agent, the extra headers, and URL credentials as Basic auth (never in the URL)', async () => {
    const url = fx.origin.url('/private');
    url.username = 'ivr';
    url.password = 'p@ss word';
    await fx.client.fetchTwiml({ url, method: 'GET', params: [], headers: { 'X-Custom': 'yes' } }, never);
    const seen = fx.origin.requests[0];
    assert.ok(seen);
    assert.equal(seen.headers['user-agent'], 'pivot-esl');
    assert.equal(seen.headers['x-custom'], 'yes');
    assert.equal(seen.headers.authorization, `Basic ${Buffer.from('ivr:p@ss word').toString('base64')}`);
    assert.equal(seen.url, '/private');
    const record = fx.debug[0];
    assert.ok(record);
    assert.ok(!record.url.includes('ivr') && !record.url.includes('word'), 'the debug record has no credentials');
  });

  it('resolves host names through the injected lookup', async () => {
    const url = fx.origin.url('/a', 'example.test');
    const doc = await fx.client.fetchTwiml({ url, method: 'GET', params: [] }, never);
    assert.equal(doc.status, 200);
    assert.equal(fx.origin.requests[0]?.headers.host, `example.test:${fx.origin.port}`);
    assert.equal(fx.lookup.calls.get('example.test'), 1);
  });

  it('decodes the body per its charset', async () => {
    fx.origin.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml; charset=iso-8859-1' }).end(Buffer.from([0x3c, 0x53, 0xe9, 0x3e]));
    };
    const doc = await fx.client.fetchTwiml({ url: fx.origin.url('/l1'), method: 'GET', params: [] }, never);
    assert.equal(doc.body, '<Sé>');
  });

  it('refuses URLs that are not http or https', async () => {
    await assert.rejects(
      fx.client.fetchTwiml({ url: new URL('ftp://example.test/x'), method: 'GET', params: [] }, never),
      (err: unknown) => err instanceof WebhookError && err.code === 'ERR_WEBHOOK_BAD_URL' && err.twilioCode === 11200,
    );
    assert.equal(fx.origin.requests.length, 0);
  });

  it('keeps one connection alive across requests', async () => {
    await fx.client.fetchTwiml({ url: fx.origin.url('/one'), method: 'GET', params: [] }, never);
    // undici hands the socket back to its pool on the turn after the body ends.
    await new Promise((resolve) => setImmediate(resolve));
    await fx.client.fetchTwiml({ url: fx.origin.url('/two'), method: 'POST', params: [['a', '1']] }, never);
    const [first, second] = fx.origin.requests;
    assert.ok(first && second);
    assert.equal(first.remotePort, second.remotePort);
    assert.equal(fx.origin.closedSockets, 0);
  });
});
