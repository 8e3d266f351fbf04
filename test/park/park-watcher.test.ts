import assert from 'node:assert/strict';
import { appLines } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';
import { linesWith, startPark, type ParkHarness } from './park-support.js';

/** Calls parked on a FreeSWITCH node, taken over its inbound Event Socket and run by the TwiML engine. */
describe('park-watcher: end to end', () => {
  let p: ParkHarness;
  afterEach(async () => { await p.close(); });

  const marked = (h: ParkHarness): { variables: Record<string, string> } => ({
    variables: { pivot_voice_url: h.e.web.url('/voice') },
  });

  it('a marked parked call is transferred to the outbound socket and its TwiML runs', async () => {
    p = await startPark();
    p.e.web.route('/voice', twiml('<Say>Hello</Say>'));
    const parked = p.node.park(marked(p));
    const call = await parked.transferred;
    await p.e.finish(call);
    assert.deepEqual(appLines(call), ['speak flite|rms|Hello']);
    assert.deepEqual(p.node.transfers, [{
      uuid: parked.uuid, destination: `socket:127.0.0.1:${p.e.h.port} async full`, reply: '+OK\n',
    }]);
    const handedOff = linesWith(p.logs, 'parked call handed off');
    assert.equal(handedOff.length, 1);
    assert.equal(handedOff[0]?.['uuid'], parked.uuid);
    assert.equal(handedOff[0]?.['node'], `127.0.0.1:${p.nodePort}`);
    assert.equal(p.e.web.requests[0]?.params['CallSid'], parked.uuid);
  });

  it('the same CHANNEL_PARK twice, and the socket application\'s own park: one hand-off', async () => {
    p = await startPark();
    p.e.web.route('/voice', twiml('<Say>Once</Say>'));
    const parked = p.node.park(marked(p));
    p.node.announce(parked);
    const call = await parked.transferred;
    await p.e.finish(call);
    assert.equal(p.node.transfers.length, 1);
    assert.equal(p.e.web.to('/voice').length, 1);
    assert.ok(linesWith(p.logs, 'parked call already handed off').length >= 1);
  });

  it('a call that hangs up before the transfer: -ERR, logged with its code, nothing runs', async () => {
    p = await startPark();
    const parked = p.node.park({ ...marked(p), hangsUpBeforeTransfer: true });
    await eventually(() => p.logs.withCode('ERR_PARK_TRANSFER_FAILED').length === 1, 3000, 'the failed hand-off');
    assert.equal(p.node.transfers[0]?.reply, '-ERR No such channel!\n');
    const failed = p.logs.withCode('ERR_PARK_TRANSFER_FAILED');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.['uuid'], parked.uuid);
    assert.equal(failed[0]?.level, 'warn');
    assert.equal(p.e.sim.activeCalls, 0);
    assert.equal(p.e.web.requests.length, 0);
  });

  it('unmarked parked calls are left alone', async () => {
    p = await startPark();
    p.e.web.route('/voice', twiml('<Say>Marked</Say>'));
    const plain = p.node.park({ variables: { other: 'x' } });
    const parked = p.node.park(marked(p));
    const call = await parked.transferred;
    await p.e.finish(call);
    assert.deepEqual(p.node.transfers.map((t) => t.uuid), [parked.uuid]);
    const left = linesWith(p.logs, 'parked call without the marker left alone');
    assert.ok(left.some((l) => l['uuid'] === plain.uuid));
    assert.ok(!left.some((l) => l['uuid'] === parked.uuid));
  });

  it('a Kazoo custom channel variable as the marker', async () => {
    p = await startPark({ park: { marker: 'variable_ecallmgr_Pivot-Enabled' } });
    p.e.web.route('/voice', twiml('<Say>Kazoo</Say>'));
    const withoutCcv = p.node.park(marked(p));
    const withCcv = p.node.park({ variables: { ...marked(p).variables, 'ecallmgr_Pivot-Enabled': 'true' } });
    const call = await withCcv.transferred;
    await p.e.finish(call);
    assert.deepEqual(p.node.transfers.map((t) => t.uuid), [withCcv.uuid]);
    assert.ok(linesWith(p.logs, 'parked call without the marker left alone').some((l) => l['uuid'] === withoutCcv.uuid));
  });

  it('FreeSWITCH restarts: the watcher reconnects and takes new calls', async () => {
    p = await startPark();
    p.e.web.route('/voice', twiml('<Say>Again</Say>'));
    await p.node.close();
    await eventually(() => p.watcher.connectedNodes === 0, 3000, 'the watcher to see the drop');
    await p.node.listen(p.nodePort);
    await eventually(() => p.watcher.connectedNodes === 1, 3000, 'the watcher to reconnect');
    assert.ok(p.logs.withCode('ERR_ESL_DISCONNECTED').length >= 1);
    assert.ok(linesWith(p.logs, 'park-watcher connected').length >= 2);
    const parked = p.node.park(marked(p));
    const call = await parked.transferred;
    await p.e.finish(call);
    assert.deepEqual(appLines(call), ['speak flite|rms|Again']);
  });

  it('a wrong password: logged with its code, retried with a growing backoff, no call taken', async () => {
    p = await startPark({ nodePassword: 'not-ClueCon', waitConnected: false });
    await eventually(() => p.node.authAttempts.length >= 4, 5000, 'several attempts');
    assert.ok(p.node.authAttempts.every((a) => a.password === 'ClueCon' && !a.accepted));
    const refused = p.logs.withCode('ERR_ESL_AUTH_FAILED');
    assert.ok(refused.length >= 3);
    assert.ok(refused.every((l) => l.level === 'error'));
    assert.deepEqual(refused.slice(0, 3).map((l) => l['retryInMs']), [10, 20, 40]);
    assert.equal(p.watcher.connectedNodes, 0);
  });
});
