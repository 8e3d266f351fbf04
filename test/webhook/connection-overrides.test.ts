import assert from 'node:assert/strict';
import { DEFAULT_CONNECTION_OVERRIDES, parseConnectionOverrides } from '../../src/webhook/index.js';

describe('webhook connection overrides', () => {
  it("has Twilio's defaults: ct 5000, rt 15000, tt 15000, rc 1, rp ct", () => {
    const { url, overrides } = parseConnectionOverrides(new URL('https://example.test/voice?a=1'));
    assert.equal(url.href, 'https://example.test/voice?a=1');
    assert.equal(overrides.connectTimeoutMs, 5000);
    assert.equal(overrides.readTimeoutMs, 15000);
    assert.equal(overrides.totalTimeoutMs, 15000);
    assert.equal(overrides.retryCount, 1);
    assert.deepEqual([...overrides.retryPolicy], ['ct']);
  });

  it('reads every key and strips the fragment', () => {
    const { url, overrides } = parseConnectionOverrides(
      new URL('https://example.test/voice?a=1#ct=1000&rt=3000&tt=8000&rc=2&rp=ct,5xx&e=ashburn&sni=y'),
    );
    assert.equal(url.href, 'https://example.test/voice?a=1');
    assert.equal(url.hash, '');
    assert.deepEqual(
      { ...overrides, retryPolicy: [...overrides.retryPolicy] },
      { connectTimeoutMs: 1000, readTimeoutMs: 3000, totalTimeoutMs: 8000, retryCount: 2, retryPolicy: ['ct', '5xx'] },
    );
  });

  it('clamps out-of-range values and ignores values that are not whole numbers', () => {
    const { overrides } = parseConnectionOverrides(new URL('http://x.test/#ct=5&rt=999999&tt=-3&rc=9'));
    assert.equal(overrides.connectTimeoutMs, 100);
    assert.equal(overrides.readTimeoutMs, 15000);
    assert.equal(overrides.totalTimeoutMs, 15000, '"-3" is not a whole number: the default stays');
    assert.equal(overrides.retryCount, 5);
    const odd = parseConnectionOverrides(new URL('http://x.test/#ct=1.5&rc=&rt=abc')).overrides;
    assert.equal(odd.connectTimeoutMs, 5000);
    assert.equal(odd.retryCount, 1);
    assert.equal(odd.readTimeoutMs, 15000);
  });

  it('expands rp=all and ignores unknown policies', () => {
    const all = parseConnectionOverrides(new URL('http://x.test/#rp=all')).overrides;
    assert.deepEqual([...all.retryPolicy].sort(), ['4xx', '5xx', 'ct', 'rt']);
    const unknown = parseConnectionOverrides(new URL('http://x.test/#rp=bogus')).overrides;
    assert.deepEqual([...unknown.retryPolicy], ['ct']);
    const mixed = parseConnectionOverrides(new URL('http://x.test/#rp=4xx%2Cbogus,rt')).overrides;
    assert.deepEqual([...mixed.retryPolicy], ['4xx', 'rt']);
  });

  it('drops a fragment that holds no overrides, and takes defaults from the caller', () => {
    const defaults = { ...DEFAULT_CONNECTION_OVERRIDES, totalTimeoutMs: 5000 };
    const { url, overrides } = parseConnectionOverrides(new URL('http://x.test/page#section-2'), defaults);
    assert.equal(url.href, 'http://x.test/page');
    assert.equal(overrides.totalTimeoutMs, 5000);
  });
});
