import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONF_DIR, loadConfig, walk } from '../src/config/index.js';
import { schema } from '../src/config/schema.js';
import { ConfigError } from '../src/errors.js';

function tempFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'pivot-conf-')), 'conf.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('configuration', () => {
  it('has defaults: loopback listener on 8084, loopback sources only', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.esl.host, '127.0.0.1');
    assert.equal(config.esl.port, 8084);
    assert.deepEqual(config.esl.allowedSources, ['127.0.0.0/8', '::1/128']);
    assert.equal(config.log.level, 'info');
  });

  it('takes a file, and environment variables over the file', () => {
    const file = tempFile({ esl: { port: 9000, host: '127.0.0.2' } });
    const config = loadConfig({ file, env: { PIVOT_ESL_PORT: '9100', PIVOT_ESL_ALLOWED_SOURCES: '10.1.2.3, 10.9.0.0/16' } });
    assert.equal(config.esl.port, 9100);
    assert.equal(config.esl.host, '127.0.0.2');
    assert.deepEqual(config.esl.allowedSources, ['10.1.2.3', '10.9.0.0/16']);
  });

  it('reads PIVOT_ESL_HOST and PIVOT_CONFIG', () => {
    const file = tempFile({ log: { level: 'warn' } });
    const config = loadConfig({ env: { PIVOT_CONFIG: file, PIVOT_ESL_HOST: '::1' } });
    assert.equal(config.esl.host, '::1');
    assert.equal(config.log.level, 'warn');
  });

  const bad: Array<[string, Parameters<typeof loadConfig>[0], RegExp]> = [
    ['a port out of range', { env: { PIVOT_ESL_PORT: '99999' } }, /esl\.port/],
    ['a port that is not a number', { env: { PIVOT_ESL_PORT: 'eighty' } }, /esl\.port/],
    ['a source that is not an address', { env: { PIVOT_ESL_ALLOWED_SOURCES: '127.0.0.1,freeswitch.local' } }, /esl\.allowedSources/],
    ['a CIDR prefix too long', { env: { PIVOT_ESL_ALLOWED_SOURCES: '10.0.0.0/33' } }, /esl\.allowedSources/],
    ['an unknown log level', { env: { PIVOT_LOG_LEVEL: 'loud' } }, /log\.level/],
    ['a grace over 100 ms', { overrides: { esl: { completeGraceMs: 500 } } }, /esl\.completeGraceMs/],
    ['an unknown key in the file', { file: tempFile({ esl: { prot: 1 } }) }, /esl\.prot/],
  ];
  for (const [what, options, key] of bad) {
    it(`refuses ${what}, naming the key`, () => {
      assert.throws(() => loadConfig({ env: {}, ...options }), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.code, 'ERR_CONFIG_INVALID');
        assert.match(err.message, key);
        return true;
      });
    });
  }

  it('documents every key and environment variable in conf/README.md', () => {
    const doc = readFileSync(join(CONF_DIR, 'README.md'), 'utf8');
    let keys = 0;
    walk(schema, [], (path, entry) => {
      keys++;
      assert.ok(doc.includes(`\`${path.join('.')}\``), `conf/README.md lacks ${path.join('.')}`);
      if (typeof entry['env'] === 'string') assert.ok(doc.includes(`\`${entry['env']}\``), `conf/README.md lacks ${entry['env']}`);
    });
    assert.ok(keys >= 14);
  });

  it('ships a conf/production.json that loads: private networks denied, a durable spool, debug logs', () => {
    const config = loadConfig({ file: join(CONF_DIR, 'production.json'), env: {} });
    assert.equal(config.webhook.denyPrivateNetworks, true);
    assert.equal(config.call.record.spoolDir, '/var/spool/pivot-esl/recordings');
    assert.ok(config.call.record.delivery.maxAttempts > 1);
    assert.ok(config.esl.handlerGraceMs >= config.call.record.uploadTimeoutMs + config.webhook.timeoutMs,
      'a recording upload and its action fit in the handler grace');
    assert.equal(config.log.level, 'info');
  });

  it('reads the auth token from PIVOT_AUTH_TOKEN too; PIVOT_WEBHOOK_AUTH_TOKEN wins', () => {
    assert.equal(loadConfig({ env: { PIVOT_AUTH_TOKEN: 'a' } }).webhook.authToken, 'a');
    assert.equal(loadConfig({ env: { PIVOT_AUTH_TOKEN: 'a', PIVOT_WEBHOOK_AUTH_TOKEN: 'b' } }).webhook.authToken, 'b');
  });

  it('refuses bad status callback events and account limits, naming the key', () => {
    assert.throws(() => loadConfig({ env: {}, overrides: { call: { statusCallback: { events: ['hungup'] } } } }), /call\.statusCallback\.events/);
    assert.throws(() => loadConfig({ env: {}, overrides: { call: { limits: { accounts: [{ accountSid: 'AC1', maxCalls: -1 }] } } } }),
      /call\.limits\.accounts/);
  });

  it('ships a conf/default.json that loads', () => {
    const config = loadConfig({ file: join(CONF_DIR, 'default.json'), env: {} });
    assert.equal(config.esl.port, 8084);
  });
});
