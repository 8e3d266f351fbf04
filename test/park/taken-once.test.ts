import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { findHeader, type FsSimulator } from '../../src/sim/index.js';
import { startEngine } from '../support/engine-harness.js';
import { eventually, LogCapture } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';
import { leftAlone, startPark, watchNode, type ParkHarness } from './park-support.js';

/**
 * A call is taken once, ever: the park-watcher leaves alone the CHANNEL_PARK that the `socket` application raises for
 * the call it runs (this server's, or a sibling server's on the same node), and any call this server runs
 * (esl-captures/real-findings/park-ignores-socket-calls).
 */
describe('park-watcher: a call is taken once', () => {
  let p: ParkHarness;
  afterEach(async () => { await p.close(); });

  const HELLO = twiml('<Say>Hello world</Say><Hangup/>');

  /** The channel's events as the switch raises them: `EVENT application` (for a park, the running application). */
  function channelEvents(sim: FsSimulator, uuid: string): string[] {
    const seen: string[] = [];
    sim.events.listen((ev) => {
      if (ev.uniqueId !== uuid) return;
      const app = ev.name === 'CHANNEL_PARK' ? findHeader(ev, 'variable_current_application')
        : findHeader(ev, 'Application');
      seen.push(app === undefined ? ev.name : `${ev.name} ${app}`);
    });
    return seen;
  }

  const speaks = (events: readonly string[]): number => events.filter((e) => e === 'CHANNEL_EXECUTE speak').length;

  it('a dialplan socket call that carries the marker runs once: one document, one speak, no transfer', async () => {
    p = await startPark();
    p.e.web.route('/voice', HELLO);
    const uuid = randomUUID();
    const events = channelEvents(p.e.sim, uuid);
    const call = p.e.call({ uuid });
    await p.e.finish(call);
    await eventually(() => p.logs.lines.some((l) => l['uuid'] === uuid), 3000, 'the watcher to see the park');
    assert.deepEqual(p.node.transfers, []);
    assert.equal(p.e.web.to('/voice').length, 1);
    assert.equal(speaks(events), 1);
    assert.equal(p.e.h.channels.length, 1);
    assert.equal(leftAlone(p.logs, uuid, 'socket-application').length, 1);
  });

  it('a genuinely parked call is handed off once: park, hand-off, then the socket application\'s own park', async () => {
    p = await startPark();
    p.e.web.route('/voice', HELLO);
    const uuid = randomUUID();
    const events = channelEvents(p.e.sim, uuid);
    const parked = p.node.park({ uuid, variables: { pivot_voice_url: p.e.web.url('/voice') } });
    const call = await parked.transferred;
    await p.e.finish(call);
    assert.deepEqual(events.slice(0, 5), ['CHANNEL_EXECUTE park', 'CHANNEL_PARK park', 'CHANNEL_EXECUTE_COMPLETE park',
      'CHANNEL_EXECUTE socket', 'CHANNEL_PARK socket']);
    assert.equal(p.node.transfers.length, 1);
    assert.equal(p.e.web.to('/voice').length, 1);
    assert.equal(speaks(events), 1);
    assert.equal(p.e.h.channels.length, 1);
    await eventually(() => leftAlone(p.logs, uuid, 'socket-application').length === 1, 3000,
      'the socket application\'s park to be left alone');
  });

  it('a sibling server watching the same node leaves a call another server runs alone', async () => {
    p = await startPark();
    const sibling = await startEngine();
    const siblingLogs = new LogCapture();
    const siblingWatcher = watchNode(sibling, p.nodePort, siblingLogs);
    try {
      await eventually(() => siblingWatcher.connectedNodes === 1, 3000, 'the sibling watcher to connect');
      p.e.web.route('/voice', HELLO);
      const uuid = randomUUID();
      const events = channelEvents(p.e.sim, uuid);
      const call = p.e.call({ uuid });
      await p.e.finish(call);
      await eventually(() => siblingLogs.lines.some((l) => l['uuid'] === uuid), 3000, 'the sibling to see the park');
      assert.deepEqual(p.node.transfers, []);
      assert.equal(leftAlone(siblingLogs, uuid, 'socket-application').length, 1);
      assert.equal(sibling.h.channels.length, 0);
      assert.equal(p.e.web.to('/voice').length, 1);
      assert.equal(speaks(events), 1);
    } finally {
      await siblingWatcher.stop();
      await sibling.close();
    }
  });

  it('a marked CHANNEL_PARK of a call this server runs is left alone, whatever application raised it', async () => {
    p = await startPark();
    p.e.web.route('/voice', twiml('<Pause length="600"/>'));
    const uuid = randomUUID();
    const events = channelEvents(p.e.sim, uuid);
    const call = p.e.call({ uuid });
    await eventually(() => events.includes('CHANNEL_EXECUTE sleep'), 3000, 'the Pause to start');
    // The node reports the channel parked by an application other than `socket`.
    p.node.park({ uuid, variables: { pivot_voice_url: p.e.web.url('/voice') } });
    await eventually(() => leftAlone(p.logs, uuid, 'running-here').length > 0 || p.node.transfers.length > 0, 3000,
      'the watcher to see the park');
    assert.deepEqual(p.node.transfers, []);
    assert.equal(leftAlone(p.logs, uuid, 'running-here').length, 1);
    call.hangup();
    await p.e.finish(call);
    assert.equal(p.e.h.channels.length, 1);
  });
});
