import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config/index.js';
import { ServerProcess } from './server-process.js';

/** The project root (this file is dist/test/ops/runtime-layout.test.js). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILD_RUNTIME = 'scripts/build-runtime.sh';

interface DockerStep { readonly instruction: string; readonly args: string }

/** The Dockerfile's instructions, continuation lines joined, comments left out. */
function dockerSteps(text: string): DockerStep[] {
  const joined = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n').replace(/\\\n/g, ' ');
  return joined.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const space = l.search(/\s/);
    return { instruction: l.slice(0, space).toUpperCase(), args: l.slice(space + 1).trim() };
  });
}

/** The stages of a Dockerfile: the image of each FROM and the steps after it. */
function dockerStages(steps: readonly DockerStep[]): Array<{ image: string; name?: string; steps: DockerStep[] }> {
  const stages: Array<{ image: string; name?: string; steps: DockerStep[] }> = [];
  for (const step of steps) {
    if (step.instruction === 'FROM') {
      const [image = '', as, name] = step.args.split(/\s+/);
      stages.push({ image, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), steps: [] });
    } else {
      stages.at(-1)?.steps.push(step);
    }
  }
  return stages;
}

/** The `key=value` settings of a systemd unit (a key given twice keeps every value). */
function unitSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) settings.set(m[1], [...(settings.get(m[1]) ?? []), m[2]]);
  }
  return settings;
}

