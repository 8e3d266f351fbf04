import assert from 'node:assert/strict';
import type { SimulatedCall } from '../../src/sim/index.js';
import { apiLines, appLines, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';
import { sentEvents } from './dial-support.js';

const OK = { status: 204, body: '', contentType: 'text/plain' };

function conferenceArgs(call: SimulatedCall): string[] {
  return appLines(call).filter((l) => l.startsWith('conference ')).map((l) => l.slice('conference '.length));
}

function roomOf(call: SimulatedCall): string {
  return (conferenceArgs(call)[0] ?? '').split('@')[0] ?? '';
}

describe('engine: Dial Conference', () => {
  let e: EngineHarness;
  beforeEach(async () => {
    e = await startEngine();
    e.web.route('/status', OK);
  });
  afterEach(async () => {
    await e.close();
  });

  function caller(path: string, dial: string, account = 'acct0001'): SimulatedCall {
    e.web.route(path, twiml(dial));
    return e.call({ variables: { pivot_voice_url: e.web.url(path), 'ecallmgr_Account-ID': account } });
  }

  async function inRoom(call: SimulatedCall, members = 1): Promise<void> {
    await eventually(() => roomOf(call) !== '' && (e.sim.rooms.list(roomOf(call))?.length ?? 0) >= members, 3000,
      `${members} member(s) in the room`);
  }

  it('turns every attribute into flags and channel variables', async () => {
    e.web.route('/done', OK);
    const a = caller('/a', '<Dial action="/done"><Conference muted="true" beep="false" startConferenceOnEnter="false" ' +
      'endConferenceOnExit="true" maxParticipants="10" waitUrl="">Room 1</Conference></Dial>');
    await inRoom(a);
    a.hangup();
    await e.finish(a);
    assert.deepEqual(conferenceArgs(a), ['acct0001-Room.201@pivot+flags{mute|wait-mod|endconf}']);
    const setvars = apiLines(a).filter((l) => l.startsWith('uuid_setvar ')).map((l) => l.split(' ').slice(2).join(' '));
    assert.deepEqual(setvars.filter((l) => l.startsWith('conference_') || l.startsWith('hangup_after')), [
      'hangup_after_conference false',
      'conference_moh_sound silence_stream://-1',
      'conference_max_members 10',
      'conference_enter_sound silence_stream://1',
      'conference_exit_sound silence_stream://1',
    ]);
    const done = e.web.to('/done')[0]!.params;
    assert.equal(done['DialCallStatus'], 'completed');
    assert.match(done['ConferenceSid'] ?? '', /^CF[0-9a-f]{32}$/);
  });

  it('defaults: moderator, both beeps, the configured hold music; a waitUrl document gives its Play', async () => {
    e.web.route('/hold', twiml('<Play>http://127.0.0.1:9/music.mp3</Play>'));
    const a = caller('/a', '<Dial><Conference waitUrl="/hold">lobby</Conference></Dial>');
    const b = caller('/b', '<Dial><Conference>lobby</Conference></Dial>');
    await inRoom(a);
    await inRoom(b, 2);
    a.hangup();
    b.hangup();
    await e.finish(a);
    await e.finish(b);
    assert.deepEqual(conferenceArgs(a), ['acct0001-lobby@pivot+flags{moderator}']);
    const moh = (call: SimulatedCall): string | undefined =>
      apiLines(call).find((l) => l.includes(' conference_moh_sound '))?.split(' ')[3];
    assert.equal(moh(a), 'http://127.0.0.1:9/music.mp3');
    assert.equal(moh(b), 'local_stream://moh');
    assert.ok(apiLines(b).some((l) => / conference_enter_sound\s*$/.test(l)), 'the profile beep is left in place');
  });

  it('two callers share a room; endConferenceOnExit ends it and the other goes on to its Dial action', async () => {
    e.web.route('/after', twiml('<Say>The host left.</Say>'));
    const statusAttrs = 'statusCallback="/status" statusCallbackEvent="start end join leave mute"';
    const host = caller('/host', `<Dial><Conference endConferenceOnExit="true" ${statusAttrs}>Team</Conference></Dial>`);
    await inRoom(host);
    const guest = caller('/guest', '<Dial action="/after"><Conference startConferenceOnEnter="false">Team</Conference></Dial>');
    await inRoom(host, 2);
    e.sim.rooms.command(roomOf(host), 'mute', 'all');
    await eventually(() => e.web.to('/status').filter((r) => r.params['StatusCallbackEvent'] === 'participant-mute').length === 2,
      3000, 'the mute callbacks');
    host.hangup();
    await e.finish(host);
    await e.finish(guest);
    assert.equal(roomOf(host), roomOf(guest));
    const after = e.web.to('/after')[0]!.params;
    assert.equal(after['DialCallStatus'], 'completed');
    assert.equal(after['CallStatus'], 'in-progress', 'the guest stayed up');
    assert.ok(appLines(guest).some((l) => l.includes('The host left.')));
    const events = e.web.to('/status').map((r) => `${r.params['StatusCallbackEvent']}:${r.params['CallSid'] ?? ''}`);
    assert.deepEqual(events.filter((x) => !x.startsWith('participant-mute')), [
      `participant-join:${host.uuid}`, `conference-start:`, `participant-join:${guest.uuid}`,
      `participant-leave:${host.uuid}`, `participant-leave:${guest.uuid}`, 'conference-end:',
    ]);
    for (const r of e.web.to('/status')) assert.match(r.params['Timestamp'] ?? '', / \d{2}:\d{2}:\d{2} \+0000$/);
    const sequence = e.web.to('/status').map((r) => Number(r.params['SequenceNumber']));
    assert.deepEqual(sequence, sequence.map((_, i) => i + 1));
    const end = e.web.to('/status').find((r) => r.params['StatusCallbackEvent'] === 'conference-end')!.params;
    assert.equal(end['ReasonConferenceEnded'], 'participant-with-end-conference-on-exit-left');
    assert.equal(end['CallSidEndingConference'], host.uuid);
    assert.equal(end['FriendlyName'], 'Team');
    assert.equal(e.rooms.conferences.size, 0, 'the room is forgotten');
  });

  it('rooms are per account, and hostile names are escaped', async () => {
    const hostile = "a b{c}|d@e+f,g'h${x}[i]^\n";
    const a = caller('/a', `<Dial><Conference>${hostile}</Conference></Dial>`);
    const b = caller('/b', `<Dial><Conference>${hostile}</Conference></Dial>`, 'acct0002');
    await inRoom(a);
    await inRoom(b);
    a.hangup();
    b.hangup();
    await e.finish(a);
    await e.finish(b);
    assert.notEqual(roomOf(a), roomOf(b));
    for (const call of [a, b]) {
      const [arg] = conferenceArgs(call);
      assert.match(arg ?? '', /^acct000[12]-[A-Za-z0-9_.]+@pivot\+flags\{moderator\}$/);
    }
    assert.equal(roomOf(a), 'acct0001-a.20b.7bc.7d.7cd.40e.2bf.2cg.27h.24.7bx.7d.5bi.5d.5e');
  });

  it('maxParticipants: one more member makes the Dial fail without joining', async () => {
    e.web.route('/done', twiml('<Hangup/>'));
    const dial = '<Dial action="/done"><Conference maxParticipants="2">small</Conference></Dial>';
    const a = caller('/a', dial);
    const b = caller('/b', dial);
    await inRoom(a);
    await inRoom(b, 2);
    const c = caller('/c', dial);
    await c.ended;
    assert.deepEqual(conferenceArgs(c), [], 'the third never joined');
    assert.equal(e.web.to('/done').find((r) => r.params['CallSid'] === c.uuid)?.params['DialCallStatus'], 'failed');
    a.hangup();
    b.hangup();
    await e.finish(a);
    await e.finish(b);
  });

  it('record-from-start: the room is recorded and delivered when it empties; the action gets RecordingUrl', async () => {
    e.web.route('/done', OK);
    const a = caller('/a', '<Dial action="/done"><Conference record="record-from-start" statusCallback="/status" ' +
      'statusCallbackEvent="join">rec</Conference></Dial>');
    await inRoom(a);
    await eventually(() => e.web.to('/status').length === 1, 3000, 'the join callback');
    const sid = e.web.to('/status')[0]!.params['ConferenceSid'] ?? '';
    e.web.route(`/done/conference_recording_${sid}.wav`, { status: 201, body: '', contentType: 'text/plain' });
    assert.ok(apiLines(a).some((l) => l.endsWith(`conference_auto_record ${e.spoolDir}/conference-${sid}.wav`)));
    a.hangup();
    await e.finish(a);
    const put = e.web.to(`/done/conference_recording_${sid}.wav`)[0];
    assert.equal(put?.method, 'PUT');
    assert.ok((put?.body.length ?? 0) > 44, 'a WAV with audio was uploaded');
    const done = e.web.to('/done')[0]!.params;
    assert.equal(done['RecordingUrl'], e.web.url(`/done/conference_recording_${sid}.wav`));
    assert.match(done['RecordingSid'] ?? '', /^RE[0-9a-f]{32}$/);
  });
});

describe('engine: Dial Conference duration', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine({ timeScale: 1 }); });
  afterEach(async () => { await e.close(); });

  it('DialCallDuration is the time in the room by FreeSWITCH\'s add-member and del-member, rounded down', async () => {
    e.web.route('/voice', twiml('<Dial action="/done"><Conference>lobby</Conference></Dial>'));
    e.web.route('/done', OK);
    const call = e.call({ caller: { hangupAtMs: 2600 } });
    await e.finish(call);
    const member = (action: string): number => {
      const event = sentEvents(call).find((m) => m.header('Event-Subclass') === 'conference::maintenance' && m.header('Action') === action);
      assert.ok(event, action);
      return Number(event.header('Event-Date-Timestamp'));
    };
    const stayedUs = member('del-member') - member('add-member');
    assert.ok(stayedUs > 2_000_000 && stayedUs < 2_600_000, `in the room for ${stayedUs / 1e6} s`);
    assert.equal(e.web.to('/done')[0]?.params['DialCallDuration'], '2');
  });
});
