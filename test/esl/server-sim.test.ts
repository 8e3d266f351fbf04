import assert from 'node:assert/strict';
import type { EslChannel } from '../../src/esl/channel.js';
import { FsSimulator } from '../../src/sim/index.js';
import { codeOf, eventually, startServer, type Harness } from '../support/harness.js';

/** Time runs 100 times faster in the simulator: a 1 s FreeSWITCH timer takes 10 ms. */
const TIME_SCALE = 0.01;

/** The server against the FreeSWITCH simulator over loopback TCP. */
describe('server with the FreeSWITCH simulator', () => {
  let h: Harness;
  let sim: FsSimulator;
  let body: (channel: EslChannel) => Promise<void>;
  beforeEach(async () => {
    body = async () => {};
    // Linger is counted in simulated time: 600 s keeps the socket open for 6 s, so that the server, not the
    // linger timer, ends each call even under the load of the 1,000-call test.
    h = await startServer((channel) => body(channel), { lingerSeconds: 600 });
    sim = new FsSimulator({ timeScale: TIME_SCALE });
  });
  afterEach(async () => {
    await sim.close();
    await h.close();
  });

  function place(options: Record<string, unknown> = {}) {
    return sim.call({ host: '127.0.0.1', port: h.port, ...options });
  }

  it('runs applications in order and resolves each with its completion and variables', async () => {
    const seen: string[] = [];
    body = async (channel) => {
      seen.push((await channel.execute('answer')).application);
      const played = await channel.execute('playback', 'tone_stream://%(500,0,440)');
      seen.push(`${played.application}:${played.response}:${played.event.variable('playback_ms')}`);
      await channel.execute('set', 'pivot_test=1');
      seen.push(String(await channel.getVariable('pivot_test')));
    };
    const call = place();
    const end = await call.ended;
    assert.deepEqual(seen, ['answer', 'playback:FILE PLAYED:500', '1']);
    assert.deepEqual(call.executed.map((e) => e.app), ['answer', 'playback', 'set']);
    const lines = call.commands.map((c) => c.command);
    assert.deepEqual(lines.slice(0, 5).map((l) => l.split(' ').slice(0, 2).join(' ')),
      ['connect', 'myevents json', 'nixevent CHANNEL_APPLICATION', 'event json', 'linger 600']);
    assert.ok(lines.includes(`api uuid_kill ${call.uuid} NORMAL_CLEARING`), 'the call is hung up when the script ends');
    assert.equal(lines[lines.length - 1], 'exit');
    assert.equal(end.exitReceived, true);
    assert.equal(end.hangupCause, 'NORMAL_CLEARING');
    await eventually(() => h.server.activeCalls === 0 && h.server.openConnections === 0);
    const channel = h.channels[0] as EslChannel;
    assert.equal(channel.pendingCount, 0);
    assert.equal(channel.listenerCount, 0);
  });

  it('delivers DTMF while an application runs', async () => {
    const digits: string[] = [];
    body = async (channel) => {
      const off = channel.on('dtmf', (d) => digits.push(d.digit));
      try {
        await channel.execute('answer');
        await channel.execute('set', 'playback_terminators=none');
        await channel.execute('playback', 'silence_stream://2000');
      } finally {
        off();
      }
    };
    const call = place();
    call.on('execute', (app: string, arg: string) => {
      if (app === 'playback' && arg.startsWith('silence_stream')) call.pressDigits('42');
    });
    await call.ended;
    assert.deepEqual(digits, ['4', '2']);
  });

  it('rejects the running execute with the hangup cause when the caller hangs up', async () => {
    let error: unknown;
    body = async (channel) => {
      await channel.execute('answer');
      try {
        await channel.execute('playback', 'silence_stream://60000');
      } catch (err) {
        error = err;
      }
    };
    const call = place();
    call.on('execute', (app: string) => { if (app === 'playback') setImmediate(() => call.hangup('NORMAL_CLEARING')); });
    const end = await call.ended;
    assert.equal(codeOf(error), 'ERR_CALL_HANGUP');
    assert.equal((error as { hangupCause?: string }).hangupCause, 'NORMAL_CLEARING');
    assert.equal(end.exitReceived, true, 'the server still ends with exit after the final events');
    assert.ok(!call.commands.some((c) => c.command.startsWith('api uuid_kill')), 'no hangup for a call already gone');
    await eventually(() => h.server.activeCalls === 0);
    assert.ok((await h.channels[0]?.hangupComplete) !== undefined, 'CHANNEL_HANGUP_COMPLETE was received');
  });

  it('rejects pending work with ERR_ESL_DISCONNECTED when the socket drops', async () => {
    let error: unknown;
    body = async (channel) => {
      try {
        await channel.execute('playback', 'silence_stream://60000');
      } catch (err) {
        error = err;
      }
    };
    const call = place();
    call.on('execute', (app: string) => { if (app === 'playback') setImmediate(() => call.drop()); });
    await call.ended;
    await eventually(() => error !== undefined && h.server.activeCalls === 0 && h.server.openConnections === 0, 1000);
    assert.equal(codeOf(error), 'ERR_ESL_DISCONNECTED');
  });

  it('an unknown application hangs the call up, as FreeSWITCH does', async () => {
    let error: unknown;
    body = async (channel) => {
      await channel.execute('nosuchapp', 'x').catch((err: unknown) => { error = err; });
    };
    const end = await place().ended;
    assert.equal(codeOf(error), 'ERR_CALL_HANGUP');
    assert.equal((error as { hangupCause?: string }).hangupCause, 'DESTINATION_OUT_OF_ORDER');
    assert.equal(end.hangupCause, 'DESTINATION_OUT_OF_ORDER');
  });

  it('runs bgapi and reads the channel data with Kazoo variables', async () => {
    let out = '';
    let account: string | undefined;
    body = async (channel) => {
      out = await channel.bgapi(`uuid_exists ${channel.uuid}`);
      account = channel.data.variables['ecallmgr_Account-ID'];
    };
    await place({ variables: { 'ecallmgr_Account-ID': 'acc0123' }, callerIdNumber: '+15551230000' }).ended;
    assert.equal(out.trim(), 'true');
    assert.equal(account, 'acc0123');
    assert.equal(h.channels[0]?.data.callerIdNumber, '+15551230000');
  });

  it('hangs up calls still running at shutdown with the shutdown cause', async () => {
    let error: unknown;
    body = async (channel) => {
      await channel.execute('answer');
      await channel.execute('playback', 'silence_stream://600000').catch((err: unknown) => { error = err; });
    };
    const call = place();
    await eventually(() => call.executed.some((e) => e.app === 'playback'));
    await h.server.close(20);
    const end = await call.ended;
    assert.equal(codeOf(error), 'ERR_SHUTDOWN');
    assert.equal(end.hangupCause, 'SYSTEM_SHUTDOWN');
    assert.equal(h.server.activeCalls, 0);
  });

  it('serves 1,000 concurrent calls and leaves nothing behind', async function () {
    this.timeout(60_000);
    // Counted once the test runner has armed its own timeout timer, which starts after this function returns.
    await new Promise((resolve) => setImmediate(resolve));
    // A thousand calls start at once in this one process, the simulator's side included: the suite's short command
    // time limit (FAST_ESL, 500 ms) would measure how fast this machine is, not what the server leaves behind.
    await h.close();
    h = await startServer((channel) => body(channel), { lingerSeconds: 600, connectTimeoutMs: 5000, commandTimeoutMs: 5000 });
    const before = process.getActiveResourcesInfo().length;
    let playing = 0;
    let ended = 0;
    const others: string[] = [];
    body = async (channel) => {
      await channel.execute('answer');
      playing++;
      await channel.execute('playback', 'silence_stream://1000000').then(() => {
        others.push('resolved');
      }, (err: unknown) => {
        if (codeOf(err) === 'ERR_CALL_HANGUP') ended++;
        else others.push(String(codeOf(err)));
      });
    };
    const calls = Array.from({ length: 1000 }, (_, i) => place({ uuid: `c1000-${i}` }));
    await eventually(() => h.server.activeCalls === 1000 && playing === 1000, 30_000, '1,000 calls in progress at once');
    for (const call of calls) call.hangup('NORMAL_CLEARING');
    const ends = await Promise.all(calls.map((c) => c.ended));
    assert.equal(ended, 1000, `playbacks not ended by the hangup: ${JSON.stringify(count(others))}`);
    const odd = ends.filter((e) => !(e.exitReceived && e.hangupCause === 'NORMAL_CLEARING'));
    assert.deepEqual(odd.slice(0, 3), []);
    await eventually(() => h.server.activeCalls === 0 && h.server.openConnections === 0, 5000);
    assert.ok(h.channels.every((c) => c.pendingCount === 0 && c.listenerCount === 0));
    await eventually(() => process.getActiveResourcesInfo().length <= before, 2000,
      `sockets and timers released: ${JSON.stringify(count(process.getActiveResourcesInfo()))} vs ${before}`);
  });
});

function count(names: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of names) out[name] = (out[name] ?? 0) + 1;
  return out;
}
