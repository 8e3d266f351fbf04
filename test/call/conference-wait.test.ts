import assert from 'node:assert/strict';
import type { SimulatedCall } from '../../src/sim/index.js';
import type { MemberPlay } from '../../src/sim/conference/member-files.js';
import { apiLines, appLines, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';

const OK = { status: 204, body: '', contentType: 'text/plain' };
/** FreeSWITCH milliseconds of the long hold file: it plays until something stops it. */
const LONG_MS = 3_600_000;

function roomOf(call: SimulatedCall): string {
  const line = appLines(call).find((l) => l.startsWith('conference ')) ?? '';
  return line.slice('conference '.length).split('@')[0] ?? '';
}

function playCommands(call: SimulatedCall): string[] {
  return apiLines(call).filter((l) => / play /.test(l) && l.startsWith('conference '));
}

function mohOf(call: SimulatedCall): string | undefined {
  return apiLines(call).find((l) => l.includes(' conference_moh_sound '))?.split(' ')[3];
}

describe('engine: Conference waitUrl for waiting members', () => {
  let e: EngineHarness;
  beforeEach(async () => {
    e = await startEngine({ sim: { mediaDurations: { 'long.mp3': LONG_MS, 'short.mp3': 500 } } });
  });
  afterEach(async () => {
    await e.close();
  });

  function caller(path: string, dial: string): SimulatedCall {
    e.web.route(path, twiml(dial));
    return e.call({ variables: { pivot_voice_url: e.web.url(path), 'ecallmgr_Account-ID': 'acct0001' } });
  }

  /** The files the room played to the call's member, in order. */
  function plays(call: SimulatedCall): MemberPlay[] {
    const room = roomOf(call);
    const ids = new Set(e.sim.rooms.list(room)?.filter((m) => m.uuid === call.uuid).map((m) => m.memberId));
    return e.sim.rooms.memberPlays.filter((p) => p.room === room && (ids.size === 0 || ids.has(p.memberId)));
  }

  async function inRoom(call: SimulatedCall, members = 1): Promise<void> {
    await eventually(() => roomOf(call) !== '' && (e.sim.rooms.list(roomOf(call))?.length ?? 0) >= members, 3000,
      `${members} member(s) in the room`);
  }

  it('plays the document to the waiting member, again and again, and stops the moment a moderator joins', async () => {
    e.web.route('/after', OK);
    e.web.route('/wait', twiml('<Say voice="woman">Please hold.</Say><Play>/media/short.mp3</Play><Pause length="1"/>' +
      '<Gather numDigits="1"/>'));
    const a = caller('/a', '<Dial action="/after"><Conference startConferenceOnEnter="false" waitUrl="/wait" ' +
      'statusCallback="/status" statusCallbackEvent="start">Lobby</Conference></Dial>');
    e.web.route('/status', OK);
    await inRoom(a);
    await eventually(() => e.web.to('/wait').length >= 3, 5000, 'the waitUrl fetched a third time');
    const say = 'tts://flite|slt|Please hold.';
    const music = e.web.url('/media/short.mp3');
    const rounds = plays(a).map((p) => p.file);
    assert.deepEqual(rounds.slice(0, 4), [say, music, say, music], 'Say then Play, in order, each round');
    assert.ok(plays(a).slice(0, 4).every((p) => p.outcome === 'done'), 'each played to its end before the next');
    assert.equal(mohOf(a), 'silence_stream://-1', 'the room plays nothing of its own over the wait audio');
    const request = e.web.to('/wait')[0]!.params;
    assert.equal(request['CallSid'], a.uuid);
    assert.equal(request['FriendlyName'], 'Lobby');
    assert.match(request['ConferenceSid'] ?? '', /^CF[0-9a-f]{32}$/);
    assert.equal(request['CallStatus'], 'in-progress');

    // The next round plays a long file; the moderator joins while it plays.
    e.web.route('/wait', twiml('<Play>/media/long.mp3</Play>'));
    const long = e.web.url('/media/long.mp3');
    await eventually(() => plays(a).some((p) => p.file === long && p.outcome === 'playing'), 5000, 'the long file playing');
    const b = caller('/b', '<Dial><Conference>Lobby</Conference></Dial>');
    await inRoom(b, 2);
    await eventually(() => plays(a).find((p) => p.file === long)?.outcome === 'stopped', 3000, 'the wait audio stopped');
    const memberId = e.sim.rooms.list(roomOf(a))?.find((m) => m.uuid === a.uuid)?.memberId;
    const lines = apiLines(a);
    const stopAt = lines.indexOf(`conference ${roomOf(a)} stop all ${memberId}`);
    assert.ok(stopAt > 0, 'stop all <member> was sent');
    assert.deepEqual(lines.slice(stopAt + 1).filter((l) => / play /.test(l)), [], 'nothing played after the stop');
    const fetches = e.web.to('/wait').length;

    // The conference goes on: both members are in; the start callback came from the moderator's join.
    assert.equal(e.sim.rooms.list(roomOf(a))?.length, 2);
    await eventually(() => e.web.to('/status').length === 1, 3000, 'the start callback');
    assert.equal(e.web.to('/status')[0]!.params['StatusCallbackEvent'], 'conference-start');
    b.hangup();
    a.hangup();
    await e.finish(b);
    await e.finish(a);
    assert.equal(e.web.to('/wait').length, fetches, 'no waitUrl request once the conference started');
    assert.equal(e.web.to('/after')[0]?.params['DialCallStatus'], 'completed');
    assert.ok(!appLines(a).some((l) => l.startsWith('play_and_get_digits')), 'the Gather of the wait document was skipped');
    assert.equal(e.rooms.conferences.size, 0);
  });

  it('a hangup while waiting leaves nothing behind: no play, no timer, no listener, no room', async () => {
    e.web.route('/wait', twiml('<Play>/media/long.mp3</Play>'));
    const a = caller('/a', '<Dial><Conference startConferenceOnEnter="false" waitUrl="/wait">alone</Conference></Dial>');
    await inRoom(a);
    await eventually(() => plays(a).some((p) => p.outcome === 'playing'), 3000, 'the wait audio playing');
    const room = roomOf(a);
    a.hangup();
    await e.finish(a);
    assert.equal(e.sim.rooms.memberPlays.filter((p) => p.room === room).at(-1)?.outcome, 'dropped');
    assert.ok(!apiLines(a).some((l) => l.includes(' stop ')), 'no stop is sent for a member that is gone');
    assert.deepEqual(e.sim.rooms.names, []);
    assert.equal(e.rooms.conferences.size, 0);
  });

  it('a hangup while the waitUrl is being requested aborts the request', async () => {
    e.web.route('/wait', { hang: true });
    const a = caller('/a', '<Dial><Conference startConferenceOnEnter="false" waitUrl="/wait">slow</Conference></Dial>');
    await inRoom(a);
    await eventually(() => e.web.to('/wait').length === 1, 3000, 'the waitUrl requested');
    a.hangup();
    await e.finish(a);
    assert.deepEqual(playCommands(a), []);
    assert.equal(e.rooms.conferences.size, 0);
  });

  it('an audio waitUrl is played to the member again each time it ends, without a request of ours', async () => {
    const a = caller('/a', '<Dial><Conference startConferenceOnEnter="false" waitUrl="/media/short.mp3">tune</Conference></Dial>');
    await inRoom(a);
    await eventually(() => plays(a).filter((p) => p.outcome === 'done').length >= 2, 3000, 'two rounds of the file');
    assert.ok(plays(a).every((p) => p.file === e.web.url('/media/short.mp3')));
    assert.deepEqual(e.web.to('/media/short.mp3'), [], 'FreeSWITCH fetches the audio, not the server');
    assert.equal(mohOf(a), 'silence_stream://-1');
    a.hangup();
    await e.finish(a);
  });

  it('waitUrl="" is silence; without waitUrl the hold music is played to the member', async () => {
    const quiet = caller('/q', '<Dial><Conference startConferenceOnEnter="false" waitUrl="">hush</Conference></Dial>');
    const plain = caller('/p', '<Dial><Conference startConferenceOnEnter="false">music</Conference></Dial>');
    await inRoom(quiet);
    await inRoom(plain);
    await eventually(() => plays(plain).length >= 1, 3000, 'the hold music');
    assert.equal(plays(plain)[0]?.file, 'local_stream://moh');
    assert.equal(mohOf(quiet), 'silence_stream://-1');
    assert.equal(mohOf(plain), 'silence_stream://-1');
    // The moderator's join stops nothing in a silent room.
    const host = caller('/h', '<Dial><Conference>hush</Conference></Dial>');
    await inRoom(host, 2);
    for (const call of [host, quiet, plain]) call.hangup();
    for (const call of [host, quiet, plain]) await e.finish(call);
    assert.deepEqual(playCommands(quiet), []);
    assert.ok(!apiLines(quiet).some((l) => l.includes(' stop ')));
  });

  it('hostile Say text and URLs reach FreeSWITCH neutralised, as one word each', async () => {
    const text = "Hi ${system(rm -rf /)} it's a 'test' \\s {x} | more\r\nline";
    e.web.route('/wait', twiml(`<Say>{vol=-50}${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Say>` +
      "<Play>/media/it's a ${bad}.mp3</Play><Play>local_stream://other</Play><Pause length=\"30\"/>"));
    const a = caller('/a', '<Dial><Conference startConferenceOnEnter="false" waitUrl="/wait">x</Conference></Dial>');
    await inRoom(a);
    await eventually(() => plays(a).length >= 2, 3000, 'the Say and the Play');
    a.hangup();
    await e.finish(a);
    const lines = playCommands(a);
    assert.equal(lines.length, 2, 'the refused local_stream path was not sent');
    for (const line of lines) assert.ok(!line.includes('${'), `no expansion left in ${line}`);
    const [say, play] = plays(a);
    assert.equal(say?.file, 'tts://flite|rms|vol=-50}Hi $ {system(rm -rf /)} its a test s {x} | more line');
    assert.equal(lines[0]?.split("'").length, 3, 'exactly one quoted word');
    assert.equal(play?.file, `${e.web.url('/media/')}it%27s%20a%20$%7Bbad%7D.mp3`);
    assert.ok(lines[1]?.endsWith(` ${play?.file} ${say?.memberId}`), 'the URL goes as one word');
  });
});
