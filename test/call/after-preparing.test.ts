import assert from 'node:assert/strict';
import { afterPreparing } from '../../src/call/call-actions.js';
import { CallEndedError } from '../../src/errors.js';
import { Deferred } from '../../src/util/deferred.js';

describe('afterPreparing (a channel variable sent together with the application it prepares)', () => {
  it('starts the application before the preparation has settled, and resolves with its result', async () => {
    const preparing = new Deferred<void>();
    let started = false;
    const step = afterPreparing(preparing.promise, async () => {
      started = true;
      return 'played';
    });
    assert.equal(started, true, 'started in the same turn');
    preparing.resolve();
    assert.equal(await step, 'played');
  });

  it('fails with the preparation\'s error when both fail, leaving no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
    process.on('unhandledRejection', onUnhandled);
    try {
      const preparing = new Deferred<void>();
      let rejectRunning: (reason: unknown) => void = () => {};
      // A plain promise: nothing handles its rejection unless afterPreparing does.
      const running = new Promise<string>((_, reject) => { rejectRunning = reject; });
      const step = afterPreparing(preparing.promise, () => running);
      rejectRunning(new CallEndedError('ERR_CALL_HANGUP'));
      preparing.reject(new Error('uuid_setvar refused'));
      await assert.rejects(step, /uuid_setvar refused/);
      await new Promise<void>((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('fails with the application\'s error once the preparation succeeded', async () => {
    const step = afterPreparing(Promise.resolve(), () => Promise.reject(new CallEndedError('ERR_CALL_HANGUP')));
    await assert.rejects(step, (err: unknown) => err instanceof CallEndedError && err.code === 'ERR_CALL_HANGUP');
  });
});

describe('CallEndedError', () => {
  it('carries no stack frames (every call ends with a few), and leaves the stack limit as it was', () => {
    const limit = Error.stackTraceLimit;
    const err = new CallEndedError('ERR_CALL_HANGUP', 'NORMAL_CLEARING');
    assert.equal(err.stack?.includes('\n    at '), false);
    assert.equal(err.message.includes('NORMAL_CLEARING'), true);
    assert.equal(Error.stackTraceLimit, limit);
    assert.equal(new Error('x').stack?.includes('\n    at '), true);
  });
});
