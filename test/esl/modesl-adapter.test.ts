import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join, relative } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../src/errors.js';
import type * as adapter from '../../src/esl/modesl-adapter.js';
import {
  assertModeslCompatible, type ConnectionDriver, describeMemberCheck, inspectInstalledModesl, MODESL_MEMBERS,
  openOutboundLink,
} from '../../src/esl/modesl-adapter.js';

/** The project root (this file is dist/test/esl/modesl-adapter.test.js). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const quietDriver: ConnectionDriver = { receive() {}, write() {}, connectAnswered() {}, socketError() {} };

/** modesl's own Connection.prototype, reached through a link (only the adapter imports modesl). */
function modeslConnectionPrototype(): Record<string, unknown> {
  const stream = new PassThrough();
  const link = openOutboundLink(stream as unknown as Socket, quietDriver);
  stream.destroy();
  return Object.getPrototypeOf(Object.getPrototypeOf(link)) as Record<string, unknown>;
}

/** A copy of the adapter module that has not been used yet (its check on first use has not run). */
let copies = 0;
async function unusedAdapter(): Promise<typeof adapter> {
  copies += 1;
  return (await import(`../../src/esl/modesl-adapter.js?unused=${copies}`)) as typeof adapter;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the modesl adapter', () => {
  describe('every member it relies on is in the installed modesl', () => {
    const checks = inspectInstalledModesl();
    for (const member of MODESL_MEMBERS) {
      it(`${member.owner}.${member.name} (${member.kind})`, () => {
        const check = checks.find((c) => c.member === member);
        assert.ok(check, `${member.owner}.${member.name} was not inspected`);
        assert.equal(check.found, member.kind, `the installed modesl lacks ${describeMemberCheck(check)}`);
      });
    }
  });

  it('inspection sees a member missing from modesl, on modesl\'s own class rather than the adapter\'s override', () => {
    const proto = modeslConnectionPrototype();
    const saved = proto['_onConnect'];
    delete proto['_onConnect'];
    try {
      const check = inspectInstalledModesl().find((c) => c.member.name === '_onConnect');
      assert.equal(check?.found, 'missing');
    } finally {
      proto['_onConnect'] = saved;
    }
  });

  it('the check names each missing member in an ERR_ESL_MODESL_INCOMPATIBLE error', () => {
    const checks = inspectInstalledModesl().map((c) =>
      c.member.name === 'cmdCallbackQueue' || c.member.name === '_onConnection' ? { ...c, found: 'missing' as const } : c);
    assert.throws(() => assertModeslCompatible(checks), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, 'ERR_ESL_MODESL_INCOMPATIBLE');
      assert.match(err.message, /Connection instance\.cmdCallbackQueue \(expected array, found missing\)/);
      assert.match(err.message, /Server\.prototype\._onConnection \(expected function, found missing\)/);
      return true;
    });
    assert.doesNotThrow(() => assertModeslCompatible(inspectInstalledModesl()));
  });

  it('refuses its first use, naming the member, when the installed modesl lacks one', async () => {
    const proto = modeslConnectionPrototype();
    const saved = proto['subscribe'];
    delete proto['subscribe'];
    const server = createServer();
    try {
      const fresh = await unusedAdapter();
      assert.throws(() => fresh.openOutboundLink(new PassThrough() as unknown as Socket, quietDriver), (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.equal(err.code, 'ERR_ESL_MODESL_INCOMPATIBLE');
        assert.match(err.message, /Connection\.prototype\.subscribe \(expected function, found missing\)/);
        return true;
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      assert.throws(() => fresh.serveWithModesl(server, () => undefined), /Connection\.prototype\.subscribe/);
    } finally {
      proto['subscribe'] = saved;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('is the only file that imports modesl', () => {
    const importers = sourceFiles(join(ROOT, 'src'))
      .filter((path) => /from\s+'modesl'|import\s*\(\s*'modesl'\s*\)|require\(\s*'modesl'\s*\)/.test(readFileSync(path, 'utf8')))
      .map((path) => relative(ROOT, path));
    assert.deepEqual(importers, ['src/esl/modesl-adapter.ts']);
  });

  it('modesl is pinned to one exact version, the one installed and locked', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as
      { packages: Record<string, { version?: string; dependencies?: Record<string, string> }> };
    const installed = JSON.parse(readFileSync(join(ROOT, 'node_modules/modesl/package.json'), 'utf8')) as { version: string };
    const wanted = pkg.dependencies['modesl'];
    assert.match(wanted ?? '', /^\d+\.\d+\.\d+$/, 'an exact version, no range');
    assert.equal(lock.packages['']?.dependencies?.['modesl'], wanted);
    assert.equal(lock.packages['node_modules/modesl']?.version, wanted);
    assert.equal(installed.version, wanted);
  });
});
