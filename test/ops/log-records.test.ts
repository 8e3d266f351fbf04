import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { eventually, type LogLine } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';

/**
 * The log records operators alert on: an `ERR_*` code, or the error level, means a failure. A TCP health probe and
 * the normal end of a call are neither; a call without an account carries no empty AccountSid.
 */
describe('logs: codes and fields', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine(); });
  afterEach(async () => { await e.close(); });

  const errors = (lines: readonly LogLine[]): LogLine[] => lines.filter((l) => l.level === 'error' || l.level === 'fatal');
  const coded = (lines: readonly LogLine[]): LogLine[] =>
    lines.filter((l) => typeof l.code === 'string' && l.code.startsWith('ERR_'));
  const linesOf = (uuid: string): LogLine[] => e.h.logs.lines.filter((l) => l['uuid'] === uuid);

  /** Connects to the Event Socket port; resolves with the socket once connected. */
  async function connect(): Promise<net.Socket> {
    const socket = net.connect(e.h.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    return socket;
  }

  /** Waits until the server has let go of the connection from `port` and logged about it (or logged an error). */
  async function released(port: number | undefined): Promise<void> {
    await eventually(() => e.h.server.openConnections === 0 &&
      e.h.logs.lines.some((l) => l['remotePort'] === port || l.level === 'error'), 3000, 'the connection to be released');
  }

  it('a TCP health probe (connect, then close or reset without a byte) logs no error and no code', async () => {
    const closing = await connect();
    const closingPort = closing.localPort;
    closing.end();
    await released(closingPort);
    const resetting = await connect();
    const resettingPort = resetting.localPort;
    resetting.resetAndDestroy();
    await released(resettingPort);
    assert.deepEqual(errors(e.h.logs.lines), []);
    assert.deepEqual(coded(e.h.logs.lines), []);
    const probeLines = e.h.logs.lines.filter((l) => l['remotePort'] === closingPort || l['remotePort'] === resettingPort);
    assert.ok(probeLines.length >= 2);
    assert.ok(probeLines.every((l) => l.level === 'debug'), JSON.stringify(probeLines));
  });

  it('a peer that sends part of a reply and vanishes is still an error, with its code', async () => {
    const peer = await connect();
    peer.end('Content-Type: command/reply\n');
    await eventually(() => e.h.server.openConnections === 0 && errors(e.h.logs.lines).length > 0, 3000,
      'the connection to be released');
    assert.deepEqual(errors(e.h.logs.lines).map((l) => l.code), ['ERR_ESL_DISCONNECTED']);
  });

  it('normal ends (the document ends, <Hangup/>, <Reject>, the caller hangs up) carry an outcome and no code',
    async () => {
      e.web.route('/ends', twiml('<Say>Hi</Say>'));
      e.web.route('/hangup', twiml('<Say>Hi</Say><Hangup/><Say>never</Say>'));
      e.web.route('/reject', twiml('<Reject reason="busy"/>'));
      e.web.route('/pause', twiml('<Pause length="600"/>'));
      const calls = [
        e.call({ variables: { pivot_voice_url: e.web.url('/ends') } }),
        e.call({ variables: { pivot_voice_url: e.web.url('/hangup') } }),
        e.call({ variables: { pivot_voice_url: e.web.url('/reject') } }),
        e.call({ variables: { pivot_voice_url: e.web.url('/pause') } }),
      ];
      const pausing = calls[3];
      assert.ok(pausing);
      pausing.on('execute', (app: string) => { if (app === 'sleep') pausing.hangup(); });
      for (const call of calls) await e.finish(call);
      for (const call of calls) {
        const lines = linesOf(call.uuid);
        assert.deepEqual(coded(lines), [], `no code on the lines of ${call.uuid}`);
        assert.deepEqual(errors(lines), []);
        const end = lines.filter((l) => typeof l['outcome'] === 'string').at(-1);
        assert.ok(end, 'the end of the call is logged with its outcome');
        assert.equal(end.level, 'info');
        assert.ok(['hangup', 'completed'].includes(String(end['outcome'])), String(end['outcome']));
        assert.equal(typeof end['durationMs'], 'number');
      }
      assert.deepEqual(coded(e.h.logs.lines), []);
    });

  it('a call without an account has no accountSid on its lines; a call with one has it on every line', async () => {
    e.web.route('/voice', twiml('<Say>Hi</Say>'));
    const without = e.call();
    const withAccount = e.call({ variables: { 'ecallmgr_Account-ID': 'acc-42' } });
    await e.finish(without);
    await e.finish(withAccount);
    const plain = linesOf(without.uuid);
    assert.ok(plain.length >= 3);
    assert.deepEqual(plain.filter((l) => 'accountSid' in l), []);
    assert.ok(plain.every((l) => l['callSid'] === without.uuid));
    const account = linesOf(withAccount.uuid);
    assert.ok(account.length >= 3);
    assert.ok(account.every((l) => l['accountSid'] === 'acc-42'));
  });
});
