import assert from 'node:assert/strict';
import { AddressChecker, DEFAULT_DENIED_NETWORKS, DeniedAddressError } from '../../src/webhook/index.js';
import { tableLookup } from './support/lookup.js';

describe('webhook: the address checker shared by the dispatcher and the media URL check', () => {
  const lookup = tableLookup({
    'one.test': '127.0.0.1',
    'mixed.test': ['127.0.0.1', '127.0.0.2'],
    'six.test': '::1',
    'empty.test': [],
  });
  const checker = new AddressChecker({ denyList: [...DEFAULT_DENIED_NETWORKS, '127.0.0.2/32'], lookup });

  it('resolves a host and hands back its addresses when none is denied', async () => {
    assert.deepEqual(await checker.resolve('one.test'), [{ address: '127.0.0.1', family: 4 }]);
    assert.deepEqual(await checker.resolve('six.test'), [{ address: '::1', family: 6 }]);
  });

  it('refuses a host when any one of its addresses is denied', async () => {
    await assert.rejects(checker.resolve('mixed.test'),
      (err: unknown) => err instanceof DeniedAddressError && err.address === '127.0.0.2' && err.host === 'mixed.test');
  });

  it('checks literal addresses, bracketed IPv6 included, without a lookup', async () => {
    const before = lookup.calls.size;
    assert.deepEqual(await checker.resolve('127.0.0.1'), [{ address: '127.0.0.1', family: 4 }]);
    assert.deepEqual(await checker.resolve('[::1]'), [{ address: '::1', family: 6 }]);
    await assert.rejects(checker.resolve('127.0.0.2'), DeniedAddressError);
    await assert.rejects(checker.resolve('[::]'), DeniedAddressError, 'the unspecified address is always denied');
    assert.equal(lookup.calls.size, before);
  });

  it('passes a lookup failure on, and treats an empty answer as not found', async () => {
    await assert.rejects(checker.resolve('nowhere.test'), (err: NodeJS.ErrnoException) => err.code === 'ENOTFOUND');
    await assert.rejects(checker.resolve('empty.test'), (err: NodeJS.ErrnoException) => err.code === 'ENOTFOUND');
  });

  it('keeps no cache: each check asks the resolver again', async () => {
    const asked = lookup.calls.get('one.test') ?? 0;
    await checker.resolve('one.test');
    await checker.resolve('one.test');
    assert.equal(lookup.calls.get('one.test'), asked + 2);
  });
});
