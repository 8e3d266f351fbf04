import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { Service } from '../../src/server/running-server.js';
import { LogCapture } from '../support/harness.js';
import { ServerProcess } from './server-process.js';

const IS_ROOT = process.getuid?.() === 0;
/** Who a child server runs as when the spool must belong to someone else: nobody, when the tests run as root. */
const NOBODY = { uid: 65534, gid: 65534 };

/** A group this process may give a directory other than its own: any gid as root, else a supplementary group. */
function otherGroup(): number {
  const own = process.getgid?.() ?? 0;
  if (IS_ROOT) return own === 4242 ? 4243 : 4242;
  return process.getgroups?.().find((g) => g !== own) ?? own;
}

/**
 * Whether a child server running as nobody can load the server's code: every directory above it searchable by others
 * (a checkout under a private directory, such as one made by mktemp, is not).
 */
function othersCanLoadServer(): boolean {
  let at = dirname(fileURLToPath(import.meta.url));
  const { root } = parse(at);
  for (; at !== root; at = dirname(at)) {
    if ((statSync(at).mode & 0o001) === 0) return false;
  }
  return true;
}

function modeOf(path: string): number {
  return statSync(path).mode & 0o7777;
}

/** The recording spool, which FreeSWITCH (another user) writes and this server reads, gets a shared group and mode. */
describe('recording spool directory: group, mode, start-up check', () => {
  let dir: string;
  let service: Service | undefined;
  let child: ServerProcess | undefined;
  let logs: LogCapture;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pivot-spool-'));
    logs = new LogCapture();
  });
  afterEach(async () => {
    await service?.stop(0);
    service = undefined;
    child?.kill();
    child = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(record: Record<string, unknown>): Promise<Service> {
    const config = loadConfig({ file: undefined, env: {},
      overrides: { esl: { port: 0 }, admin: { enabled: false }, webhook: { debugDir: '' }, call: { record } } });
    service = new Service({ config, log: createLogger('info', logs), env: {} });
    await service.start();
    return service;
  }

  it('creates a missing spool setgid and group-writable (2770) by default, its new parents 0755', async () => {
    const spoolDir = join(dir, 'var', 'recordings');
    await start({ spoolDir });
    assert.equal(modeOf(spoolDir).toString(8), '2770');
    assert.equal(modeOf(join(dir, 'var')).toString(8), '755', 'FreeSWITCH can reach the spool');
    assert.equal(modeOf(join(spoolDir, 'queue')) & 0o077, 0, 'the queue of sidecars (upload URLs) stays private');
    assert.ok(logs.lines.some((l) => l.msg === 'recording spool directory ready' && l['mode'] === '2770'));
  });

  it('gives an existing spool of this server the configured group and mode', async () => {
    const spoolDir = join(dir, 'recordings');
    mkdirSync(spoolDir, { mode: 0o700 });
    const gid = otherGroup();
    await start({ spoolDir, spoolGroup: String(gid), spoolMode: '2750' });
    assert.equal(statSync(spoolDir).gid, gid);
    assert.equal(modeOf(spoolDir).toString(8), '2750');
    assert.equal(logs.lines.filter((l) => l.code === 'ERR_SPOOL_PERMISSIONS').length, 0);
  });

  it('refuses a group name that does not exist', async () => {
    await assert.rejects(start({ spoolDir: join(dir, 'recordings'), spoolGroup: 'no-such-group-pivot' }), (err: unknown) => {
      assert.equal((err as { code?: string }).code, 'ERR_SPOOL_UNUSABLE');
      assert.match((err as Error).message, /no-such-group-pivot/);
      return true;
    });
  });

  /** A configuration file a child server running as nobody can read. */
  function childConfig(spoolDir: string): string {
    chmodSync(dir, 0o755);
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ esl: { port: 0 }, admin: { port: 0 }, webhook: { debugDir: '' },
      call: { record: { spoolDir } } }));
    chmodSync(file, 0o644);
    return file;
  }

  it('a spool path that cannot be a directory stops the start: ERR_SPOOL_UNUSABLE', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    await assert.rejects(start({ spoolDir: join(blocker, 'recordings') }), (err: unknown) => {
      assert.equal((err as { code?: string }).code, 'ERR_SPOOL_UNUSABLE');
      assert.match((err as Error).message, /ENOTDIR/);
      return true;
    });
  });

  it('a spool the server cannot write stops the start: ERR_SPOOL_UNUSABLE, exit code 1', async function () {
    if (IS_ROOT && !othersCanLoadServer()) this.skip(); // the checkout is private: nobody cannot run the server
    // As root, a root-owned directory that nobody may not write; otherwise one this user neither owns nor may write.
    const spoolDir = IS_ROOT ? join(dir, 'root-only') : '/';
    if (IS_ROOT) mkdirSync(spoolDir, { mode: 0o755 });
    child = new ServerProcess(childConfig(spoolDir), IS_ROOT ? NOBODY : {});
    assert.equal(await child.exited, 1);
    const fatal = child.lines.find((l) => l.code === 'ERR_SPOOL_UNUSABLE');
    assert.ok(fatal, JSON.stringify(child.lines));
    assert.equal(fatal.level, 'fatal');
    assert.match(JSON.stringify(fatal), new RegExp(`${spoolDir === '/' ? 'directory / ' : spoolDir}.*cannot be written.*EACCES`));
    assert.ok(!child.lines.some((l) => l.msg === 'event socket server listening'), 'no call is taken');
  });

  it('a spool of another user with another mode is used as it is, with a warning', async function () {
    // Only root can hand the directory to another user, and nobody must be able to load the server's code.
    if (!IS_ROOT || !othersCanLoadServer()) this.skip();
    const spoolDir = join(dir, 'shared');
    mkdirSync(spoolDir);
    chmodSync(spoolDir, 0o777);
    child = new ServerProcess(childConfig(spoolDir), NOBODY);
    await child.ports();
    const warning = child.lines.find((l) => l.code === 'ERR_SPOOL_PERMISSIONS');
    assert.equal(warning?.level, 'warn');
    assert.equal(warning?.['mode'], '0777');
    assert.equal(warning?.['wantedMode'], '2770');
    assert.equal(modeOf(spoolDir), 0o777, 'not the server\'s to change');
    child.signal('SIGTERM');
    assert.equal(await child.exited, 0);
  });
});
