/** Media application models: playback, DTMF, digit collection, speech. */
import assert from 'node:assert/strict';
import { SimSession } from './helpers/sim-session.js';

describe('media applications', () => {
  let s: SimSession | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('plays tone, silence, file_string and table durations; unknown files are FILE NOT FOUND', async () => {
    s = await SimSession.ready({}, { mediaDurations: { '/sounds/hello.wav': 1200, 'http://x/gone.mp3': null } });
    await s.execute('answer');
    const play = async (path: string): Promise<[string | undefined, string | undefined]> => {
      await s!.execute('playback', path);
      const done = await s!.complete('playback');
      return [done.get('Application-Response'), done.get('variable_playback_ms')];
    };
    assert.deepEqual(await play('tone_stream://L=2;%(100,50,440);loops=2'), ['FILE PLAYED', '600']);
    assert.deepEqual(await play('silence_stream://250'), ['FILE PLAYED', '250']);
    assert.deepEqual(await play('file_string:///sounds/hello.wav!silence_stream://300'), ['FILE PLAYED', '1500']);
    assert.deepEqual(await play('http://x/gone.mp3'), ['FILE NOT FOUND', '1500']);
    assert.equal(s.all('PLAYBACK_START').length, 3);
  });

  it('stops a playback on a playback_terminators digit and eats the others', async () => {
    s = await SimSession.ready();
    await s.execute('answer');
    await s.execute('set', 'playback_terminators=any');
    await s.execute('playback', 'silence_stream://100000');
    await s.until((m) => m.type === 'PLAYBACK_START');
    s.call.pressDigits('5');
    const stop = await s.until((m) => m.type === 'PLAYBACK_STOP');
    assert.equal(stop.get('Playback-Status'), 'break');
    const done = await s.complete('playback');
    assert.equal(done.get('Application-Response'), 'FILE PLAYED');
    assert.equal(done.get('variable_playback_terminator_used'), '5');
    assert.equal(s.all('DTMF')[0]?.get('DTMF-Digit'), '5');
  });

  it('park eats digits pressed between apps; sleep keeps them for the next app', async () => {
    s = await SimSession.ready();
    await s.execute('answer');
    await s.complete('answer');
    s.call.pressDigits('1');
    assert.equal((await s.until((m) => m.type === 'DTMF')).get('DTMF-Digit'), '1');
    // The key is pressed the moment sleep starts, on the simulator's side: waiting for its CHANNEL_EXECUTE on the
    // wire could let the (scaled) sleep end first on a loaded machine.
    const call = s.call;
    call.once('execute', (app: string) => { if (app === 'sleep') call.pressDigits('2'); });
    await s.execute('sleep', '1000');
    await s.execute('play_and_get_digits', '1 1 1 1000 # silence_stream://100 silence_stream://10 d \\d');
    await s.complete('sleep');
    const done = await s.complete('play_and_get_digits');
    assert.equal(done.get('variable_d'), '2');
    assert.equal(done.get('variable_read_result'), 'success');
  });

  it('play_and_get_digits: a regex mismatch sets <var>_invalid and tries again', async () => {
    s = await SimSession.ready();
    await s.execute('answer');
    await s.execute('play_and_get_digits', "2 2 2 2000 # 'silence_stream://100' silence_stream://50 pin ^1\\d$");
    await s.until((m) => m.type === 'PLAYBACK_START');
    s.call.pressDigits('23');
    await s.until((m) => m.type === 'PLAYBACK_START' && m.get('Playback-File-Path') === 'silence_stream://50');
    await s.until((m) => m.type === 'PLAYBACK_START' && m.get('Playback-File-Path') === 'silence_stream://100');
    s.call.pressDigits('17');
    const done = await s.complete('play_and_get_digits');
    assert.equal(done.get('variable_pin'), '17');
    assert.equal(done.get('variable_pin_invalid'), '23');
    assert.equal(done.get('variable_read_result'), 'success');
  });

  it('read: a digit timeout with enough digits is read_result=timeout', async () => {
    s = await SimSession.ready();
    await s.execute('answer');
    await s.execute('read', '1 4 silence_stream://2000 r 1000 #');
    await s.until((m) => m.type === 'PLAYBACK_START');
    s.call.pressDigits('42');
    const done = await s.complete('read');
    assert.equal(done.get('variable_r'), '42');
    assert.equal(done.get('variable_read_result'), 'timeout');
  });

  it('speak: known voices take time, unknown ones complete at once, a missing voice hangs up', async () => {
    s = await SimSession.ready();
    await s.execute('answer');
    await s.execute('speak', 'flite|kal|hello');
    assert.equal((await s.complete('speak')).get('Application-Response'), '_none_');
    await s.execute('speak', 'flite|nosuchvoice|hello');
    assert.equal((await s.complete('speak')).get('Answer-State'), 'answered');
    await s.execute('speak', 'hello');
    const hangup = await s.until((m) => m.type === 'CHANNEL_HANGUP');
    assert.equal(hangup.get('Hangup-Cause'), 'DESTINATION_OUT_OF_ORDER');
    assert.equal((await s.complete('speak')).get('Answer-State'), 'hangup');
  });

  it('say plays one prompt per digit', async () => {
    s = await SimSession.ready();
    await s.execute('answer');
    await s.execute('say', 'en number iterated 42');
    await s.complete('say');
    assert.deepEqual(s.all('PLAYBACK_START').map((m) => m.get('Playback-File-Path')), ['digits/4.wav', 'digits/2.wav']);
  });
});
