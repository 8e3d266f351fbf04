import assert from 'node:assert/strict';
import { WhisperRegistry } from '../../src/call/index.js';
import { classifyConnection } from '../../src/call/whisper/leg-connection.js';
import type { WhisperTask } from '../../src/call/whisper/whisper-registry.js';
import type { ChannelData } from '../../src/esl/index.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { twiml } from '../support/twiml-server.js';

const LEG = '0d6c3b3a-1111-4c2e-9b7a-5f2d1e0c9a01';
const CONFIRM = { group_confirm_key: 'exec', group_confirm_file: 'socket 127.0.0.1:8084 async full' };

function channelData(uuid: string, vars: Record<string, string>): ChannelData {
  return {
    uuid, channelName: 'x', callerIdName: '', callerIdNumber: '', destinationNumber: '5551234', direction: 'outbound',
    answerState: 'answered', variables: vars, headers: {}, variable: (name) => vars[name], header: () => undefined,
  };
}

function task(): WhisperTask {
  return { format: 'twilio', from: '+1555', to: '5551234', result: 'pending',
    parent: { callSid: 'parent', accountSid: 'acct', from: '+1555', to: '7000', direction: 'inbound' } };
}

describe('engine: what a connection from FreeSWITCH is (whisper legs)', () => {
  it('a registered uuid is a leg of a Dial, whatever its variables (loopback/N-a carries none of its own)', () => {
    const whispers = new WhisperRegistry();
    const t = task();
    whispers.add(LEG, t);
    assert.deepEqual(classifyConnection(channelData(LEG, { loopback_leg: 'A' }), whispers), { kind: 'leg', task: t });
  });

  it('the marker without a registration is a stale leg; on a loopback B side it is a call of its own', () => {
    const whispers = new WhisperRegistry();
    assert.equal(classifyConnection(channelData(LEG, { pivot_whisper_parent: 'p', ...CONFIRM }), whispers).kind, 'stale');
    assert.equal(classifyConnection(channelData(LEG, { pivot_whisper_parent: 'p', loopback_leg: 'B', ...CONFIRM }), whispers).kind,
      'call');
  });

  it('a leg brought by a socket confirm application that is not ours is screened elsewhere; other channels are calls', () => {
    const whispers = new WhisperRegistry();
    assert.equal(classifyConnection(channelData(LEG, CONFIRM), whispers).kind, 'screened-elsewhere');
    assert.equal(classifyConnection(channelData(LEG, { ...CONFIRM, group_confirm_file: 'playback /x.wav' }), whispers).kind, 'call');
    assert.equal(classifyConnection(channelData(LEG, { group_confirm_key: '1', group_confirm_file: 'socket h:1 async full' }),
      whispers).kind, 'call');
    assert.equal(classifyConnection(channelData(LEG, {}), undefined).kind, 'call');
  });
});

describe('engine: connections of screened legs', () => {
  let e: EngineHarness;
  beforeEach(async () => { e = await startEngine(); });
  afterEach(async () => { await e.close(); });

  it('a leg screened by a dial this server did not make is released at once and stays up', async () => {
    e.web.route('/voice', twiml('<Say>wrong</Say>'));
    const leg = e.call({ profile: 'sip', direction: 'outbound', answerState: 'answered', afterSocket: 'continue', variables: CONFIRM });
    const end = await leg.ended;
    assert.equal(end.exitReceived, true);
    assert.equal(end.hangupCause, undefined);
    assert.equal(e.web.requests.length, 0, 'no document runs on it');
  });

  it('a leg with the whisper marker that this server does not know is hung up (ERR_DIAL_WHISPER_UNKNOWN)', async () => {
    e.web.route('/voice', twiml('<Say>wrong</Say>'));
    const leg = e.call({ profile: 'sip', direction: 'outbound', answerState: 'answered', afterSocket: 'continue',
      variables: { ...CONFIRM, pivot_whisper_parent: 'gone' } });
    assert.equal((await leg.ended).hangupCause, 'NORMAL_CLEARING');
    assert.equal(e.h.logs.withCode('ERR_DIAL_WHISPER_UNKNOWN').length, 1);
    assert.equal(e.web.requests.length, 0);
  });

  it('the loopback B side of a whispered Dial that the dialplan hands to this server runs as a call', async () => {
    e.web.route('/voice', twiml('<Hangup/>'));
    const call = e.call({ variables: { ...CONFIRM, pivot_whisper_parent: 'p' } });
    await e.finish(call);
    assert.equal(call.channel.vars.get('loopback_leg'), 'B');
    assert.equal(e.web.to('/voice').length, 1);
  });
});