/** Whether `version` (x.y.z) is in an npm range made of `^x.y.z` and `>=x.y.z` alternatives. */
function satisfies(version: string, range: string): boolean {
  const parts = (v: string): number[] => v.split('.').map(Number);
  const compare = (a: number[], b: number[]): number => (a[0]! - b[0]!) || (a[1]! - b[1]!) || (a[2]! - b[2]!);
  const v = parts(version);
  return range.split('||').map((r) => r.trim()).some((r) => {
    if (r.startsWith('>=')) return compare(v, parts(r.slice(2))) >= 0;
    if (r.startsWith('^')) {
      const low = parts(r.slice(1));
      return v[0] === low[0] && compare(v, low) >= 0;
    }
    throw new Error(`range form not handled here: ${r}`);
  });
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir.replace(/\/+$/, '')}/`);
}

/**
 * The deployment files describe one layout: the Dockerfile and the systemd unit both build it with
 * scripts/build-runtime.sh and run `node dist/src/main.js` in it. The layout is built here, without Docker.
 */
describe('deployment: the runtime layout of the Dockerfile and the systemd unit', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    engines: { node: string }; dependencies: Record<string, string>; devDependencies: Record<string, string>;
  };

  it('Dockerfile: one pinned Node.js release the engines allow; the layout of build-runtime.sh; node runs the server', () => {
    const stages = dockerStages(dockerSteps(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')));
    assert.equal(stages.length, 2);
    const [build, runtime] = stages;
    for (const stage of stages) {
      const m = /^node:(\d+\.\d+\.\d+)-bookworm-slim$/.exec(stage.image);
      assert.ok(m?.[1], `${stage.image} is an exact Node.js release`);
      assert.ok(satisfies(m[1], pkg.engines.node), `${m[1]} satisfies engines ${pkg.engines.node}`);
      assert.ok(Number(m[1].split('.')[0]) % 2 === 0, 'a long-term support line');
    }
    assert.equal(build?.image, runtime?.image, 'both stages on the same release');
    const run = build?.steps.filter((s) => s.instruction === 'RUN').map((s) => s.args).join(' && ') ?? '';
    const dest = new RegExp(`${BUILD_RUNTIME.replace('.', '\\.')} (\\S+)`).exec(run)?.[1];
    assert.ok(dest, 'the build stage assembles the layout with build-runtime.sh');
    assert.ok(/npm run build.*build-runtime/.test(run), 'after the build');
    const copy = runtime?.steps.find((s) => s.instruction === 'COPY' && s.args.includes(`--from=${build?.name ?? ''}`));
    assert.deepEqual(copy?.args.split(/\s+/).slice(-2), [dest, './'], 'the runtime stage is that layout');
    const workdir = runtime?.steps.filter((s) => s.instruction === 'WORKDIR').at(-1)?.args;
    assert.equal(runtime?.steps.find((s) => s.instruction === 'CMD')?.args, '["node", "dist/src/main.js"]');
    assert.ok(workdir?.startsWith('/'));

    const env = runtime?.steps.filter((s) => s.instruction === 'ENV').map((s) => s.args).join(' ') ?? '';
    const spool = /PIVOT_RECORDING_SPOOL_DIR=(\S+)/.exec(env)?.[1];
    assert.ok(spool, 'the image names its recording spool');
    const volumes = runtime?.steps.filter((s) => s.instruction === 'VOLUME').flatMap((s) => JSON.parse(s.args) as string[]) ?? [];
    assert.ok(volumes.some((v) => within(spool, v)), `the spool ${spool} is a volume (${volumes.join(', ')})`);
    assert.ok(runtime?.steps.some((s) => s.instruction === 'USER' && s.args === 'node'));

    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const runs = readme.split('\n```').filter((block) => block.includes('docker run'));
    assert.ok(runs.length > 0);
    for (const block of runs) {
      assert.ok(block.includes(`-v ${spool}:${spool}`), `the README's docker run mounts the spool at the same path:\n${block}`);
    }
  });

  it('systemd unit: built with build-runtime.sh, runs node on its layout, may write what conf/production.json writes', () => {
    const text = readFileSync(join(ROOT, 'conf/systemd/pivot-esl.service'), 'utf8');
    const unit = unitSettings(text);
    const dir = unit.get('WorkingDirectory')?.[0] ?? '';
    assert.ok(dir.startsWith('/'));
    assert.ok(text.includes(`npm ci && npm run build && sh ${BUILD_RUNTIME} ${dir}`), 'the recipe builds the layout it runs');
    const [node, main, ...rest] = (unit.get('ExecStart')?.[0] ?? '').split(/\s+/);
    assert.ok(node?.endsWith('/node'), `node itself, not npm: ${node}`);
    assert.equal(main, posix.join(dir, 'dist/src/main.js'));
    assert.deepEqual(rest, []);
    assert.equal(unit.get('ProtectSystem')?.[0], 'strict');

    const writable = (unit.get('ReadWritePaths') ?? []).flatMap((v) => v.split(/\s+/)).map((p) => p.replace(/^-/, ''));
    for (const name of unit.get('LogsDirectory') ?? []) writable.push(`/var/log/${name}`);
    for (const name of unit.get('StateDirectory') ?? []) writable.push(`/var/lib/${name}`);
    const production = loadConfig({ file: join(ROOT, 'conf/production.json'), env: {} });
    for (const path of [production.call.record.spoolDir, production.webhook.debugDir]) {
      assert.ok(writable.some((w) => within(path, w)), `${path} is writable under the unit (${writable.join(', ')})`);
    }
  });

  describe('the layout, built and started', () => {
    let dir: string;
    let server: ServerProcess | undefined;
    before(async function () {
      this.timeout(60_000);
      dir = mkdtempSync(join(tmpdir(), 'pivot-runtime-'));
      await promisify(execFile)('sh', [join(ROOT, BUILD_RUNTIME), join(dir, 'app')], { timeout: 60_000 });
    });
    after(() => {
      server?.kill();
      rmSync(dir, { recursive: true, force: true });
    });

    it('holds the compiled server and production dependencies only', () => {
      const app = join(dir, 'app');
      for (const path of ['dist/src/main.js', 'dist/src/cli.js', 'dist/src/index.js', 'dist/src/index.d.ts',
        'conf/default.json', 'package.json', 'LICENSE']) {
        assert.ok(existsSync(join(app, path)), `${path} is there`);
      }
      for (const path of ['dist/test', 'dist/scripts', 'test', 'src', 'scripts', 'tsconfig.json']) {
        assert.ok(!existsSync(join(app, path)), `${path} is not`);
      }
      for (const name of Object.keys(pkg.dependencies)) assert.ok(existsSync(join(app, 'node_modules', name)), `${name} is installed`);
      for (const name of Object.keys(pkg.devDependencies)) assert.ok(!existsSync(join(app, 'node_modules', name)), `${name} is not`);
    });

    it('starts from it as the unit and the image start it, answers /healthz, and stops on SIGTERM', async function () {
      this.timeout(20_000);
      const app = join(dir, 'app');
      const config = join(dir, 'config.json');
      writeFileSync(config, JSON.stringify({ esl: { port: 0 }, admin: { port: 0 }, server: { drainMs: 0 },
        webhook: { debugDir: '' }, call: { record: { spoolDir: join(dir, 'spool') } } }));
      server = new ServerProcess(config, { command: [process.execPath, 'dist/src/main.js'], cwd: app,
        env: { NODE_ENV: 'production' } });
      const { admin } = await server.ports();
      const health = await fetch(`http://127.0.0.1:${admin}/healthz`);
      assert.equal(health.status, 200);
      server.signal('SIGTERM');
      assert.equal(await server.exited, 0);
    });
  });
});
