/**
 * The `socket` application as the whole switch sees it (esl-captures/real-findings README, "FreeSWITCH behaviour
 * observed"): it raises CHANNEL_EXECUTE, then its own CHANNEL_PARK once connected; an inline `uuid_transfer` of a
 * channel it runs completes it but leaves its connection up, and that connection can go on driving the channel.
 */
import assert from 'node:assert/strict';
import { FsSimulator, findHeader, type SimEvent } from '../../src/sim/index.js';
import { RawServer } from './helpers/raw-server.js';
import { type Msg, SimSession } from './helpers/sim-session.js';

/** `sendmsg` execute, and its reply (the events the connection receives meanwhile are kept in `seen`). */
function sendmsg(session: SimSession, app: string, arg?: string): Promise<Msg> {
  session.conn.send(`sendmsg\ncall-command: execute\nexecute-app-name: ${app}\nevent-lock: true\n` +
    (arg === undefined ? '' : `execute-app-arg: ${arg}\n`) + '\n');
  return session.until((m) => m.type === 'command/reply');
}

describe('simulator: the socket application on the switch', () => {
  let s: SimSession | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('raises CHANNEL_EXECUTE socket, then CHANNEL_PARK from socket once connected, to the switch\'s listeners', async () => {
    const sim = new FsSimulator({ timeScale: 0.01 });
    const server = new RawServer();
    const port = await server.listen();
    const events: SimEvent[] = [];
    let parked = (): void => {};
    const parkSeen = new Promise<void>((resolve) => { parked = resolve; });
    sim.events.listen((ev) => {
      events.push(ev);
      if (ev.name === 'CHANNEL_PARK') parked();
    });
    try {
      const call = sim.call({ host: '127.0.0.1', port, variables: { pivot_voice_url: 'http://127.0.0.1/voice' } });
      await Promise.all([server.accept(), parkSeen]);
      const park = events.find((ev) => ev.name === 'CHANNEL_PARK');
      assert.deepEqual(events.map((ev) => `${ev.name} ${findHeader(ev, 'Application') ?? ''}`.trim()),
        ['CHANNEL_EXECUTE socket', 'CHANNEL_PARK']);
      assert.ok(park);
      assert.equal(park.uniqueId, call.uuid);
      assert.equal(findHeader(park, 'Channel-State'), 'CS_EXECUTE');
      assert.equal(findHeader(park, 'Answer-State'), 'ringing');
      assert.equal(findHeader(park, 'variable_current_application'), 'socket');
      assert.equal(findHeader(park, 'variable_current_application_data'), `127.0.0.1:${port} async full`);
      assert.equal(findHeader(park, 'variable_pivot_voice_url'), 'http://127.0.0.1/voice');
    } finally {
      await sim.close();
      await server.close();
    }
  });

  it('an inline uuid_transfer completes the running socket application, leaves its connection up and connects ' +
    'again; both connections drive the one channel', async () => {
    s = await SimSession.ready();
    const first = s;
    const second = await first.transferInline();
    const completed = await first.complete('socket');
    assert.match(completed.get('Application-Data') ?? '', /^127\.0\.0\.1:\d+ async full$/);
    assert.equal(first.all('CHANNEL_UNPARK').length, 1, 'the park loop of the first socket application ended');

    // The second connection is a new session on the same channel.
    const data = await second.command('connect');
    assert.equal(data.get('Unique-ID'), first.call.uuid);
    assert.equal(data.get('variable_current_application'), 'socket');
    await second.command('myevents json');
    await second.command('linger 10');

    // The first connection still sends commands: the channel runs them, and both connections see them.
    assert.equal((await sendmsg(first, 'playback', 'silence_stream://100')).get('Reply-Text'), '+OK');
    assert.equal((await first.complete('playback')).get('Application-Response'), 'FILE PLAYED');
    await second.complete('playback');
    assert.deepEqual(second.call.executed.map((e) => e.app), ['playback']);
    assert.deepEqual(first.call.executed, []);

    // The channel ends once, under the second socket application; the first connection ends with it.
    assert.equal((await sendmsg(second, 'hangup')).get('Reply-Text'), '+OK');
    for (const session of [first, second]) {
      assert.equal((await session.until((m) => m.type === 'CHANNEL_HANGUP_COMPLETE')).get('Hangup-Cause'),
        'NORMAL_CLEARING');
      await session.until((m) => m.get('Content-Disposition') === 'linger');
    }
    assert.equal(first.all('CHANNEL_HANGUP_COMPLETE').length, 1);
    assert.equal(second.all('CHANNEL_EXECUTE_COMPLETE').filter((m) => m.get('Application') === 'socket').length, 1);
    for (const session of [first, second]) {
      session.conn.send('exit\n\n');
      await session.until((m) => m.get('Reply-Text') === '+OK bye');
    }
    assert.equal((await second.call.ended).hangupCause, 'NORMAL_CLEARING');
    assert.equal((await first.call.ended).exitReceived, true);
  });
});
