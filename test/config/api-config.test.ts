import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/index.js';
import { restartNeeded } from '../../src/config/reload-keys.js';
import { ConfigError } from '../../src/errors.js';

/** The api.* keys of the Calls API: their defaults, environment variables and checks. */
describe('configuration: api.*', () => {
  it('defaults: off, 127.0.0.1:8086, no nodes of its own (the park-watcher\'s), 64 KiB bodies, a bounded history', () => {
    const { api } = loadConfig({ file: undefined, env: {} });
    assert.deepEqual(api, { enabled: false, host: '127.0.0.1', port: 8086, nodes: [], maxBodyBytes: 65_536,
      history: { maxCalls: 10_000, maxAgeMs: 3_600_000 } });
  });

  it('PIVOT_API_ENABLED, PIVOT_API_HOST, PIVOT_API_PORT and PIVOT_API_NODES override the file', () => {
    const { api } = loadConfig({
      file: undefined,
      env: { PIVOT_API_ENABLED: 'yes', PIVOT_API_HOST: '0.0.0.0', PIVOT_API_PORT: '9100', PIVOT_API_NODES: '10.0.0.5:8021,[::1]' },
      overrides: { api: { enabled: false, host: '127.0.0.2', port: 9000 } },
    });
    assert.equal(api.enabled, true);
    assert.equal(api.host, '0.0.0.0');
    assert.equal(api.port, 9100);
    assert.deepEqual(api.nodes, [{ host: '10.0.0.5', port: 8021 }, { host: '::1' }]);
  });

  it('api.nodes takes the park.nodes form, passwords included', () => {
    const nodes = [{ host: 'fs1.example', port: 8021, password: 'secret' }, { host: '10.0.0.6' }];
    assert.deepEqual(loadConfig({ file: undefined, env: {}, overrides: { api: { nodes } } }).api.nodes, nodes);
  });

  const invalid: Array<[string, Record<string, unknown>, Record<string, string>]> = [
    ['a port out of range', {}, { PIVOT_API_PORT: '70000' }],
    ['a node without a host', { api: { nodes: [{ port: 8021 }] } }, {}],
    ['a node password on two lines', { api: { nodes: [{ host: 'fs1', password: 'a\nb' }] } }, {}],
    ['a body limit under 1 KiB', { api: { maxBodyBytes: 100 } }, {}],
    ['a negative history age', { api: { history: { maxAgeMs: -1 } } }, {}],
    ['a flag that is not a boolean', {}, { PIVOT_API_ENABLED: 'enabled' }],
  ];
  for (const [what, overrides, env] of invalid) {
    it(`refuses ${what}, naming the api key`, () => {
      assert.throws(() => loadConfig({ file: undefined, env, overrides }), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.ok(err.problems.some((p) => p.key.startsWith('api.')), err.message);
        return true;
      });
    });
  }

  it('a node password is never shown in the error', () => {
    assert.throws(() => loadConfig({ file: undefined, env: {},
      overrides: { api: { nodes: [{ host: 'bad host', password: 'do-not-show' }] } } }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.ok(!err.message.includes('do-not-show'), err.message);
      return true;
    });
  });

  it('the api section only changes with a restart (its listener is bound at start)', () => {
    const running = loadConfig({ file: undefined, env: {} });
    const next = loadConfig({ file: undefined, env: { PIVOT_API_PORT: '9200' } });
    assert.deepEqual(restartNeeded(running, next), ['api']);
  });
});
