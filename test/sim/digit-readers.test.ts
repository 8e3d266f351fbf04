/**
 * Who takes the caller's digits and when: an application that reads them takes each at once, the park loop of an
 * idle channel only after PARK_DIGIT_MS (70-95 ms on a real switch); play_and_get_digits' terminator and break
 * handling (switch_ivr_read / switch_ivr_collect_digits_count); file_string lists with an item that cannot open.
 */
import assert from 'node:assert/strict';
import { PARK_DIGIT_MS } from '../../src/sim/media/media-control.js';
import { SimSession } from './helpers/sim-session.js';

describe('simulator: who reads the digits', () => {
  let s: SimSession | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('the park loop of an idle channel reports a digit PARK_DIGIT_MS after it arrived', async () => {
    s = await SimSession.ready();
    await s.execute('answer');
    await s.complete('answer');
    s.call.pressDigits('1');
    assert.equal((await s.until((m) => m.type === 'DTMF')).get('DTMF-Digit'), '1');
    const [taken] = s.call.digitsTaken;
    assert.equal(taken?.byPark, true);
    assert.equal(taken?.app, undefined);
    assert.ok(taken.takenMs - taken.arrivedMs >= PARK_DIGIT_MS, `taken after ${taken.takenMs - taken.arrivedMs} ms`);
  });

  it('an input application reads a digit at once, also one that arrived before it started', async () => {
    // Real time: the execute's trip over the socket is then short next to PARK_DIGIT_MS.
    s = await SimSession.ready({}, { timeScale: 1 });
    await s.execute('answer');
    await s.complete('answer');
    const call = s.call;
    // Pressed on the simulator's side as the idle channel's park loop runs; the application starts one frame later.
    call.pressDigits('7');
    await s.execute('play_and_get_digits', '0 2 1 5000 # silence');
    await s.until((m) => m.type === 'DTMF');
    call.pressDigits('8');
    await s.complete('play_and_get_digits');
    const [early, late] = call.digitsTaken;
    assert.equal(early?.app, 'play_and_get_digits');
    assert.equal(early?.byPark, false);
    assert.ok(early.takenMs - early.arrivedMs < PARK_DIGIT_MS, `taken after ${early.takenMs - early.arrivedMs} ms`);
    assert.equal(late?.app, 'play_and_get_digits');
    assert.ok(late.takenMs - late.arrivedMs < 1, 'the key pressed while it waits is taken in the same turn');
  });

  it('play_and_get_digits: a terminator taken by the prompt ends the reading at once, with no digits', async () => {
    s = await SimSession.ready();
    await s.execute('answer');
    await s.execute('play_and_get_digits', '0 4 1 5000 # silence_stream://100000 silence_stream://250 v');
    await s.until((m) => m.type === 'PLAYBACK_START');
    const pressedMs = s.call.nowMs();
    s.call.pressDigits('#');
    const done = await s.complete('play_and_get_digits');
    assert.ok(s.call.nowMs() - pressedMs < 1000, 'no wait for more keys');
    assert.equal(done.get('variable_read_terminator_used'), '#');
    assert.equal(done.get('variable_v'), undefined);
    assert.equal(s.all('PLAYBACK_START').length, 1, 'no invalid-input prompt');
  });

  it('play_and_get_digits: uuid_break stops the prompt, not the wait for keys', async () => {
    s = await SimSession.ready();
    await s.execute('answer');
    await s.execute('play_and_get_digits', '0 4 1 3000 # silence_stream://100000');
    await s.until((m) => m.type === 'PLAYBACK_START');
    const brokenMs = s.call.nowMs();
    await s.api(`uuid_break ${s.call.uuid}`);
    assert.equal((await s.until((m) => m.type === 'PLAYBACK_STOP')).get('Playback-Status'), 'break');
    await s.complete('play_and_get_digits');
    assert.ok(s.call.nowMs() - brokenMs >= 3000, 'the wait for keys ran to its timeout');
  });

  it('file_string: an item that cannot open is skipped, the others play', async () => {
    s = await SimSession.ready({}, { mediaDurations: { 'http://x/gone.mp3': null } });
    await s.execute('answer');
    await s.execute('playback', 'file_string://http://x/gone.mp3!silence_stream://300');
    const done = await s.complete('playback');
    assert.equal(done.get('Application-Response'), 'FILE PLAYED');
    assert.equal(done.get('variable_playback_ms'), '300');
  });
});
