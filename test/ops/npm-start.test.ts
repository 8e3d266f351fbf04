import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '../support/harness.js';
import { ServerProcess } from './server-process.js';

/** The project root (this file is dist/test/ops/npm-start.test.js). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The processes below `pid`, from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: the command name may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended while the table was read.
    }
  }
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once a TCP connection to the loopback port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/**
 * `npm start` under a supervisor that signals npm's own pid: npm runs the script through `sh -c` and forwards
 * SIGTERM to that shell only, so the server must be what the shell runs (exec), not a child the shell leaves behind.
 */
describe('npm start: signals sent to npm reach the server', () => {
  let dir: string;
  let npm: ServerProcess | undefined;
  let tree: number[] = [];
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'pivot-npm-start-')); });
  afterEach(() => {
    npm?.kill();
    npm = undefined;
    for (const pid of tree) if (alive(pid)) process.kill(pid, 'SIGKILL');
    tree = [];
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGTERM to npm: the server drains and exits, its ports are free', async function () {
    if (!existsSync('/proc/self/stat')) this.skip(); // the process tree is read from /proc
    this.timeout(30_000);
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ esl: { port: 0 }, admin: { port: 0 }, server: { drainMs: 0 },
      webhook: { debugDir: '' }, call: { record: { spoolDir: join(dir, 'spool') } } }));
    // As a supervisor would run it; --ignore-scripts skips the prestart build (dist/ is built already).
    npm = new ServerProcess(config, {
      command: ['npm', 'start', '--ignore-scripts', '--no-update-notifier', '--offline', '--loglevel=warn'],
      cwd: ROOT, env: { HOME: process.env['HOME'] ?? dir },
    });
    const ports = await npm.ports();
    const pid = npm.child.pid ?? 0;
    tree = descendants(pid);
    assert.ok(tree.length > 0, 'npm runs the server below it');

    npm.signal('SIGTERM');
    await npm.exited;
    await eventually(() => tree.every((p) => !alive(p)), 10_000, `the processes npm started to end: ${tree.join(', ')}`);
    assert.ok(npm.lines.some((l) => l.msg === 'stopped'), 'the server drained and stopped');
    assert.equal(await refused(ports.esl), true, 'the Event Socket port is free');
    assert.equal(await refused(ports.admin), true, 'the admin port is free');
  });
});
