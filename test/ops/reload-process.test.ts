import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerProcess } from './server-process.js';

/** SIGHUP reloads the configuration without a restart; a bad file changes nothing. */
describe('reload: SIGHUP in a child process', () => {
  let dir: string;
  let server: ServerProcess | undefined;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'pivot-reload-')); });
  afterEach(() => {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('changes the log level; a bad file is logged with its key and the old configuration kept', async () => {
    const config = join(dir, 'config.json');
    const write = (conf: unknown): void => writeFileSync(config, JSON.stringify(conf));
    write({ esl: { port: 0 }, admin: { port: 0 }, log: { level: 'info' } });
    server = new ServerProcess(config);
    await server.ports();
    assert.ok(!server.lines.some((l) => l.level === 'debug'));

    write({ esl: { port: 0 }, admin: { port: 0 }, log: { level: 'debug' } });
    server.signal('SIGHUP');
    const reloaded = await server.waitFor((l) => l.msg === 'configuration reloaded');
    assert.equal(reloaded['logLevel'], 'debug');
    await server.waitFor((l) => l.level === 'debug', 5000, 'a debug line');

    write({ esl: { port: 0 }, admin: { port: 0 }, log: { level: 'loud' } });
    server.signal('SIGHUP');
    const refused = await server.waitFor((l) => l.code === 'ERR_CONFIG_RELOAD');
    assert.equal(refused.level, 'error');
    assert.match(String(refused['err']), /log\.level/);

    write({ esl: { port: 9 }, admin: { port: 0 }, log: { level: 'warn' } });
    server.signal('SIGHUP');
    const second = await server.waitFor((l) => l.msg === 'configuration reloaded' && l['logLevel'] === 'warn');
    assert.deepEqual(second['restartNeeded'], ['esl']);

    server.signal('SIGTERM');
    assert.equal(await server.exited, 0);
  });
});
