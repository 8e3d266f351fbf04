import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/index.js';
import { configInForce, restartNeeded } from '../../src/config/reload-keys.js';
import { ConfigError } from '../../src/errors.js';

/** The cluster.redis.* keys: their defaults, environment variables and checks. */
describe('configuration: cluster.redis.*', () => {
  it('defaults: no Redis (every store in process), the pivot: prefix, bounded waits and leases', () => {
    const { cluster } = loadConfig({ file: undefined, env: {} });
    assert.deepEqual(cluster.redis, { url: '', prefix: 'pivot:', commandTimeoutMs: 500, reconnectMinMs: 100,
      reconnectMaxMs: 5000, leaseMs: 30_000 });
  });

  it('PIVOT_REDIS_URL and PIVOT_REDIS_PREFIX override the file', () => {
    const { cluster } = loadConfig({ file: undefined,
      env: { PIVOT_REDIS_URL: 'rediss://:pw@redis.example.net:6380/1', PIVOT_REDIS_PREFIX: 'eu1:' },
      overrides: { cluster: { redis: { url: 'redis://127.0.0.1', prefix: 'x:' } } } });
    assert.equal(cluster.redis.url, 'rediss://:pw@redis.example.net:6380/1');
    assert.equal(cluster.redis.prefix, 'eu1:');
  });

  for (const url of ['http://secret@redis.example.net', 'secret-redis.example.net:6379', 'redis://:secret@']) {
    it(`refuses the URL ${url}, without showing it`, () => {
      assert.throws(() => loadConfig({ file: undefined, env: { PIVOT_REDIS_URL: url } }), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.ok(err.problems.some((p) => p.key === 'cluster.redis.url'), err.message);
        assert.ok(!err.message.includes('secret'), err.message);
        return true;
      });
    });
  }

  it('the cluster section only changes with a restart (the connection is built at start)', () => {
    const running = loadConfig({ file: undefined, env: {} });
    const next = loadConfig({ file: undefined, env: { PIVOT_REDIS_URL: 'redis://10.0.0.9' } });
    assert.deepEqual(restartNeeded(running, next), ['cluster']);
    assert.equal(configInForce(running, next).cluster.redis.url, '');
  });
});
