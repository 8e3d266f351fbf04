import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import {
  createDenyList,
  createGuardedLookup,
  DEFAULT_DENIED_NETWORKS,
  DeniedAddressError,
  isDeniedAddress,
  PRIVATE_NETWORKS,
} from '../../src/webhook/index.js';
import { ConfigError } from '../../src/errors.js';
import { tableLookup } from './support/lookup.js';

describe('webhook address guard', () => {
  const defaults = createDenyList(DEFAULT_DENIED_NETWORKS);
  const production = createDenyList([...DEFAULT_DENIED_NETWORKS, ...PRIVATE_NETWORKS]);

  it('denies link-local, metadata, "this network", multicast and broadcast addresses by default', () => {
    for (const ip of [
      '169.254.169.254',
      '169.254.0.1',
      'fe80::1',
      'FE80::abcd:1',
      'fd00:ec2::254',
      '100.100.100.200',
      '192.0.0.192',
      '0.0.0.0',
      '0.1.2.3',
      '224.0.0.1',
      '239.255.255.250',
      '255.255.255.255',
      'ff02::1',
      '::',
      '::ffff:169.254.169.254',
      '[fe80::1]',
    ]) {
      assert.equal(isDeniedAddress(ip, defaults), true, ip);
    }
  });

  it('allows public, loopback and private addresses by default', () => {
    const allowed = ['93.184.215.14', '2606:2800:21f::1', '127.0.0.1', '::1', '10.1.2.3', '192.168.1.1', 'fd12::1'];
    for (const ip of allowed) {
      assert.equal(isDeniedAddress(ip, defaults), false, ip);
    }
  });

  it('denies loopback and private ranges when the production list adds them', () => {
    const denied = ['127.0.0.1', '127.9.9.9', '::1', '10.1.2.3', '172.31.255.255', '192.168.0.10', '100.64.0.1'];
    for (const ip of [...denied, 'fd12::1', '::ffff:10.0.0.1']) {
      assert.equal(isDeniedAddress(ip, production), true, ip);
    }
    assert.equal(isDeniedAddress('8.8.8.8', production), false);
    assert.equal(isDeniedAddress('172.32.0.1', production), false);
  });

  it('treats anything that is not an IP address as denied', () => {
    assert.equal(isDeniedAddress('example.test', defaults), true);
    assert.equal(isDeniedAddress('', defaults), true);
  });

  it('rejects a deny list entry that is not a network', () => {
    for (const bad of ['10.0.0.0/33', 'fe80::/129', 'example.test/8', '10.0.0.0/8/1', '10.0.0.0/x']) {
      assert.throws(() => createDenyList([bad]), ConfigError, bad);
    }
    assert.equal(isDeniedAddress('10.0.0.1', createDenyList(['10.0.0.1'])), true, 'a bare address is one host');
  });

  describe('guarded lookup', () => {
    function resolve(
      lookup: ReturnType<typeof createGuardedLookup>,
      host: string,
      all: boolean,
      family = 0,
    ): Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }> {
      return new Promise((done) => {
        lookup(host, { all, family }, (err, address, fam) => done({ err, address, family: fam }));
      });
    }

    const table = tableLookup({
      'ok.test': ['10.0.0.5', '2001:db8::5'],
      'metadata.test': '169.254.169.254',
      'mixed.test': ['93.184.215.14', 'fd00:ec2::254'],
    });
    const guarded = createGuardedLookup(table, defaults);

    it('hands over every checked address (all: true) or the first one', async () => {
      const all = await resolve(guarded, 'ok.test', true);
      assert.equal(all.err, null);
      assert.deepEqual(all.address, [{ address: '10.0.0.5', family: 4 }, { address: '2001:db8::5', family: 6 }]);
      const one = await resolve(guarded, 'ok.test', false, 6);
      assert.equal(one.address, '2001:db8::5');
      assert.equal(one.family, 6);
    });

    it('refuses a host when any of its addresses is denied', async () => {
      for (const host of ['metadata.test', 'mixed.test']) {
        const { err } = await resolve(guarded, host, true);
        assert.ok(err instanceof DeniedAddressError, host);
        assert.equal(err.code, 'ERR_WEBHOOK_BLOCKED_ADDRESS');
      }
    });

    it('passes resolver failures through', async () => {
      const { err } = await resolve(guarded, 'unknown.test', true);
      assert.equal(err?.code, 'ENOTFOUND');
    });
  });
});
