import assert from 'node:assert/strict';
import type { SimulatedCall } from '../../src/sim/index.js';
import { apiLines, appLines, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';

/** FreeSWITCH and engine time run 10 times faster: a 2 s timeLimit takes 200 ms, room for a loaded machine. */
const TIME_SCALE = 0.1;
const ACCOUNT = 'acct0001';

function roomOf(call: SimulatedCall): string {
  const line = appLines(call).find((l) => l.startsWith('conference ')) ?? '';
  return line.slice('conference '.length).split('@')[0] ?? '';
}

/** FreeSWITCH milliseconds of the first event frame the simulator sent that holds `text`. */
function sentAtMs(call: SimulatedCall, text: string): number {
  const entry = call.transcript.find((t) => t.dir === 'out' && t.data.toString().includes(text));
  assert.ok(entry, `no frame with ${text}`);
  return entry.atMs / TIME_SCALE;
}

/** `<Dial timeLimit hangupOnStar><Conference>` (Twilio's "Combining with Dial attributes"). */
describe('engine: Dial attributes with a Conference', () => {
  let e: EngineHarness;
  beforeEach(async () => {
    e = await startEngine({ timeScale: TIME_SCALE });
    e.web.route('/after', twiml('<Say>You left the room.</Say>'));
  });
  afterEach(async () => {
    await e.close();
  });

  function caller(path: string, dial: string): SimulatedCall {
    e.web.route(path, twiml(dial));
    return e.call({ variables: { pivot_voice_url: e.web.url(path), 'ecallmgr_Account-ID': ACCOUNT } });
  }

  async function inRoom(call: SimulatedCall, members = 1): Promise<void> {
    await eventually(() => roomOf(call) !== '' && (e.sim.rooms.list(roomOf(call))?.length ?? 0) >= members, 3000,
      `${members} member(s) in the room`);
  }

  it('timeLimit: the member leaves at the limit, not before, and the call goes on to the Dial action', async () => {
    const a = caller('/a', '<Dial action="/after" timeLimit="2"><Conference>Room</Conference></Dial>');
    await eventually(() => e.web.to('/after').length === 1, 5000, 'the Dial action');
    await eventually(() => appLines(a).some((l) => l.includes('You left the room.')), 3000, 'the action document');
    const inRoomMs = sentAtMs(a, '"Action":"del-member"') - sentAtMs(a, '"Action":"add-member"');
    assert.ok(inRoomMs >= 2000, `left after ${inRoomMs} FreeSWITCH ms, before the limit`);
    const room = roomOf(a);
    assert.ok(apiLines(a).some((l) => new RegExp(`^conference ${room} hup \\d+$`).test(l)), 'hup: no kicked-sound');
    const after = e.web.to('/after')[0]!.params;
    assert.equal(after['DialCallStatus'], 'completed');
    const seconds = Number(after['DialCallDuration']);
    assert.ok(seconds >= 2 && seconds <= 3, `DialCallDuration ${seconds}: the seconds in the room, the limit rounded`);
    assert.equal(after['CallStatus'], 'in-progress', 'the caller stayed up');
    assert.match(after['ConferenceSid'] ?? '', /^CF[0-9a-f]{32}$/);
    assert.equal(e.h.logs.lines.filter((l) => l.msg === 'Dial timeLimit reached; the member leaves the conference').length, 1);
    await e.finish(a);
  });

  it('hangupOnStar: * takes the caller out of the room to its Dial action; the others stay', async () => {
    const host = caller('/host', '<Dial><Conference>Team</Conference></Dial>');
    await inRoom(host);
    const guest = caller('/guest', '<Dial action="/after" hangupOnStar="true"><Conference>Team</Conference></Dial>');
    await inRoom(host, 2);
    guest.pressDigits('1');
    host.pressDigits('*');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(e.sim.rooms.list(roomOf(host))?.length, 2, 'a digit other than *, or * without hangupOnStar, does nothing');
    guest.pressDigits('*');
    await eventually(() => e.web.to('/after').length === 1, 3000, 'the Dial action');
    assert.equal(e.sim.rooms.list(roomOf(host))?.length, 1, 'the host stays in the room');
    const room = roomOf(guest);
    assert.ok(apiLines(guest).includes(`uuid_setvar ${guest.uuid} conference_controls none`), 'no keypad control acts on *');
    assert.ok(apiLines(guest).some((l) => new RegExp(`^conference ${room} hup \\d+$`).test(l)));
    const after = e.web.to('/after')[0]!.params;
    assert.equal(after['CallSid'], guest.uuid);
    assert.equal(after['DialCallStatus'], 'completed');
    assert.equal(after['CallStatus'], 'in-progress');
    assert.match(after['DialCallDuration'] ?? '', /^\d+$/);
    assert.match(after['ConferenceSid'] ?? '', /^CF[0-9a-f]{32}$/);
    await eventually(() => appLines(guest).some((l) => l.includes('You left the room.')), 3000, 'the action document');
    assert.ok(!apiLines(host).some((l) => l.includes('conference_controls')), 'only a hangupOnStar member loses the controls');
    guest.hangup();
    host.hangup();
    await e.finish(guest);
    await e.finish(host);
  });

  it('a member that leaves before its timeLimit leaves no timer behind', async () => {
    const a = caller('/a', '<Dial action="/after" timeLimit="1" hangupOnStar="true"><Conference>Room</Conference></Dial>');
    await inRoom(a);
    a.hangup();
    await e.finish(a);
    await new Promise((resolve) => setTimeout(resolve, 1500 * TIME_SCALE));
    assert.equal(e.h.logs.lines.filter((l) => /timeLimit reached/.test(String(l.msg))).length, 0, 'the timer was cleared');
    assert.ok(!apiLines(a).some((l) => / hup /.test(l)));
  });
});
