import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The project root (this file is dist/test/package/pack.test.js). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface PackageJson {
  name: string;
  license?: string;
  private?: boolean;
  main?: string;
  types?: string;
  bin?: Record<string, string>;
  exports?: unknown;
}

/** Every file an `exports` map points to, whatever its conditions. */
function exportTargets(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (node && typeof node === 'object') return Object.values(node).flatMap(exportTargets);
  return [];
}

function normalise(path: string): string {
  return path.replace(/^\.\//, '');
}

/** What `npm publish` would ship: the compiled server, its declarations, conf/ and the documents; no test. */
describe('package: what npm pack ships', () => {
  let files: string[];
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
  before(async function () {
    this.timeout(60_000);
    // --ignore-scripts: no prepack build (dist/ is the one the tests run from).
    const { stdout } = await promisify(execFile)('npm',
      ['pack', '--dry-run', '--json', '--ignore-scripts', '--offline', '--no-update-notifier', '--loglevel=error'],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? ROOT } });
    const [report] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
    files = (report?.files ?? []).map((f) => f.path);
  });

  it('is publishable: an MIT license, not private', () => {
    assert.equal(pkg.license, 'MIT');
    assert.equal(pkg.private, undefined);
    assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /MIT License[\s\S]*the pivot-esl authors/);
  });

  it('ships no test, fixture, benchmark or TypeScript source', () => {
    const unwanted = files.filter((f) => /^(test|src|scripts|\.ci)\//.test(f) || /^dist\/(test|scripts)\//.test(f)
      || /(^|\/)fixtures\//.test(f) || /\.test\.(js|d\.ts|js\.map)$/.test(f) || f === 'tsconfig.json');
    assert.deepEqual(unwanted, []);
    assert.ok(files.every((f) => /^(dist\/src|conf)\//.test(f) || ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(f)),
      files.filter((f) => !/^(dist\/src|conf)\//.test(f)).join(', '));
  });

  it('ships the documents, the configuration files and the compiled server with its type declarations', () => {
    for (const path of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'conf/default.json', 'conf/production.json',
      'conf/README.md', 'conf/systemd/pivot-esl.service', 'dist/src/main.js', 'dist/src/index.js', 'dist/src/index.d.ts',
      'dist/src/server/running-server.d.ts', 'dist/src/call/rooms/queue-store.d.ts', 'dist/src/call/dial/endpoint-resolver.d.ts']) {
      assert.ok(files.includes(path), `${path} is shipped`);
    }
  });

  it('every file that exports, main, types and bin name exists after the build and is shipped', () => {
    const targets = [...exportTargets(pkg.exports), pkg.main ?? '', pkg.types ?? '', ...Object.values(pkg.bin ?? {})].map(normalise);
    assert.ok(targets.includes('dist/src/index.js') && targets.includes('dist/src/index.d.ts'), targets.join(', '));
    for (const target of targets) {
      assert.ok(existsSync(join(ROOT, target)), `${target} exists`);
      assert.ok(files.includes(target), `${target} is shipped`);
    }
  });
});
