/**
 * The Calls API in the whole server: built by the composition root when api.enabled, listening once the server
 * has started (its address in the startup log), answering with the tokens of the configuration in force (a reload
 * applies at once), and closed with the server. The calls service is a MemoryCallsService.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { AppError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { Service } from '../../src/server/running-server.js';
import { FAST_ESL, LogCapture } from '../support/harness.js';
import { ACCOUNT_A, basic, raw } from './api-support.js';
import { MemoryCallsService } from './memory-calls-service.js';

describe('Calls API in the server', () => {
  let spoolDir: string;
  let service: Service | undefined;
  beforeEach(() => {
    spoolDir = mkdtempSync(join(tmpdir(), 'pivot-api-'));
  });
  afterEach(async () => {
    await service?.stop(0);
    service = undefined;
    rmSync(spoolDir, { recursive: true, force: true });
  });

  function configWith(env: NodeJS.ProcessEnv, api: Record<string, unknown>): ReturnType<typeof loadConfig> {
    return loadConfig({ file: undefined, env, overrides: {
      esl: { port: 0, ...FAST_ESL }, admin: { enabled: false }, api, call: { record: { spoolDir } } } });
  }

  it('starts with the server when api.enabled, logs its address, follows reloaded tokens, and closes with it', async () => {
    const env: NodeJS.ProcessEnv = { PIVOT_AUTH_TOKEN: 'first-token' };
    const config = configWith(env, { enabled: true, port: 0 });
    const logs = new LogCapture();
    const calls = new MemoryCallsService();
    service = new Service({ config, log: createLogger('info', logs), env, callsService: calls });
    await service.start();
    const port = service.apiAddress?.port;
    assert.ok(port !== undefined && port > 0);
    const listening = logs.lines.find((l) => l.msg === 'calls api listening');
    assert.equal(listening?.['port'], port);
    assert.equal(listening?.['host'], '127.0.0.1');
    const origin = `http://127.0.0.1:${port}`;
    const path = `/2010-04-01/Accounts/${ACCOUNT_A}/Calls.json`;
    assert.equal((await raw(origin, path, { headers: { authorization: basic(ACCOUNT_A, 'first-token') } })).status, 200);

    env['PIVOT_AUTH_TOKEN'] = 'second-token';
    assert.equal(service.reload(), true);
    assert.equal((await raw(origin, path, { headers: { authorization: basic(ACCOUNT_A, 'first-token') } })).status, 401);
    assert.equal((await raw(origin, path, { headers: { authorization: basic(ACCOUNT_A, 'second-token') } })).status, 200);

    await service.stop(0);
    await assert.rejects(fetch(`${origin}${path}`), 'nothing listens once the server has stopped');
  });

  it('is not built when api.enabled is false', async () => {
    service = new Service({ config: configWith({}, { enabled: false }), log: createLogger('silent'), env: {},
      callsService: new MemoryCallsService() });
    await service.start();
    assert.equal(service.apiAddress, undefined);
  });

  it('api.enabled without a calls service serves the server\'s own: its calls, none yet', async () => {
    const env: NodeJS.ProcessEnv = { PIVOT_AUTH_TOKEN: 'the-token' };
    service = new Service({ config: configWith(env, { enabled: true, port: 0 }), log: createLogger('silent'), env });
    await service.start();
    const origin = `http://127.0.0.1:${service.apiAddress?.port ?? 0}`;
    const listed = await raw(origin, `/2010-04-01/Accounts/${ACCOUNT_A}/Calls.json`,
      { headers: { authorization: basic(ACCOUNT_A, 'the-token') } });
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.json['calls'], []);
  });

  it('a port in use stops the start with ERR_API_LISTEN', async () => {
    const first = new Service({ config: configWith({}, { enabled: true, port: 0 }), log: createLogger('silent'), env: {},
      callsService: new MemoryCallsService() });
    await first.start();
    try {
      service = new Service({ config: configWith({}, { enabled: true, port: first.apiAddress?.port }), log: createLogger('silent'),
        env: {}, callsService: new MemoryCallsService() });
      await assert.rejects(service.start(), (err: unknown) => err instanceof AppError && err.code === 'ERR_API_LISTEN');
    } finally {
      await first.stop(0);
    }
  });
});
