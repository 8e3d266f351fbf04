import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as PivotEsl from '../../src/index.js';
import { FsSimulator } from '../../src/sim/index.js';
import { bridgeArg, legsOf } from '../call/dial-support.js';
import { eventually, LogCapture } from '../support/harness.js';
import { TwimlServer, twiml } from '../support/twiml-server.js';

/** The package's entry as a program that installed it imports it: by name, through package.json "exports". */
const ENTRY = 'pivot-esl';

/** A program embeds the server: its entry point starts and stops one, with a queue store and a resolver of its own. */
describe('package: embedding the server', () => {
  let api: typeof PivotEsl;
  let dir: string;
  let web: TwimlServer;
  let sim: FsSimulator;
  let server: PivotEsl.Service | undefined;
  before(async () => {
    api = await import(ENTRY) as typeof PivotEsl;
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pivot-embed-'));
    web = await TwimlServer.start();
    sim = new FsSimulator({ timeScale: 0.01 });
  });
  afterEach(async () => {
    await sim.close();
    await server?.stop(0);
    server = undefined;
    await web.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports the programmatic API', () => {
    for (const name of ['startServer', 'loadConfig', 'serve', 'MemoryQueueStore', 'TemplateResolver', 'AppError',
      'ConfigError', 'ERROR_CATALOGUE', 'createLogger', 'RESTART_KEYS']) {
      assert.ok(name in api, `${name} is exported`);
    }
  });

  it('startServer: the given queue store and endpoint resolver serve the calls; stop() frees the ports', async () => {
    const used: string[] = [];
    const memory = new api.MemoryQueueStore();
    // A store of the program's own: here, the in-process one behind a record of what the engine asked it.
    const queueStore: PivotEsl.QueueStore = {
      sidOf: (key) => memory.sidOf(key),
      enqueue: (...args) => { used.push('enqueue'); return memory.enqueue(...args); },
      takeFirst: (...args) => { used.push('takeFirst'); return memory.takeFirst(...args); },
      remove: (...args) => { used.push('remove'); return memory.remove(...args); },
      standing: (...args) => memory.standing(...args),
      exists: (...args) => memory.exists(...args),
      get waitingCount() { return memory.waitingCount; },
      get takerCount() { return memory.takerCount; },
    };
    const asked: PivotEsl.ResolveRequest[] = [];
    const endpointResolver: PivotEsl.EndpointResolver = {
      resolve: async (request) => {
        asked.push(request);
        return [`sofia/internal/${request.id}-desk@pbx.test`, `sofia/internal/${request.id}-mobile@pbx.test`];
      },
    };
    const config = api.loadConfig({ file: undefined, env: {}, overrides: {
      esl: { port: 0 }, admin: { port: 0 }, webhook: { debugDir: '' }, call: { record: { spoolDir: join(dir, 'spool') } },
    } });
    const logs = new LogCapture();
    server = await api.startServer(config, { queueStore, endpointResolver, log: api.createLogger('info', logs) });
    const esl = server.eslAddress?.port ?? 0;
    const admin = server.adminAddress?.port ?? 0;
    assert.equal(server.eslAddress?.address, '127.0.0.1');
    assert.equal((await fetch(`http://127.0.0.1:${admin}/readyz`)).status, 200);

    web.route('/queue', twiml('<Enqueue waitUrl="/wait">support</Enqueue>'));
    web.route('/wait', twiml('<Pause length="30"/>'));
    const queued = sim.call({ host: '127.0.0.1', port: esl, variables: { pivot_voice_url: web.url('/queue') } });
    await eventually(() => web.to('/wait').length > 0, 3000, 'the caller to wait in the queue');
    queued.hangup();
    await queued.ended;
    await eventually(() => used.includes('remove'), 3000, 'the caller to leave the queue');
    assert.deepEqual(used.slice(0, 1), ['enqueue']);

    web.route('/dial', twiml('<Dial><User>alice</User></Dial>'));
    const dialling = sim.call({ host: '127.0.0.1', port: esl, variables: { pivot_voice_url: web.url('/dial') } });
    await dialling.ended;
    assert.deepEqual(asked.map((r) => [r.kind, r.id]), [['User', 'alice']]);
    assert.deepEqual(legsOf(bridgeArg(dialling)).map((l) => l.endpoint),
      ['sofia/internal/alice-desk@pbx.test', 'sofia/internal/alice-mobile@pbx.test']);

    await server.stop(0);
    server = undefined;
    await assert.rejects(fetch(`http://127.0.0.1:${admin}/healthz`), 'the admin port is closed');
  });
});
