/**
 * bridge with `group_confirm_key=exec` (the confirm application runs on the answered leg before the bridge), and
 * how mod_loopback splits a loopback endpoint's variables (real-findings/whisper-loopback).
 */
import assert from 'node:assert/strict';
import { SimSession, type Msg } from './helpers/sim-session.js';

const LEG = '6f0c1d3e-0000-4000-8000-00000000a001';

/** A header of the leg's connect reply, decoded. */
function field(data: Msg, name: string): string | undefined {
  const raw = data.get(name);
  return raw === undefined ? undefined : decodeURIComponent(raw);
}

describe('bridge: the confirm application and loopback endpoints', () => {
  let s: SimSession | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  async function caller(): Promise<SimSession> {
    s = await SimSession.ready({ bridge: [{ match: /./, outcome: { type: 'answer', afterMs: 100, hangupAfterMs: 300 } }] });
    await s.execute('answer');
    return s;
  }

  it('per-leg [group_confirm_*] on a loopback endpoint never reach the watched -a side: bridged unscreened', async () => {
    const c = await caller();
    const confirm = `group_confirm_key=exec,group_confirm_file=socket 127.0.0.1:${c.port} async full`;
    await c.execute('bridge', `{originate_timeout=30}[origination_uuid=${LEG},${confirm}]loopback/5551236/default`);
    const bridged = await c.until((m) => m.type === 'CHANNEL_BRIDGE');
    assert.equal(bridged.get('Other-Leg-Unique-ID'), LEG);
    await c.complete('bridge');
    assert.equal(c.sim.socketLegs.length, 0, 'no confirm application ran');
  });

  it('{group_confirm_*} on a loopback endpoint run on loopback/N-a, which has the {} variables but not its []', async () => {
    const c = await caller();
    const confirm = `group_confirm_key=exec,group_confirm_file=socket 127.0.0.1:${c.port} async full`;
    await c.execute('bridge', `{${confirm},pivot_mark=dial}[origination_uuid=${LEG},pivot_own=leg]loopback/5551236/default`);
    const leg = await c.acceptLeg();
    assert.equal(field(leg.data, 'Unique-ID'), LEG);
    assert.equal(field(leg.data, 'Channel-Name'), 'loopback/5551236-a');
    assert.equal(field(leg.data, 'variable_loopback_leg'), 'A');
    assert.equal(field(leg.data, 'variable_loopback_from_uuid'), c.call.uuid);
    assert.equal(field(leg.data, 'variable_pivot_mark'), 'dial');
    assert.equal(field(leg.data, 'variable_pivot_own'), undefined);
    assert.equal(field(leg.data, 'variable_group_confirm_key'), undefined);
    assert.equal(c.all('CHANNEL_BRIDGE').length, 0, 'not bridged while the confirm application runs');
    leg.conn.send('exit\n\n');
    const bridged = await c.until((m) => m.type === 'CHANNEL_BRIDGE');
    assert.equal(bridged.get('Other-Leg-Unique-ID'), LEG);
    assert.equal((await leg.call.ended).hangupCause, undefined, 'the leg stays up for the bridge');
  });

  it('a confirm application that hangs the loopback leg up: no bridge', async () => {
    const c = await caller();
    await c.execute('set', 'continue_on_fail=true');
    const confirm = `group_confirm_key=exec,group_confirm_file=socket 127.0.0.1:${c.port} async full`;
    await c.execute('bridge', `{${confirm}}[origination_uuid=${LEG}]loopback/5551236/default`);
    const leg = await c.acceptLeg();
    leg.conn.send('sendmsg\ncall-command: hangup\nhangup-cause: NORMAL_CLEARING\n\n');
    const done = await c.complete('bridge');
    assert.equal(c.all('CHANNEL_BRIDGE').length, 0);
    assert.notEqual(done.get('variable_originate_disposition'), 'SUCCESS');
  });

  it('per-leg [group_confirm_*] on a sofia endpoint run on the leg, which carries every variable', async () => {
    const c = await caller();
    const confirm = `group_confirm_key=exec,group_confirm_file=socket 127.0.0.1:${c.port} async full`;
    await c.execute('bridge', `[origination_uuid=${LEG},${confirm},sip_h_X-Name=Agent\\, A]sofia/internal/alice@127.0.0.1`);
    const leg = await c.acceptLeg();
    assert.equal(field(leg.data, 'Unique-ID'), LEG);
    assert.equal(field(leg.data, 'variable_group_confirm_key'), 'exec');
    assert.equal(field(leg.data, 'variable_sip_h_X-Name'), 'Agent, A');
    leg.conn.send('exit\n\n');
    assert.equal((await c.until((m) => m.type === 'CHANNEL_BRIDGE')).get('Other-Leg-Unique-ID'), LEG);
  });

  it('the confirm variables may come from the caller\'s channel when the dial string has none', async () => {
    const c = await caller();
    await c.execute('set', 'group_confirm_key=exec');
    await c.execute('set', `group_confirm_file=socket 127.0.0.1:${c.port} async full`);
    await c.execute('bridge', `[origination_uuid=${LEG}]loopback/5551236/default`);
    const leg = await c.acceptLeg();
    assert.equal(field(leg.data, 'Unique-ID'), LEG);
    leg.conn.send('exit\n\n');
    await c.until((m) => m.type === 'CHANNEL_BRIDGE');
  });
});
