/**
 * Which events a connection gets, as mod_event_socket decides it (event_handler, parse_command): `myevents` binds
 * the socket to its channel, `nixevent` takes event types off again, `ALL` and CUSTOM subclasses, and filters.
 */
import assert from 'node:assert/strict';
import { SimSession, type Msg } from './helpers/sim-session.js';

/** Event names received until the EXECUTE_COMPLETE of `app` (included). */
async function eventsUntilComplete(s: SimSession, app: string): Promise<string[]> {
  const names: string[] = [];
  for (;;) {
    const m: Msg = await s.next();
    if (m.type === 'command/reply') continue;
    names.push(m.type === 'CUSTOM' ? `CUSTOM ${m.get('Event-Subclass') ?? ''}` : m.type);
    if (m.type === 'CHANNEL_EXECUTE_COMPLETE' && m.get('Application') === app) return names;
  }
}

describe('event subscriptions', () => {
  let s: SimSession | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('myevents then nixevent: the channel\'s completions without its CHANNEL_EXECUTE, STATE or PLAYBACK events', async () => {
    s = await SimSession.open();
    await s.command('connect');
    await s.command('myevents json');
    assert.equal((await s.command('nixevent CHANNEL_EXECUTE CHANNEL_STATE')).get('Reply-Text'), '+OK events nixed');
    await s.execute('answer');
    const names = await eventsUntilComplete(s, 'answer');
    await s.execute('playback', 'silence_stream://100');
    names.push(...await eventsUntilComplete(s, 'playback'));
    assert.deepEqual(names, ['CHANNEL_ANSWER', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_EXECUTE_COMPLETE']);
  });

  it('nixevent of one type after event ALL keeps every other type', async () => {
    s = await SimSession.open();
    await s.command('connect');
    await s.command('myevents json');
    await s.command('event json ALL');
    await s.command('nixevent CHANNEL_EXECUTE');
    await s.execute('playback', 'silence_stream://100');
    // Unanswered: playback pre-answers the channel first.
    assert.deepEqual(await eventsUntilComplete(s, 'playback'),
      ['CHANNEL_PROGRESS_MEDIA', 'PLAYBACK_START', 'PLAYBACK_STOP', 'CHANNEL_EXECUTE_COMPLETE']);
  });

  it('event CHANNEL_EXECUTE and nixevent CHANNEL_EXECUTE turn it on and off between applications', async () => {
    s = await SimSession.open();
    await s.command('connect');
    await s.command('myevents json');
    await s.command('nixevent CHANNEL_EXECUTE');
    await s.command('event json CHANNEL_EXECUTE');
    await s.execute('answer');
    assert.deepEqual(await eventsUntilComplete(s, 'answer'), ['CHANNEL_EXECUTE', 'CHANNEL_ANSWER', 'CHANNEL_EXECUTE_COMPLETE']);
    await s.command('nixevent CHANNEL_EXECUTE');
    await s.execute('set', 'x=1');
    assert.deepEqual(await eventsUntilComplete(s, 'set'), ['CHANNEL_EXECUTE_COMPLETE']);
  });

  it('nixevent CUSTOM alone leaves CUSTOM and its subclasses subscribed', async () => {
    s = await SimSession.open();
    await s.command('connect');
    await s.command('myevents json');
    await s.command('event json CUSTOM conference::maintenance');
    assert.equal((await s.command('nixevent CUSTOM')).get('Reply-Text'), '+OK events nixed');
    await s.execute('answer');
    await s.execute('conference', 'nixed-room@default');
    const added = await s.until((m) => m.type === 'CUSTOM');
    assert.equal(added.get('Action'), 'add-member');
  });

  it('nixevent CUSTOM <subclass> takes that subclass off', async () => {
    s = await SimSession.open();
    await s.command('connect');
    await s.command('myevents json');
    await s.command('event json CUSTOM conference::maintenance');
    await s.command('nixevent CUSTOM conference::maintenance');
    await s.execute('answer');
    await s.execute('conference', 'quiet-room@default');
    await s.until((m) => m.type === 'CHANNEL_EXECUTE' && m.get('Application') === 'conference');
    await s.api(`uuid_kill ${s.call.uuid}`);
    await s.complete('conference');
    assert.deepEqual(s.all('CUSTOM'), []);
  });

  it('a filter drops the events that lack its header, and noevents stops everything', async () => {
    s = await SimSession.open();
    await s.command('connect');
    await s.command('myevents json');
    await s.command('filter Application answer');
    await s.execute('answer');
    const first = await s.next();
    assert.equal(first.type, 'CHANNEL_EXECUTE');
    assert.equal(first.get('Application'), 'answer');
    // CHANNEL_ANSWER has no Application header: a filter on it drops the event.
    assert.equal((await s.next()).type, 'CHANNEL_EXECUTE_COMPLETE');
    const reply = async (command: string): Promise<string | undefined> => {
      s!.conn.send(`${command}\n\n`);
      return (await s!.until((m) => m.type === 'command/reply')).get('Reply-Text');
    };
    assert.match(await reply('filter delete all') ?? '', /^\+OK filter deleted/);
    assert.equal(await reply('noevents'), '+OK no longer listening for events');
    assert.equal(await reply('noevents'), '-ERR not listening for events');
  });
});
