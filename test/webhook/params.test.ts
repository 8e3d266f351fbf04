import assert from 'node:assert/strict';
import { buildCallParams, paramValue, type CallDescription } from '../../src/webhook/index.js';

const call: CallDescription = {
  callSid: '829597750@10.26.0.158',
  accountSid: '4b8c6fa1b42f4a2c8c0e2d9a1f3e5b7c',
  from: '+15551230000',
  to: '+15559870000',
  callerName: 'Zoë',
  direction: 'inbound',
  callStatus: 'in-progress',
};

describe('webhook request parameters', () => {
  it('builds the Twilio base set, in order, leaving out what is undefined', () => {
    assert.deepEqual(buildCallParams(call), [
      ['CallSid', '829597750@10.26.0.158'],
      ['AccountSid', '4b8c6fa1b42f4a2c8c0e2d9a1f3e5b7c'],
      ['From', '+15551230000'],
      ['To', '+15559870000'],
      ['Caller', '+15551230000'],
      ['Called', '+15559870000'],
      ['CallStatus', 'in-progress'],
      ['ApiVersion', '2010-04-01'],
      ['Direction', 'inbound'],
      ['CallerName', 'Zoë'],
    ]);
  });

  it('adds the verb extras in Twilio naming', () => {
    const params = buildCallParams(call, {
      digits: '1234',
      recordingUrl: 'https://rec.test/r1.wav',
      recordingDuration: 7,
      recordingSid: 'r1',
      dialCallStatus: 'completed',
      dialCallSid: 'b-leg',
      dialCallDuration: 42,
      extra: [['DialBridged', 'true']],
    });
    assert.deepEqual(params.slice(10), [
      ['Digits', '1234'],
      ['RecordingUrl', 'https://rec.test/r1.wav'],
      ['RecordingDuration', '7'],
      ['RecordingSid', 'r1'],
      ['DialCallStatus', 'completed'],
      ['DialCallSid', 'b-leg'],
      ['DialCallDuration', '42'],
      ['DialBridged', 'true'],
    ]);
  });

  it('maps directions: outbound stays outbound (the Pivot definition); Kazoo names always say outbound', () => {
    assert.equal(paramValue(buildCallParams({ ...call, direction: 'outbound' }), 'Direction'), 'outbound');
    assert.equal(paramValue(buildCallParams({ ...call, direction: 'outbound-api' }), 'Direction'), 'outbound-api');
    assert.equal(paramValue(buildCallParams({ ...call, direction: 'outbound-dial' }), 'Direction'), 'outbound-dial');
    const kazoo = buildCallParams({ ...call, direction: 'outbound-api' }, {}, 'kazoo');
    assert.equal(paramValue(kazoo, 'Direction'), 'outbound');
  });

  it('sends user variables after the standard names, never in place of one', () => {
    const params = buildCallParams(call, {
      digits: '9',
      variables: { Digits: 'x', CallStatus: 'completed', ApiVersion: 'x', language: 'fr', 'Caller-ID-Name': 'kept' },
    });
    assert.equal(paramValue(params, 'Digits'), '9');
    assert.deepEqual(params.filter(([n]) => n === 'Digits' || n === 'CallStatus' || n === 'ApiVersion').length, 3);
    assert.deepEqual(params.slice(-2), [['language', 'fr'], ['Caller-ID-Name', 'kept']]);
  });

  it('keeps repeated user variables given as pairs', () => {
    const params = buildCallParams(call, { variables: [['tag', 'a'], ['tag', 'b']] });
    assert.deepEqual(params.slice(-2), [['tag', 'a'], ['tag', 'b']]);
  });

  it('builds the Kazoo names of Pivot, plus the Twilio names Pivot also sends', () => {
    const params = buildCallParams(
      { ...call, callerNumber: '+15551230000', fromRealm: 'a.test', toRealm: 'b.test', language: 'en-us' },
      {
        digits: '55',
        recordingUrl: 'https://rec.test/r1.mp3',
        recordingDuration: 3,
        recordingSid: 'r1.mp3',
        dialCallStatus: 'completed',
        dialCallSid: 'b-leg',
        dialCallDuration: 12,
        variables: { 'Call-ID': 'spoofed', 'From-User': 'spoofed', Digits: 'spoofed', color: 'blue' },
      },
      'kazoo',
    );
    assert.deepEqual(params, [
      ['Call-ID', '829597750@10.26.0.158'],
      ['Account-ID', '4b8c6fa1b42f4a2c8c0e2d9a1f3e5b7c'],
      ['From-User', '+15551230000'],
      ['To-User', '+15559870000'],
      ['From', '+15551230000'],
      ['To', '+15559870000'],
      ['From-Realm', 'a.test'],
      ['To-Realm', 'b.test'],
      ['Caller-ID-Name', 'Zoë'],
      ['Caller-ID-Number', '+15551230000'],
      ['Direction', 'inbound'],
      ['Language', 'en-us'],
      ['CallStatus', 'in-progress'],
      ['ApiVersion', '2010-04-01'],
      ['DTMF-Pressed', '55'],
      ['Recording-URL', 'https://rec.test/r1.mp3'],
      ['Recording-Duration', '3'],
      ['Media-Name', 'r1.mp3'],
      ['Other-Leg-Unique-ID', 'b-leg'],
      ['Billing-Seconds', '12'],
      ['Digits', '55'],
      ['RecordingUrl', 'https://rec.test/r1.mp3'],
      ['RecordingDuration', '3'],
      ['DialCallStatus', 'completed'],
      ['DialCallSid', 'b-leg'],
      ['color', 'blue'],
    ]);
  });

  it('uses no Twilio-only names in Kazoo format, and no Kazoo names in Twilio format', () => {
    const kazoo = buildCallParams(call, {}, 'kazoo').map(([n]) => n);
    assert.ok(!kazoo.includes('CallSid') && !kazoo.includes('AccountSid') && !kazoo.includes('CallerName'));
    const twilio = buildCallParams(call).map(([n]) => n);
    assert.ok(twilio.every((n) => !n.includes('-')));
  });
});
