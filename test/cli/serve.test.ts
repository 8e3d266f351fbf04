import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from './cli-process.js';

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));
/** Preloaded to record every module a process loads (see test/support/module-recorder.ts). */
const RECORDER = fileURLToPath(new URL('../support/module-recorder.js', import.meta.url));

/** Starts `node <args>`, waits for the server's listening line, stops it with SIGTERM; resolves with what it did. */
function serveOnce(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; listening: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], { env: { PATH: process.env['PATH'] ?? '', ...env } });
    let out = '';
    let listening: Record<string, unknown> | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start and stop in time:\n${out}`));
    }, 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (listening !== undefined) return;
      const line = out.split('\n').find((l) => l.includes('event socket server listening'));
      if (line === undefined) return;
      listening = JSON.parse(line) as Record<string, unknown>;
      child.kill('SIGTERM');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (listening === undefined) reject(new Error(`exited (${String(code)}) before listening:\n${out}`));
      else resolve({ code, listening });
    });
  });
}

/** `pivot-esl serve` and `npm start` (dist/src/main.js) run the same server. */
describe('cli: serve', () => {
  let dir: string;
  let config: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pivot-serve-'));
    config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ esl: { host: '127.0.0.1', port: 0 }, admin: { port: 0 }, log: { level: 'info' } }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('pivot-esl serve --config <file>: listens, and SIGTERM stops it with exit 0', async () => {
    const { code, listening } = await serveOnce([CLI, 'serve', '--config', config], {});
    assert.equal(code, 0);
    assert.equal(listening['host'], '127.0.0.1');
    assert.equal(typeof listening['port'], 'number');
  });

  it('pivot-esl serve loads neither the simulator nor the demo', async () => {
    const loaded = join(dir, 'loaded-modules.txt');
    const { code } = await serveOnce(['--import', RECORDER, CLI, 'serve', '--config', config],
      { PIVOT_TEST_LOADED_MODULES: loaded });
    assert.equal(code, 0);
    const urls = readFileSync(loaded, 'utf8').split('\n').filter((url) => url !== '');
    const own = urls.filter((url) => url.includes('/dist/src/'));
    // The record is complete: the server's own modules are in it.
    assert.ok(own.some((url) => url.endsWith('/dist/src/server/serve-process.js')), own.join('\n'));
    assert.ok(own.some((url) => url.endsWith('/dist/src/esl/outbound-server.js')), own.join('\n'));
    assert.deepEqual(own.filter((url) => /\/dist\/src\/(sim|demo)\//.test(url)), []);
  });

  it('main.js (npm start) with PIVOT_CONFIG: the same', async () => {
    const { code, listening } = await serveOnce([MAIN], { PIVOT_CONFIG: config });
    assert.equal(code, 0);
    assert.equal(listening['host'], '127.0.0.1');
  });

  it('a bad configuration: a fatal line with its code, exit 1', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ esl: { port: 'eighty' } }));
    const { code, err } = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'serve', '--config', bad], { stdio: ['ignore', 'ignore', 'pipe'] });
      let text = '';
      child.stderr.on('data', (c: Buffer) => { text += c.toString('utf8'); });
      child.once('exit', (c) => resolve({ code: c, err: text }));
    });
    assert.match(err, /"level":"fatal","code":"ERR_CONFIG_INVALID"/);
    assert.equal(code, 1);
  });
});
