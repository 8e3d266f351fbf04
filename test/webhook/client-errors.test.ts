import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { webhookError } from './support/expect.js';
import { never, startFixture, type Fixture } from './support/fixture.js';

describe('webhook client: failures', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it('a 500 reply fails with ERR_WEBHOOK_HTTP_STATUS (11200) carrying the status', async () => {
    fx.origin.handler = (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>boom</h1>');
    };
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/fail'), method: 'POST', params: [] }, never),
      webhookError('ERR_WEBHOOK_HTTP_STATUS', 11200, 500),
    );
    assert.equal(fx.origin.requests.length, 1, 'a 5xx is not retried by default');
    const record = fx.debug[0];
    assert.ok(record);
    assert.equal(record.status, 500);
    assert.equal(record.bodyExcerpt, '<h1>boom</h1>');
    assert.equal(record.responseHeaders?.['content-type'], 'text/html');
    assert.equal(record.errorCode, 'ERR_WEBHOOK_HTTP_STATUS');
    assert.equal(record.twilioCode, 11200);
  });

  it('a 404 reply fails with its status', async () => {
    fx.origin.handler = (_req, res) => {
      res.writeHead(404).end();
    };
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/missing'), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_HTTP_STATUS', 11200, 404),
    );
  });

  it('a 10 MB body fails with ERR_WEBHOOK_BODY_TOO_LARGE (11750) and the connection is destroyed', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    let written = 0;
    fx.origin.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      const pump = (): void => {
        while (written < 10 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => res.destroy());
      pump();
    };
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/huge'), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_BODY_TOO_LARGE', 11750, 200),
    );
    await fx.origin.socketsClosed(1);
    assert.ok(written < 10 * 1024 * 1024, `the server stopped early (${written} bytes written)`);
  });

  it('a declared Content-Length over the cap fails before the body is read', async () => {
    fx.origin.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': String(70000) });
      res.write('<Response>');
    };
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/declared'), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_BODY_TOO_LARGE', 11750),
    );
    await fx.origin.socketsClosed(1);
  });

  it('an empty 200 body fails with ERR_WEBHOOK_EMPTY_BODY', async () => {
    fx.origin.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' }).end();
    };
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/empty'), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_EMPTY_BODY', 11200, 200),
    );
  });

  it('a refused connection fails with ERR_WEBHOOK_NETWORK (11205)', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const address = closed.address();
    assert.ok(address && typeof address === 'object');
    closed.close();
    await once(closed, 'close');
    await assert.rejects(
      fx.client.fetchTwiml({ url: new URL(`http://127.0.0.1:${address.port}/`), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_NETWORK', 11205),
    );
  });

  it('a connection reset before the reply fails with ERR_WEBHOOK_NETWORK', async () => {
    fx.origin.handler = (req) => {
      req.socket.destroy();
    };
    await assert.rejects(
      fx.client.fetchTwiml({ url: fx.origin.url('/reset#rc=0'), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_NETWORK', 11205),
    );
  });

  it('a host name that does not resolve fails with ERR_WEBHOOK_DNS (11210)', async () => {
    await assert.rejects(
      fx.client.fetchTwiml({ url: new URL('http://nowhere.test/x'), method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_DNS', 11210),
    );
    assert.equal(fx.lookup.calls.get('nowhere.test'), 1, 'a DNS failure is not retried');
  });

  it('a TLS handshake that fails is ERR_WEBHOOK_TLS (11220)', async () => {
    // The origin speaks plain HTTP, so the TLS client hello gets an answer that is not TLS.
    const url = new URL(`https://127.0.0.1:${fx.origin.port}/secure#rc=0`);
    await assert.rejects(
      fx.client.fetchTwiml({ url, method: 'GET', params: [] }, never),
      webhookError('ERR_WEBHOOK_TLS', 11220),
    );
  });

  it('a reply that is not HTTP fails with ERR_WEBHOOK_PROTOCOL (11206)', async () => {
    const garbage = createServer((socket) => {
      socket.on('data', () => socket.end('NOT-HTTP garbage\r\n\r\n'));
    });
    garbage.listen(0, '127.0.0.1');
    await once(garbage, 'listening');
    const address = garbage.address();
    assert.ok(address && typeof address === 'object');
    try {
      await assert.rejects(
        fx.client.fetchTwiml({ url: new URL(`http://127.0.0.1:${address.port}/`), method: 'GET', params: [] }, never),
        webhookError('ERR_WEBHOOK_PROTOCOL', 11206),
      );
    } finally {
      garbage.close();
    }
  });
});
