import assert from 'node:assert/strict';
import { loadConfig, walk } from '../../src/config/index.js';
import { schema } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';

/** Every boolean key of the schema: its dotted path, environment variable and default. */
function booleanKeys(): Array<{ key: string; env: string | undefined; format: unknown }> {
  const keys: Array<{ key: string; env: string | undefined; format: unknown }> = [];
  walk(schema, [], (path, entry) => {
    if (typeof entry['default'] === 'boolean') {
      keys.push({ key: path.join('.'), env: typeof entry['env'] === 'string' ? entry['env'] : undefined, format: entry['format'] });
    }
  });
  return keys;
}

function valueAt(config: object, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], config);
}

/** Boolean settings given through the environment mean what they say, and anything else is refused. */
describe('configuration: boolean environment variables', () => {
  const keys = booleanKeys();

  it('finds the boolean keys, each with an environment variable and the strict format', () => {
    assert.deepEqual(keys.map((k) => k.key).sort(), ['admin.enabled', 'api.enabled', 'park.enabled', 'webhook.denyPrivateNetworks']);
    for (const { key, env, format } of keys) {
      assert.equal(format, 'flag', `${key} uses the strict boolean format`);
      assert.ok(env, `${key} has an environment variable`);
    }
  });

  const spellings: Array<[string, boolean]> = [
    ['true', true], ['TRUE', true], ['1', true], ['yes', true], ['Yes', true], ['on', true], [' ON ', true],
    ['false', false], ['False', false], ['0', false], ['no', false], ['NO', false], ['off', false], ['\toff\n', false],
  ];
  for (const { key, env } of booleanKeys()) {
    it(`${env}: true/false, 1/0, yes/no, on/off in any case, spaces trimmed`, () => {
      for (const [text, expected] of spellings) {
        const config = loadConfig({ file: undefined, env: { [env ?? '']: text } });
        assert.equal(valueAt(config, key), expected, `${env}=${JSON.stringify(text)}`);
      }
    });

    it(`${env}: anything else is refused, naming the variable and the value`, () => {
      for (const text of ['nope', '2', 'y', 'enabled', '', ' ']) {
        assert.throws(() => loadConfig({ file: undefined, env: { [env ?? '']: text } }), (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.equal(err.code, 'ERR_CONFIG_INVALID');
          assert.ok(err.message.includes(key), err.message);
          assert.ok(err.message.includes(`${env}=${JSON.stringify(text)}`), err.message);
          assert.deepEqual(err.problems.map((p) => [p.key, p.env]), [[key, env]]);
          return true;
        }, `${env}=${JSON.stringify(text)}`);
      }
    });
  }
});
