import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { REPEATED_SIGNAL_MS } from '../../src/server/serve-process.js';
import { FsSimulator, type SimulatedCall } from '../../src/sim/index.js';
import type { LogLine } from '../support/harness.js';
import { twiml, TwimlServer } from '../support/twiml-server.js';
import { get } from './service-support.js';
import { ServerProcess } from './server-process.js';

/** The line of the second signal: it hangs every call up at once. */
const secondSignal = (l: LogLine): boolean => l.code === 'ERR_SHUTDOWN' && l['signal'] !== undefined;

function sleeping(call: SimulatedCall): Promise<void> {
  return new Promise((resolve) => call.on('execute', (app: string) => { if (app === 'sleep') resolve(); }));
}

/** SIGTERM under load, in a real process: stop accepting, let calls finish up to the deadline, hang up the rest. */
describe('drain: SIGTERM in a child process', () => {
  let dir: string;
  let server: ServerProcess | undefined;
  let sim: FsSimulator;
  let web: TwimlServer;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pivot-drain-'));
    sim = new FsSimulator({ timeScale: 0.2 });
    web = await TwimlServer.start();
  });
  afterEach(async () => {
    server?.kill();
    await sim.close();
    await web.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('no new connection; short calls finish; long calls are hung up at the deadline; exit 0', async () => {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ esl: { port: 0 }, admin: { port: 0 }, server: { drainMs: 1500 },
      log: { level: 'info' } }));
    server = new ServerProcess(config);
    const ports = await server.ports();
    // 1 s of FreeSWITCH time is 200 ms here: the short calls end within the drain, the long ones cannot.
    web.route('/short', twiml('<Pause length="1"/><Say>Finished</Say>'));
    web.route('/long', twiml('<Pause length="600"/><Say>Never</Say>'));
    const place = (path: string): SimulatedCall => sim.call({ host: '127.0.0.1', port: ports.esl,
      variables: { pivot_voice_url: web.url(path) } });
    const short = [place('/short'), place('/short')];
    const long = [place('/long'), place('/long')];
    await Promise.all([...short, ...long].map(sleeping));

    server.signal('SIGTERM');
    await server.waitFor((l) => l.msg === 'draining: no new calls accepted');
    assert.equal((await get(`http://127.0.0.1:${ports.admin}/readyz`)).status, 503);
    const refused = await place('/short').ended;
    assert.match(refused.error ?? '', /ECONNREFUSED/);

    assert.equal(await server.exited, 0);
    for (const call of short) {
      const end = await call.ended;
      assert.deepEqual(call.executed.map((e) => e.app), ['sleep', 'speak']);
      assert.equal(end.hangupCause, 'NORMAL_CLEARING');
    }
    for (const call of long) {
      const end = await call.ended;
      assert.equal(end.hangupCause, 'SYSTEM_SHUTDOWN');
      assert.ok(!call.executed.some((e) => e.app === 'speak'));
    }
    const ending = server.lines.find((l) => l.code === 'ERR_SHUTDOWN' && l['signal'] === undefined);
    assert.equal(ending?.code, 'ERR_SHUTDOWN');
    assert.equal(ending?.['calls'], 2);
    assert.ok(server.lines.some((l) => l.msg === 'stopped'));
  });

  /** A server child with a drain long enough never to end by itself, running one call parked in a 600 s Pause. */
  async function serverWithLongCall(): Promise<{ child: ServerProcess; call: SimulatedCall }> {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ esl: { port: 0 }, admin: { port: 0 }, server: { drainMs: 600_000 },
      log: { level: 'info' } }));
    const child = new ServerProcess(config);
    server = child;
    const ports = await child.ports();
    web.route('/long', twiml('<Pause length="600"/>'));
    const call = sim.call({ host: '127.0.0.1', port: ports.esl, variables: { pivot_voice_url: web.url('/long') } });
    await sleeping(call);
    return { child, call };
  }

  it('the same signal twice at once (Ctrl-C through npm start) counts once: the calls drain; a later one hangs up', async () => {
    const { child, call } = await serverWithLongCall();
    let ended = false;
    void call.ended.then(() => { ended = true; });
    child.signal('SIGINT');
    // As npm forwards the terminal's Ctrl-C: a moment later (two signals sent at once would merge into one).
    await delay(20);
    child.signal('SIGINT');
    await child.waitFor((l) => l.msg === 'draining: no new calls accepted');
    await delay(REPEATED_SIGNAL_MS);
    assert.equal(ended, false, 'the call is still up: draining');
    assert.ok(!child.lines.some(secondSignal));
    child.signal('SIGINT');
    assert.equal(await child.exited, 0);
    assert.equal((await call.ended).hangupCause, 'SYSTEM_SHUTDOWN');
    assert.equal(child.lines.filter(secondSignal).length, 1);
  });

  it('a second SIGTERM hangs up at once', async () => {
    const { child, call } = await serverWithLongCall();
    child.signal('SIGTERM');
    await child.waitFor((l) => l.msg === 'draining: no new calls accepted');
    await delay(REPEATED_SIGNAL_MS); // sooner, it would be taken as the same signal delivered twice
    child.signal('SIGTERM');
    assert.equal(await child.exited, 0);
    assert.equal((await call.ended).hangupCause, 'SYSTEM_SHUTDOWN');
    assert.equal(child.lines.find(secondSignal)?.code, 'ERR_SHUTDOWN');
  });
});
