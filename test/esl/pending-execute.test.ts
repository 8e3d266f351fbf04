import assert from 'node:assert/strict';
import { PendingExecute } from '../../src/esl/pending-execute.js';

describe('PendingExecute', () => {
  it('is in its table exactly until it settles, and settles once', async () => {
    const table = new Map<string, PendingExecute<string>>();
    const entry = new PendingExecute<string>(table, 'a', 'playback', false);
    assert.equal(table.get('a'), entry);
    assert.equal(entry.resolve('done'), true);
    assert.equal(table.size, 0);
    assert.equal(entry.resolve('again'), false);
    assert.equal(entry.reject(new Error('late')), false);
    assert.equal(await entry.promise, 'done');
  });

  it('a rejection before the await leaves the table and is not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
    process.on('unhandledRejection', onUnhandled);
    try {
      const table = new Map<string, PendingExecute<string>>();
      const entry = new PendingExecute<string>(table, 'b', 'record', true);
      assert.equal(entry.reject(new Error('hangup')), true);
      assert.equal(table.size, 0);
      assert.equal(entry.resolve('too late'), false);
      await new Promise((resolve) => setImmediate(resolve));
      await assert.rejects(entry.promise, /hangup/);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('keeps its own entry when another one took the same key after it settled', () => {
    const table = new Map<string, PendingExecute<string>>();
    const first = new PendingExecute<string>(table, 'k', 'playback', false);
    first.resolve('x');
    const second = new PendingExecute<string>(table, 'k', 'playback', false);
    assert.equal(first.reject(new Error('stale')), false);
    assert.equal(table.get('k'), second);
  });
});
