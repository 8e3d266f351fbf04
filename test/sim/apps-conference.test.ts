/** Conference rooms shared by the simulator's calls. */
import assert from 'node:assert/strict';
import { encodeEventBody, type HeaderBlock } from '../../src/sim/index.js';
import { eventually } from '../support/harness.js';
import { SimSession } from './helpers/sim-session.js';

/** The headers of a switch event, as an inbound Event Socket session would read them. */
function headersOf(blocks: readonly HeaderBlock[]): Record<string, string> {
  return JSON.parse(encodeEventBody('json', blocks).text) as Record<string, string>;
}

describe('conference', () => {
  let a: SimSession | undefined;
  afterEach(async () => {
    await a?.close();
    a = undefined;
  });

  it('members share a room; the endconf member leaving hangs the others up', async () => {
    a = await SimSession.ready();
    const b = await a.spawn();
    await a.execute('answer');
    await a.execute('conference', 'room9@default+flags{moderator}');
    const addA = await a.until((m) => m.type === 'CUSTOM' && m.get('Action') === 'add-member');
    assert.equal(addA.get('Member-Type'), 'moderator');
    assert.equal(addA.get('Event-Subclass'), 'conference::maintenance');
    assert.equal(addA.get('variable_uuid'), undefined, 'no variables in conference events');
    await a.until((m) => m.get('Action') === 'floor-change');
    await b.execute('answer');
    await b.execute('conference', 'room9+flags{mute|endconf}');
    const addB = await b.until((m) => m.get('Action') === 'add-member');
    assert.equal(addB.get('Conference-Size'), '2');
    assert.equal(addB.get('Speak'), 'false');
    const list = await a.api('conference room9 list');
    const lines = list.body.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? '', new RegExp(`;${b.call.uuid};;5551234;hear;0;0;100$`));
    assert.match(lines[1] ?? '', /;hear\|speak\|floor\|moderator;0;0;100$/);
    const json = await a.api('conference room9 json_list');
    assert.ok(json.body.startsWith('[{\n\t\t"conference_name":\t"room9",\n'));
    b.call.hangup();
    await b.until((m) => m.get('Action') === 'del-member');
    assert.equal((await b.complete('conference')).get('Answer-State'), 'hangup');
    const hangup = await a.until((m) => m.type === 'CHANNEL_HANGUP');
    assert.equal(hangup.get('Hangup-Cause'), 'NORMAL_CLEARING');
    assert.equal((await a.next()).get('Content-Disposition'), 'linger', 'the linger notice overtakes the rest');
    assert.equal((await a.next()).get('Action'), 'del-member');
    assert.equal((await a.complete('conference')).get('variable_conference_moderator'), 'true');
  });

  it('stock profile: the alone-sound goes to the room at a lone entry and when a member leaves one behind', async () => {
    a = await SimSession.ready({}, { mediaDurations: { 'conf-alone.wav': null } });
    const room: Array<Record<string, string>> = [];
    a.sim.events.listen((ev) => { if (ev.uniqueId === undefined) room.push(headersOf(ev.blocks)); });
    const b = await a.spawn();
    await a.execute('answer');
    await a.execute('conference', 'room11@default+flags{moderator}');
    await a.until((m) => m.get('Action') === 'add-member');
    assert.equal(room.length, 1, 'at the entry of a lone member');
    await b.execute('answer');
    await b.execute('conference', 'room11@default');
    await b.until((m) => m.get('Action') === 'add-member');
    assert.equal(room.length, 1, 'not when a second member comes in');
    b.call.hangup();
    await b.until((m) => m.get('Action') === 'del-member');
    assert.equal(room.length, 2, 'when the other member leaves');
    for (const event of room) {
      // real-findings/no-alone-prompt: no member, no channel; the file even when it does not open.
      assert.equal(event['Event-Subclass'], 'conference::maintenance');
      assert.equal(event['Action'], 'play-file');
      assert.equal(event['Conference-Name'], 'room11');
      assert.equal(event['Conference-Profile-Name'], 'default');
      assert.equal(event['Conference-Size'], '1');
      assert.equal(event['File'], '/opt/freeswitch/share/freeswitch/sounds/en/us/callie/conference/conf-alone.wav');
      assert.equal(event['Error'], 'File could not be played');
      assert.equal(event['Unique-ID'], undefined);
      assert.equal(event['Member-ID'], undefined);
    }
    assert.ok(![...a.seen, ...b.seen].some((m) => m.get('Action') === 'play-file'), 'no myevents socket sees it');
    assert.deepEqual(a.sim.rooms.roomPlays.map((p) => p.outcome), ['missing', 'missing']);
  });

  it('a sound file that opens is reported by play-file-done once played; none while waiting for a moderator', async () => {
    a = await SimSession.ready();
    const room: Array<Record<string, string>> = [];
    a.sim.events.listen((ev) => { if (ev.uniqueId === undefined) room.push(headersOf(ev.blocks)); });
    const b = await a.spawn();
    await b.execute('answer');
    await b.execute('conference', 'room15@default+flags{wait-mod}');
    await b.until((m) => m.get('Action') === 'add-member');
    await a.execute('answer');
    await a.execute('conference', 'room16@default');
    await a.until((m) => m.get('Action') === 'add-member');
    await eventually(() => room.length > 0, 3000, 'the end of the prompt');
    assert.deepEqual(room.map((e) => [e['Action'], e['Conference-Name'], e['milliseconds']]), [['play-file-done', 'room16', '3000']]);
  });

  it('a silent entry (conference_silent_entry): no alone-sound and no add-member event', async () => {
    a = await SimSession.ready({}, { mediaDurations: { 'conf-alone.wav': null } });
    await a.execute('answer');
    await a.execute('set', 'conference_silent_entry=true');
    await a.execute('conference', 'room12@default');
    const first = await a.until((m) => m.get('Event-Subclass') === 'conference::maintenance');
    assert.equal(first.get('Action'), 'floor-change', 'the add-member event is left out');
    assert.deepEqual(a.sim.rooms.roomPlays, []);
  });

  it('the shipped pivot profile: no alone-sound, no kick prompt; a profile the switch lacks is reported as none', async () => {
    a = await SimSession.ready();
    const b = await a.spawn();
    await a.execute('answer');
    await a.execute('conference', 'room13@pivot');
    const add = await a.until((m) => m.get('Action') === 'add-member');
    assert.equal(add.get('Conference-Profile-Name'), 'pivot');
    await a.api(`conference room13 kick ${add.get('Member-ID')}`);
    assert.equal((await a.complete('conference')).get('Answer-State'), 'answered');
    assert.equal(a.all('PLAYBACK_START').length, 0, 'no kicked-sound');
    await b.execute('answer');
    await b.execute('conference', 'room14@nosuch');
    assert.equal((await b.until((m) => m.get('Action') === 'add-member')).get('Conference-Profile-Name'), 'none');
    assert.deepEqual(a.sim.rooms.roomPlays, []);
  });

  it('kick: kick-member, del-member, the kick prompt, then completion with the channel up', async () => {
    a = await SimSession.ready();
    await a.execute('answer');
    await a.execute('conference', 'room10');
    const add = await a.until((m) => m.get('Action') === 'add-member');
    const reply = await a.api(`conference room10 kick ${add.get('Member-ID')}`);
    assert.equal(reply.body, `+OK kicked ${add.get('Member-ID')}\n`);
    assert.equal((await a.next()).get('Action'), 'kick-member');
    assert.equal((await a.next()).get('Action'), 'del-member');
    const start = await a.next();
    assert.equal(start.type, 'PLAYBACK_START');
    assert.match(start.get('Playback-File-Path') ?? '', /conf-kicked\.wav$/);
    assert.equal((await a.complete('conference')).get('Answer-State'), 'answered');
    assert.equal((await a.api('conference room10 list')).body, 'Conference room10 not found\n');
  });
});
