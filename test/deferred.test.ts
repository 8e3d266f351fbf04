import assert from 'node:assert/strict';
import { Deferred } from '../src/util/deferred.js';

describe('Deferred', () => {
  it('settles once, and a rejection before the await is not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
    process.on('unhandledRejection', onUnhandled);
    try {
      const d = new Deferred<number>();
      assert.equal(d.reject(new Error('early')), true);
      assert.equal(d.resolve(1), false);
      await new Promise((resolve) => setImmediate(resolve));
      await assert.rejects(d.promise, /early/);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
