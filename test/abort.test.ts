import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { abortOrTimeout } from '../src/util/abort.js';

describe('abortOrTimeout', () => {
  it('aborts with the source signal, and leaves no listener on it once disposed', () => {
    const source = new AbortController();
    const limit = abortOrTimeout(source.signal, 60_000);
    assert.equal(getEventListeners(source.signal, 'abort').length, 1);
    source.abort(new Error('stop'));
    assert.equal(limit.signal.aborted, true);
    assert.match(String((limit.signal.reason as Error).message), /stop/);
    limit.dispose();

    const other = new AbortController();
    const unused = abortOrTimeout(other.signal, 60_000);
    unused.dispose();
    assert.equal(getEventListeners(other.signal, 'abort').length, 0);
    assert.equal(unused.signal.aborted, false);
  });

  it('aborts with a TimeoutError after the time limit', async () => {
    const limit = abortOrTimeout(new AbortController().signal, 5);
    await new Promise((resolve) => limit.signal.addEventListener('abort', resolve, { once: true }));
    assert.equal((limit.signal.reason as DOMException).name, 'TimeoutError');
    limit.dispose();
  });
});
