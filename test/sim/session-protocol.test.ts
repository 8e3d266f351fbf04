/** The outbound socket protocol: command replies, subscriptions, sendmsg forms, api and bgapi. */
import assert from 'node:assert/strict';
import { SimSession } from './helpers/sim-session.js';

describe('session protocol', () => {
  let s: SimSession | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('sends no reply to a first command that is not connect', async () => {
    s = await SimSession.open();
    s.conn.send('myevents\n\n');
    await assert.rejects(s.next(150), /timed out/);
    const reply = await s.command('connect');
    assert.equal(reply.type, 'command/reply');
    assert.equal(reply.get('Reply-Text'), '%2BOK%0A');
    assert.equal(reply.get('Control'), 'full');
    assert.equal(reply.outer.at(-2)?.[0], 'Socket-Mode');
  });

  it('answers each command with FreeSWITCH\'s text', async () => {
    s = await SimSession.open({ variables: { foo: 'bar' } });
    await s.command('connect');
    const texts = async (cmd: string): Promise<string | undefined> => (await s!.command(cmd)).get('Reply-Text');
    assert.equal(await texts('myevents'), '+OK Events Enabled');
    assert.equal(await texts('myevents'), '-ERR aready enabled.');
    assert.equal(await texts('event CHANNEL_ANSWER'), '+OK event listener enabled plain');
    assert.equal(await texts('event json CUSTOM conference::maintenance'), '+OK event listener enabled json');
    assert.equal(await texts('event json NOSUCH'), '-ERR no keywords supplied');
    assert.equal(await texts('nixevent CHANNEL_ANSWER'), '+OK events nixed');
    assert.equal(await texts('noevents'), '+OK no longer listening for events');
    assert.equal(await texts('filter Unique-ID abc'), '+OK filter added. [Unique-ID]=[abc]');
    assert.equal(await texts('filter Unique-ID'), '-ERR invalid syntax');
    assert.equal(await texts('filter delete Unique-ID abc'), '+OK filter deleted. [Unique-ID][abc]');
    assert.equal(await texts('linger'), '+OK will linger');
    assert.equal(await texts('linger 30'), '+OK will linger 30 seconds');
    assert.equal(await texts('nolinger'), '+OK will not linger');
    assert.equal(await texts('resume'), '+OK');
    assert.equal(await texts('divert_events on'), '+OK events diverted');
    assert.equal(await texts('getvar foo'), 'bar');
    assert.equal(await texts('getvar nosuchvar'), '-ERR command not found');
    assert.equal(await texts('nosuchcommand'), '-ERR command not found');
    assert.equal(await texts(`sendmsg 00000000-0000-0000-0000-000000000000`), '-ERR invalid session id [00000000-0000-0000-0000-000000000000]');
    const api = await s.command('api nosuch x');
    assert.equal(api.type, 'api/response');
    assert.equal(api.body, '-ERR nosuch Command not found!\n');
  });

  it('bgapi honours a Job-UUID and delivers BACKGROUND_JOB with the output as body', async () => {
    s = await SimSession.open();
    await s.command('connect');
    await s.command('myevents');
    await s.command('event plain BACKGROUND_JOB');
    const reply = await s.command('bgapi uuid_getvar ' + s.call.uuid + ' call_uuid\nJob-UUID: job-1');
    assert.equal(reply.get('Reply-Text'), '+OK Job-UUID: job-1');
    assert.equal(reply.get('Job-UUID'), 'job-1');
    const job = await s.next();
    assert.equal(job.type, 'BACKGROUND_JOB');
    assert.equal(job.get('Job-UUID'), 'job-1');
    assert.equal(job.get('Job-Owner-UUID'), s.call.uuid);
    assert.equal(job.get('Job-Command-Arg'), `${s.call.uuid}%20call_uuid`);
    assert.equal(job.body, s.call.uuid);
  });

  it('uuid_answer answers the channel: +OK, then CHANNEL_ANSWER; -ERROR for another uuid or a channel hung up', async () => {
    s = await SimSession.ready({ profile: 'sip' });
    const other = await s.api('uuid_answer 00000000-0000-0000-0000-000000000000');
    assert.equal(other.body, '-ERROR\n');
    const reply = await s.api(`uuid_answer ${s.call.uuid}`);
    assert.equal(reply.body, '+OK\n');
    // mod_event_socket runs the api in the socket's thread: its response is written before the events it queued.
    assert.equal((await s.next()).type, 'CHANNEL_PROGRESS_MEDIA');
    const answer = await s.next();
    assert.equal(answer.type, 'CHANNEL_ANSWER');
    assert.equal(answer.get('Answer-State'), 'answered');
    assert.notEqual(answer.get('Caller-Channel-Answered-Time'), '0');
    assert.equal((await s.api(`uuid_answer ${s.call.uuid}`)).body, '+OK\n', 'answered already: nothing to do');
    await s.api(`uuid_kill ${s.call.uuid}`);
    assert.equal((await s.api(`uuid_answer ${s.call.uuid}`)).body, '-ERROR\n');
  });

  it('runs an argument sent as a body, tolerating \\r\\n, and reports the Event-UUID', async () => {
    s = await SimSession.ready();
    const arg = 'multi=line\nvalue';
    s.conn.send(
      `sendmsg\r\ncall-command: execute\r\nexecute-app-name: set\r\nEvent-UUID: ev-1\r\ncontent-type: text/plain\r\ncontent-length: ${arg.length}\r\n\r\n${arg}\n\n`,
    );
    assert.equal((await s.next()).get('Reply-Text'), '+OK');
    const done = await s.complete('set');
    assert.equal(done.get('Application-UUID'), 'ev-1');
    assert.equal(done.get('variable_multi'), 'line\nvalue');
  });

  it('repeats an app with loops, exposing current_loop', async () => {
    s = await SimSession.ready();
    await s.execute('playback', 'silence_stream://100', { loops: '3' });
    const loops = [];
    for (let i = 0; i < 3; i++) loops.push((await s.complete('playback')).get('variable_current_loop'));
    assert.deepEqual(loops, ['1', '2', '3']);
  });

  it('sends the unsolicited CHANNEL_PARK when asked to', async () => {
    s = await SimSession.open({ unsolicitedPark: 'after-event' });
    await s.command('connect');
    await s.command('myevents json');
    assert.equal((await s.command('event json BACKGROUND_JOB')).type, 'command/reply');
    const park = await s.next();
    assert.equal(park.type, 'CHANNEL_PARK');
    assert.equal(park.get('variable_current_application'), 'socket');
  });

  it('keeps one event format per connection and filters by header', async () => {
    s = await SimSession.open();
    await s.command('connect');
    await s.command('event json CHANNEL_EXECUTE_COMPLETE');
    await s.command('event CHANNEL_EXECUTE');
    await s.command('filter Application answer');
    await s.execute('set', 'a=1');
    await s.execute('answer');
    const first = await s.next();
    assert.equal(first.kind, 'json');
    assert.equal(first.get('Application'), 'answer');
  });
});
