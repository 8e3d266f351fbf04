import assert from 'node:assert/strict';
import { createSourceGuard } from '../../src/esl/source-guard.js';
import { parseNetwork } from '../../src/util/networks.js';
import { ConfigError } from '../../src/errors.js';

describe('FreeSWITCH source address check', () => {
  it('allows loopback only by default networks', () => {
    const allowed = createSourceGuard(['127.0.0.0/8', '::1/128']);
    assert.equal(allowed('127.0.0.1'), true);
    assert.equal(allowed('127.255.0.9'), true);
    assert.equal(allowed('::1'), true);
    assert.equal(allowed('::ffff:127.0.0.1'), true, 'IPv4 seen through a dual-stack socket');
    assert.equal(allowed('10.0.0.1'), false);
    assert.equal(allowed('192.168.1.10'), false);
    assert.equal(allowed('169.254.169.254'), false);
    assert.equal(allowed('fe80::1'), false);
    assert.equal(allowed('::ffff:10.0.0.1'), false);
  });

  it('takes single addresses and CIDR networks of both families', () => {
    const allowed = createSourceGuard(['10.20.0.5', '172.16.0.0/12', 'fd00:1::/32']);
    assert.equal(allowed('10.20.0.5'), true);
    assert.equal(allowed('10.20.0.6'), false);
    assert.equal(allowed('172.31.255.255'), true);
    assert.equal(allowed('172.32.0.1'), false);
    assert.equal(allowed('fd00:1:ffff::7'), true);
    assert.equal(allowed('fd00:2::7'), false);
  });

  it('refuses what is not an address', () => {
    const allowed = createSourceGuard(['127.0.0.1']);
    assert.equal(allowed(undefined), false);
    assert.equal(allowed(''), false);
    assert.equal(allowed('localhost'), false);
  });

  for (const bad of ['freeswitch.local', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/8/1', '::1/129', '1.2.3', '10.0.0.0/a']) {
    it(`rejects the configuration entry ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseNetwork(bad), ConfigError);
    });
  }
});
