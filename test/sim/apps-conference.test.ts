/** Conference rooms shared by the simulator's calls. */
import assert from 'node:assert/strict';
import { SimSession } from './helpers/sim-session.js';

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
