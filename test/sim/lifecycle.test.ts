/** Call lifecycle: the scripted caller, how calls end, profiles, and that nothing outlives a call. */
import assert from 'node:assert/strict';
import { FsSimulator } from '../../src/sim/index.js';
import { RawServer } from './helpers/raw-server.js';
import { SimSession } from './helpers/sim-session.js';

async function settled(check: () => boolean, ms = 2000, what = (): string => ''): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached ' + what());
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('call lifecycle', () => {
  let s: SimSession | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('the scripted caller presses digits and hangs up at the given times', async () => {
    // A tenth of real time: the key (300 ms) comes well after the set-up commands, whose replies ready() reads as the
    // next messages, even though the park loop reports it 80 ms late.
    s = await SimSession.ready({ caller: { digits: [{ atMs: 300, digits: '9' }], hangupAtMs: 600, hangupCause: 'USER_BUSY' } },
      { timeScale: 0.1 });
    const dtmf = await s.until((m) => m.type === 'DTMF');
    assert.equal(dtmf.get('DTMF-Digit'), '9');
    assert.equal(dtmf.get('DTMF-Source'), 'UNKNOWN');
    assert.equal(dtmf.get('variable_uuid'), undefined, 'DTMF carries no variables');
    assert.equal((await s.until((m) => m.type === 'CHANNEL_HANGUP')).get('Hangup-Cause'), 'USER_BUSY');
    await s.until((m) => m.get('Content-Disposition') === 'linger');
    await s.command('exit');
    const end = await s.call.ended;
    assert.deepEqual(end, { hangupCause: 'USER_BUSY', exitReceived: true, closedBy: 'simulator' });
  });

  it('exit while the call is up: +OK bye, the final notice, the close, and a NORMAL_CLEARING hang-up', async () => {
    s = await SimSession.ready();
    assert.equal((await s.command('exit')).get('Reply-Text'), '+OK bye');
    const notice = await s.next();
    assert.equal(notice.get('Content-Disposition'), 'disconnect');
    assert.equal(notice.body.length, 67);
    await s.conn.closed;
    assert.deepEqual(await s.call.ended, { hangupCause: 'NORMAL_CLEARING', exitReceived: true, closedBy: 'simulator' });
  });

  it('without linger the final notice follows CHANNEL_HANGUP_COMPLETE at once', async () => {
    s = await SimSession.open();
    await s.command('connect');
    await s.command('myevents json');
    await s.execute('hangup', 'CALL_REJECTED');
    await s.until((m) => m.type === 'CHANNEL_HANGUP_COMPLETE');
    assert.equal((await s.next()).get('Content-Disposition'), 'disconnect');
    await s.conn.closed;
  });

  it('the server closing the socket hangs the call up', async () => {
    s = await SimSession.ready();
    s.conn.socket.end();
    assert.deepEqual(await s.call.ended, { hangupCause: 'NORMAL_CLEARING', exitReceived: false, closedBy: 'server' });
  });

  it('drop() destroys the connection with no notice', async () => {
    s = await SimSession.ready();
    s.call.drop();
    await s.conn.closed;
    assert.equal(s.conn.reader.pending, 0);
    assert.equal((await s.call.ended).closedBy, 'simulator');
  });

  it('gives up when the first command never comes', async () => {
    s = await SimSession.open({ firstCommandTimeoutMs: 50 });
    await s.conn.closed;
    assert.equal(s.call.commands.length, 0);
  });

  it('a sendmsg hangup that is not event-locked interrupts a playing media app', async () => {
    s = await SimSession.ready();
    s.conn.send('sendmsg\ncall-command: execute\nexecute-app-name: playback\nexecute-app-arg: silence_stream://-1\n\n');
    await s.until((m) => m.type === 'PLAYBACK_START');
    s.conn.send('sendmsg\ncall-command: hangup\nhangup-cause: NORMAL_CLEARING\n\n');
    await s.until((m) => m.type === 'CHANNEL_HANGUP');
    assert.equal((await s.complete('playback')).get('Answer-State'), 'hangup');
  });

  it('a SIP call sends early media before the answer and shows its Kazoo variables', async () => {
    s = await SimSession.open({ profile: 'sip', callerIdNumber: '+15551230000', variables: { 'ecallmgr_Account-ID': 'acct1' } });
    const data = await s.command('connect');
    assert.equal(data.get('variable_ecallmgr_Account-ID'), 'acct1');
    assert.equal(data.get('Channel-Presence-ID'), '%2B15551230000%40127.0.0.1');
    assert.equal(data.get('Channel-Read-Codec-Name'), undefined, 'no media before the answer');
    await s.command('myevents json');
    await s.execute('answer');
    const media = await s.until((m) => m.type === 'CHANNEL_PROGRESS_MEDIA');
    assert.equal(media.get('Channel-Read-Codec-Name'), 'PCMU');
    const answer = await s.next();
    assert.equal(answer.type, 'CHANNEL_ANSWER');
    assert.equal(answer.get('Channel-Call-State'), 'EARLY');
  });

  it('fullSizeEvents=false keeps only the essential template variables', async () => {
    const full = await SimSession.open();
    const small = await SimSession.open({ fullSizeEvents: false });
    try {
      const a = await full.command('connect');
      const b = await small.command('connect');
      assert.ok(b.outer.length < a.outer.length);
      assert.equal(b.get('variable_uuid'), small.call.uuid);
    } finally {
      await full.close();
      await small.close();
    }
  });
});

describe('cleanup', () => {
  it('close() ends every call and leaves no sockets or timers behind', async () => {
    const kinds = (k: string): number => process.getActiveResourcesInfo().filter((r) => r.startsWith(k)).length;
    const socketsBefore = kinds('TCP');
    const timersBefore = kinds('Timeout') + kinds('Immediate');
    const server = new RawServer();
    const port = await server.listen();
    const sim = new FsSimulator({ timeScale: 0.01 });
    const calls = Array.from({ length: 20 }, () => sim.call({ host: '127.0.0.1', port, caller: { hangupAtMs: 60_000 } }));
    const conns = await Promise.all(calls.map(() => server.accept()));
    for (const c of conns) c.send('connect\n\nlinger 10\n\nsendmsg\ncall-command: execute\nexecute-app-name: playback\nexecute-app-arg: silence_stream://-1\n\n');
    await settled(() => conns.every((c) => c.reader.pending >= 2));
    assert.equal(sim.activeCalls, 20);
    await sim.close();
    assert.equal(sim.activeCalls, 0);
    await server.close();
    // One timer may be mocha's own timeout for this test, armed after the first measurement.
    await settled(
      () => kinds('TCP') <= socketsBefore && kinds('Timeout') + kinds('Immediate') <= timersBefore + 1,
      2000,
      () => process.getActiveResourcesInfo().join(','),
    );
  });
});
