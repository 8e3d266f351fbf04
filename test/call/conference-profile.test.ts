import assert from 'node:assert/strict';
import type { EslEvent } from '../../src/esl/index.js';
import type { SimulatedCall } from '../../src/sim/index.js';
import { startPark, type ParkHarness } from '../park/park-support.js';
import { appLines, startEngine, type EngineHarness, type EngineOptions } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';

const ACCOUNT = 'acct0001';
const STOCK: EngineOptions = { call: { conference: { profile: 'default' } } };
const NO_SOUNDS: EngineOptions = { ...STOCK, sim: { mediaDurations: { 'conf-alone.wav': null } } };

function roomOf(call: SimulatedCall): string {
  const line = appLines(call).find((l) => l.startsWith('conference ')) ?? '';
  return line.slice('conference '.length).split('@')[0] ?? '';
}

/**
 * mod_conference's alone prompt ("You are currently the only person in this conference"): the stock profile plays
 * it to the room when a member is alone, the shipped `pivot` profile does not; the server warns once per profile
 * when the park-watcher's session shows the prompt in one of its rooms, and once when the profile is missing.
 */
describe('engine: conference profile', () => {
  let p: ParkHarness | undefined;
  let e: EngineHarness | undefined;
  afterEach(async () => {
    await p?.close();
    await e?.close();
    p = undefined;
    e = undefined;
  });

  /** Starts the engine, a node and its park-watcher; collects the alone prompts the watcher passes on. */
  async function start(engine: EngineOptions = {}): Promise<{ h: ParkHarness; prompts: EslEvent[] }> {
    const h = await startPark({ engine });
    p = h;
    const prompts: EslEvent[] = [];
    h.watcher.forwardRoomEvents((event) => {
      if (/conf-alone\.wav$/.test(event.header('File') ?? '')) prompts.push(event);
      h.e.rooms.profiles.roomEvent(event);
    });
    return { h, prompts };
  }

  function caller(h: ParkHarness, path: string, doc: string): SimulatedCall {
    h.e.web.route(path, twiml(doc));
    return h.e.call({ variables: { pivot_voice_url: h.e.web.url(path), 'ecallmgr_Account-ID': ACCOUNT } });
  }

  /** A lone member, then a second one that leaves it alone again. */
  async function loneThenLeftAlone(h: ParkHarness): Promise<void> {
    const a = caller(h, '/a', '<Dial><Conference startConferenceOnEnter="true" endConferenceOnExit="true">Room3</Conference></Dial>');
    await eventually(() => roomOf(a) !== '' && h.e.sim.rooms.list(roomOf(a))?.length === 1, 3000, 'A in the room');
    const b = caller(h, '/b', '<Dial><Conference>Room3</Conference></Dial>');
    await eventually(() => h.e.sim.rooms.list(roomOf(a))?.length === 2, 3000, 'B in the room');
    b.hangup();
    await b.ended;
    await eventually(() => h.e.sim.rooms.list(roomOf(a))?.length === 1, 3000, 'A alone again');
    a.hangup();
    await h.e.finish(a);
  }

  it('stock profile: the room-wide prompt at entry and when left alone; one ERR_CONFERENCE_ALONE_PROMPT', async () => {
    const { h, prompts } = await start(NO_SOUNDS);
    await loneThenLeftAlone(h);
    await eventually(() => prompts.length === 2, 3000, 'both prompts seen by the watcher');
    const room = `${ACCOUNT}-Room3`;
    assert.deepEqual(h.e.sim.rooms.roomPlays.map((r) => [r.room, r.outcome]), [[room, 'missing'], [room, 'missing']]);
    for (const prompt of prompts) {
      // As real-findings/no-alone-prompt shows it: no member, no channel, the file even when it is missing.
      assert.equal(prompt.header('Action'), 'play-file');
      assert.equal(prompt.header('Unique-ID'), undefined);
      assert.equal(prompt.header('Member-ID'), undefined);
      assert.equal(prompt.header('Conference-Name'), room);
      assert.equal(prompt.header('Error'), 'File could not be played');
      assert.equal(prompt.header('File'), '/opt/freeswitch/share/freeswitch/sounds/en/us/callie/conference/conf-alone.wav');
    }
    const warnings = h.e.h.logs.withCode('ERR_CONFERENCE_ALONE_PROMPT');
    assert.equal(warnings.length, 1, 'once per profile');
    assert.equal(warnings[0]?.level, 'warn');
    assert.equal(warnings[0]?.['profile'], 'default');
    assert.equal(warnings[0]?.['room'], room);
    assert.equal(typeof warnings[0]?.['callSid'], 'string', 'logged with the ids of a call in the room');
    assert.equal(h.e.h.logs.withCode('ERR_CONFERENCE_PROFILE_MISSING').length, 0);
  });

  it('shipped profile (the default): no alone prompt, no warning', async () => {
    const { h, prompts } = await start();
    await loneThenLeftAlone(h);
    assert.deepEqual(h.e.sim.rooms.roomPlays, []);
    assert.deepEqual(prompts, []);
    assert.equal(h.e.h.logs.withCode('ERR_CONFERENCE_ALONE_PROMPT').length, 0);
    assert.equal(h.e.h.logs.withCode('ERR_CONFERENCE_PROFILE_MISSING').length, 0);
  });

  /** A queued caller taken by an agent: both meet in the private room, then the caller hangs up. */
  async function queueBridge(h: ParkHarness): Promise<string> {
    h.e.web.route('/enqueued', twiml('<Hangup/>'));
    h.e.web.route('/wait', twiml('<Pause length="30"/>'));
    const a = caller(h, '/voice', '<Enqueue action="/enqueued" waitUrl="/wait">support</Enqueue>');
    await eventually(() => h.e.web.to('/wait').length > 0, 3000, 'A waiting');
    const b = caller(h, '/agent', '<Dial><Queue>support</Queue></Dial>');
    await eventually(() => roomOf(a) !== '' && h.e.sim.rooms.list(roomOf(a))?.length === 2, 3000, 'both in the room');
    a.hangup();
    await h.e.finish(a);
    await h.e.finish(b);
    return roomOf(a);
  }

  it('private queue room, stock profile: the prompt at the first entry and when one leaves; one warning', async () => {
    const { h, prompts } = await start(STOCK);
    const room = await queueBridge(h);
    assert.match(room, /^acct0001-q-/);
    await eventually(() => prompts.length === 2, 3000, 'both prompts seen by the watcher');
    // With the sound files installed the room plays the prompt and reports it once played (play-file-done).
    assert.deepEqual(prompts.map((e) => [e.header('Action'), e.header('Conference-Name')]),
      [['play-file-done', room], ['play-file-done', room]]);
    const warnings = h.e.h.logs.withCode('ERR_CONFERENCE_ALONE_PROMPT');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.['room'], room);
  });

  it('private queue room, shipped profile: no prompt, no warning', async () => {
    const { h, prompts } = await start();
    await queueBridge(h);
    assert.deepEqual(h.e.sim.rooms.roomPlays, []);
    assert.deepEqual(prompts, []);
    assert.equal(h.e.h.logs.withCode('ERR_CONFERENCE_ALONE_PROMPT').length, 0);
  });

  it('a profile FreeSWITCH does not have: ERR_CONFERENCE_PROFILE_MISSING once, the rooms still work', async () => {
    e = await startEngine({ call: { conference: { profile: 'nosuch' } } });
    const engine = e;
    engine.web.route('/done', twiml('<Say>After.</Say>'));
    const calls = ['/a', '/b'].map((path) => {
      engine.web.route(path, twiml('<Dial action="/done"><Conference>Room4</Conference></Dial>'));
      return engine.call({ variables: { pivot_voice_url: engine.web.url(path), 'ecallmgr_Account-ID': ACCOUNT } });
    });
    await eventually(() => calls.every((c) => roomOf(c) !== '') && engine.sim.rooms.list(roomOf(calls[0]!))?.length === 2,
      3000, 'both in the room');
    for (const call of calls) call.hangup();
    for (const call of calls) await engine.finish(call);
    const warnings = engine.h.logs.withCode('ERR_CONFERENCE_PROFILE_MISSING');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.['profile'], 'nosuch');
    assert.match(String(warnings[0]?.msg), /conference-pivot\.xml/);
    assert.equal(engine.web.to('/done').length, 2);
  });
});
