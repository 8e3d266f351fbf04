import assert from 'node:assert/strict';
import { Backoff, HandoffRegistry } from '../../src/park/index.js';

describe('park-watcher: hand-off registry and backoff', () => {
  it('claims a call once, until it is forgotten or its time to live passes', () => {
    let now = 1000;
    const registry = new HandoffRegistry(500, () => now);
    assert.equal(registry.claim('a'), true);
    assert.equal(registry.claim('a'), false);
    now += 200;
    assert.equal(registry.claim('b'), true);
    registry.forget('b');
    assert.equal(registry.claim('b'), true);
    now += 400;
    assert.equal(registry.has('a'), false, 'a expired after 500 ms');
    assert.equal(registry.has('b'), true);
    assert.equal(registry.claim('a'), true);
    assert.equal(registry.size, 2);
  });

  it('doubles the wait up to the maximum, and starts over after a success', () => {
    const backoff = new Backoff(100, 1000);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => backoff.next()), [100, 200, 400, 800, 1000, 1000]);
    backoff.reset();
    assert.equal(backoff.peek(), 100);
    assert.equal(backoff.next(), 100);
  });
});
