import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type LoadConfigOptions } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';

/** The ConfigError `options` raise. */
function configError(options: LoadConfigOptions): ConfigError {
  try {
    loadConfig(options);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.code, 'ERR_CONFIG_INVALID');
    return err;
  }
  assert.fail('the configuration was accepted');
}

/** A configuration error says which key, where its value came from, and the value; never a secret. */
describe('configuration: where an invalid value came from', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'pivot-conf-errors-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  it('an environment variable: the key, the variable and its text as given', () => {
    const err = configError({ file: undefined, env: { PIVOT_ESL_PORT: 'abc' } });
    assert.match(err.message, /esl\.port: .*PIVOT_ESL_PORT="abc"/);
    assert.deepEqual(err.problems.map((p) => [p.key, p.env, p.file]), [['esl.port', 'PIVOT_ESL_PORT', undefined]]);
  });

  it('a value of the file: the key, the file and the value', () => {
    const path = file('config.json', JSON.stringify({ esl: { port: 99999 } }));
    const err = configError({ file: path, env: {} });
    assert.ok(err.message.includes(`esl.port: ports must be within range 0 - 65535 (in ${path}: 99999)`), err.message);
    assert.deepEqual(err.problems.map((p) => [p.key, p.env, p.file]), [['esl.port', undefined, path]]);
  });

  it('the environment wins over the file, so the variable is named, not the file', () => {
    const path = file('config.json', JSON.stringify({ esl: { port: 8090 } }));
    const err = configError({ file: path, env: { PIVOT_ESL_PORT: '-1' } });
    assert.match(err.message, /PIVOT_ESL_PORT="-1"/);
    assert.ok(!err.message.includes(path), err.message);
  });

  it('every invalid key at once, each with its source', () => {
    const path = file('config.json', JSON.stringify({ log: { level: 'loud' }, esl: { prot: 1 } }));
    const err = configError({ file: path, env: { PIVOT_ADMIN_PORT: 'x' } });
    assert.deepEqual(err.problems.map((p) => p.key), ['admin.port', 'log.level', 'esl.prot']);
    assert.ok(err.message.includes(`esl.prot: is not a configuration key (in ${path}: 1)`), err.message);
  });

  it('a file that is not JSON is named, with the line and column, without quoting it', () => {
    const path = file('broken.json', '{\n  "park": {\n    "password": "hunter2" "marker": "x"\n  }\n}\n');
    const err = configError({ file: path, env: {} });
    assert.ok(err.message.includes(path), err.message);
    assert.match(err.message, /not valid JSON: .*line 3, column 27/);
    assert.ok(!err.message.includes('hunter2'), err.message);

    const bare = file('bare.json', '{"park": {"password": hunter2}}');
    const second = configError({ file: bare, env: {} });
    assert.ok(second.message.includes(bare), second.message);
    assert.ok(!second.message.includes('hunter2'), second.message);
  });

  it('a file that cannot be read, or holds no object, is named', () => {
    const missing = join(dir, 'missing.json');
    assert.match(configError({ file: missing, env: {} }).message, new RegExp(`${missing}: ENOENT`));
    const list = file('list.json', '[]');
    assert.ok(configError({ file: list, env: {} }).message.includes(list));
    assert.ok(configError({ file: undefined, env: { PIVOT_CONFIG: missing } }).message.includes(missing));
  });

  it('never prints a secret: sensitive keys, passwords in lists, URL passwords and secret query values', () => {
    const fromEnv = configError({ file: undefined, env: { PIVOT_PARK_PASSWORD: 'hunter2\nmore' } });
    assert.match(fromEnv.message, /park\.password: .*PIVOT_PARK_PASSWORD=\[redacted\]/);
    assert.ok(!fromEnv.message.includes('hunter2'), fromEnv.message);

    const nodes = file('nodes.json', JSON.stringify({ park: { nodes: [{ host: 'fs1', port: 99999, password: 'hunter2' }] } }));
    const fromFile = configError({ file: nodes, env: {} });
    assert.match(fromFile.message, /park\.nodes: .*"password":"\[redacted\]"/);
    assert.ok(!fromFile.message.includes('hunter2'), fromFile.message);

    const nodesEnv = configError({ file: undefined,
      env: { PIVOT_PARK_NODES: '[{"host":"fs1","port":0,"password":"hunter2"}]' } });
    assert.match(nodesEnv.message, /PIVOT_PARK_NODES=/);
    assert.ok(!nodesEnv.message.includes('hunter2'), nodesEnv.message);

    const url = configError({ file: undefined, env: { PIVOT_VOICE_URL: 'ftp://app:hunter2@example.com/voice?token=hunter3' } });
    assert.match(url.message, /call\.voiceUrl: .*PIVOT_VOICE_URL="ftp:\/\/app:\[redacted\]@example\.com\/voice/);
    assert.ok(!url.message.includes('hunter2') && !url.message.includes('hunter3'), url.message);

    const tokens = file('tokens.json', JSON.stringify({ webhook: { accountAuthTokens: [{ accountSid: 'AC1', authToken: '' }] } }));
    const sensitive = configError({ file: tokens, env: {} });
    assert.ok(sensitive.message.includes(`webhook.accountAuthTokens: each entry needs an accountSid and a non-empty authToken (in ${tokens}: [redacted])`),
      sensitive.message);

    const unknown = file('unknown.json', JSON.stringify({ webhook: { secretToken: 'hunter2' } }));
    const undeclared = configError({ file: unknown, env: {} });
    assert.match(undeclared.message, /webhook\.secretToken: is not a configuration key/);
    assert.ok(!undeclared.message.includes('hunter2'), undeclared.message);
  });
});
