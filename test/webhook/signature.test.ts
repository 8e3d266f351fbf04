import assert from 'node:assert/strict';
import twilio from 'twilio';
import { computeSignature, type Params } from '../../src/webhook/index.js';
import { never, startFixture, type Fixture } from './support/fixture.js';

const TOKEN = '12345678901234567890123456789012';

/** Parameters as a form-parsing server hands them to the validator: repeated names become arrays. */
function asBody(params: Params): Record<string, string | string[]> {
  const body: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const prior = body[name];
    body[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return body;
}

describe('webhook signature', () => {
  const params: Params = [
    ['CallSid', 'CA1234567890ABCDE'],
    ['From', '+14158675310'],
    ['To', '+18005551212'],
    ['Caller', '+14158675310'],
    ['Digits', '1234'],
  ];

  it('equals the signature twilio-node expects for the same URL and parameters', () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const signature = computeSignature(TOKEN, url, params, 'POST');
    assert.equal(signature, twilio.getExpectedTwilioSignature(TOKEN, url, asBody(params)));
    assert.match(signature, /^[A-Za-z0-9+/]{27}=$/);
  });

  for (const [label, url] of [
    ['without a query string', 'https://example.test/voice'],
    ['with a query string', 'https://example.test/voice?foo=1&bar=2'],
    ['with a port', 'http://example.test:8080/voice?x=y'],
  ] as const) {
    it(`POST ${label} is accepted by twilio.validateRequest`, () => {
      const signature = computeSignature(TOKEN, url, params, 'POST');
      assert.ok(twilio.validateRequest(TOKEN, signature, url, asBody(params)));
      assert.ok(!twilio.validateRequest('another-token', signature, url, asBody(params)));
    });

    it(`GET ${label} is accepted by twilio.validateRequest`, () => {
      const signature = computeSignature(TOKEN, url, [], 'GET');
      assert.ok(twilio.validateRequest(TOKEN, signature, url, {}));
    });
  }

  it('POST with non-ASCII values (é, 日本, emoji) is accepted', () => {
    const unicode: Params = [['CallerName', 'José Müller'], ['SpeechResult', '日本語です 🎉'], ['Empty', '']];
    const url = 'https://example.test/voice?city=Z%C3%BCrich';
    const signature = computeSignature(TOKEN, url, unicode, 'POST');
    assert.ok(twilio.validateRequest(TOKEN, signature, url, asBody(unicode)));
  });

  it('POST with repeated names is accepted (values de-duplicated and sorted)', () => {
    const repeated: Params = [['Tag', 'b'], ['Tag', 'a'], ['Tag', 'b'], ['A', 'z']];
    const url = 'https://example.test/voice';
    const signature = computeSignature(TOKEN, url, repeated, 'POST');
    assert.ok(twilio.validateRequest(TOKEN, signature, url, asBody(repeated)));
    assert.equal(signature, computeSignature(TOKEN, url, [['A', 'z'], ['Tag', 'a'], ['Tag', 'b']], 'POST'));
  });

  it('sorts names by code unit (upper case before lower case)', () => {
    const url = 'https://example.test/v';
    assert.equal(
      computeSignature(TOKEN, url, [['b', '1'], ['B', '2'], ['a', '3']], 'POST'),
      computeSignature(TOKEN, url, [['B', '2'], ['a', '3'], ['b', '1']], 'POST'),
    );
  });

  it('leaves out a fragment, and signs only the URL for GET', () => {
    const url = 'https://example.test/voice?x=1';
    assert.equal(computeSignature(TOKEN, `${url}#ct=100`, [], 'GET'), computeSignature(TOKEN, url, [], 'GET'));
    const withFragment = computeSignature(TOKEN, new URL(`${url}#rc=1`), params, 'GET');
    assert.equal(withFragment, computeSignature(TOKEN, url, [], 'GET'));
  });

  describe('on the wire', () => {
    let fx: Fixture;
    beforeEach(async () => {
      fx = await startFixture();
    });
    afterEach(async () => {
      await fx.close();
    });

    /** The URL the origin reconstructs from what it received. */
    function seenUrl(index: number): string {
      const seen = fx.origin.requests[index];
      assert.ok(seen);
      return `http://${seen.headers.host}${seen.url}`;
    }

    function seenSignature(index: number): string {
      const value = fx.origin.requests[index]?.headers['x-twilio-signature'];
      assert.equal(typeof value, 'string');
      return value as string;
    }

    it('signs GET (query merged, non-ASCII) and POST (form body) requests the server can validate', async () => {
      const sent: Params = [['CallSid', 'CA1'], ['CallerName', 'Zoë 日本 🎉'], ['Tag', 'x'], ['Tag', 'y']];
      await fx.client.fetchTwiml(
        { url: fx.origin.url('/g?keep=a%20b#ct=1000'), method: 'GET', params: sent, authToken: TOKEN },
        never,
      );
      const post = fx.origin.url('/p?q=1');
      await fx.client.fetchTwiml({ url: post, method: 'POST', params: sent, authToken: TOKEN }, never);
      assert.ok(twilio.validateRequest(TOKEN, seenSignature(0), seenUrl(0), {}));
      const received: Params = [...new URLSearchParams(fx.origin.requests[1]?.body)];
      assert.deepEqual(received, sent);
      assert.ok(twilio.validateRequest(TOKEN, seenSignature(1), seenUrl(1), asBody(received)));
    });

    it('signs callbacks and uploads; sends no signature without a token', async () => {
      const status: Params = [['CallStatus', 'completed']];
      const url = fx.origin.url('/status');
      await fx.client.notify({ url, method: 'POST', params: status, authToken: TOKEN });
      await fx.client.put({ url: fx.origin.url('/rec.wav'), body: Buffer.from('RIFF'), authToken: TOKEN }, never);
      await fx.client.fetchTwiml({ url: fx.origin.url('/plain'), method: 'GET', params: [] }, never);
      assert.ok(twilio.validateRequest(TOKEN, seenSignature(0), seenUrl(0), { CallStatus: 'completed' }));
      assert.ok(twilio.validateRequest(TOKEN, seenSignature(1), seenUrl(1), {}));
      assert.equal(fx.origin.requests[2]?.headers['x-twilio-signature'], undefined);
    });
  });
});
