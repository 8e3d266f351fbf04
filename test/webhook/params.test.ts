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

  /** Kazoo Pivot's names (pivot.md §2.1, `req_format=kazoo`), then the request variables it merges on top. */
  const PIVOT_KAZOO_NAMES = [
    'Account-ID', 'Api-Version', 'Call-ID', 'Call-Status', 'Caller-ID-Name', 'Caller-ID-Number',
    'Custom-Application-Vars', 'Custom-SIP-Headers', 'Digits', 'Direction', 'From', 'From-Realm', 'Language',
    'Recording-Duration', 'Recording-ID', 'Recording-Url', 'Request', 'Request-Realm', 'To', 'To-Realm',
    'Transcription-ID', 'Transcription-Status', 'Transcription-Text', 'Transcription-Url', 'User-ID',
  ];
  const PIVOT_REQUEST_VARS = ['Digits', 'RecordingUrl', 'RecordingDuration', 'DialCallStatus', 'DialCallSid',
    'DialCallDuration', 'QueueSid', 'CallStatus'];
  /** Names of that list this server has nothing to fill with (QueueSid comes as a verb extra when it applies). */
  const NEVER_SENT = ['Custom-Application-Vars', 'Custom-SIP-Headers', 'Transcription-ID', 'Transcription-Status',
    'Transcription-Text', 'Transcription-Url', 'QueueSid'];

  const everything = {
    call: { ...call, callerNumber: '+15551230000', fromRealm: 'a.test', toRealm: 'b.test', language: 'en-us',
      request: '7001', requestRealm: 'kazoo.test', userId: 'u1' },
    extras: { digits: '55', recordingUrl: 'https://rec.test/r1.mp3', recordingDuration: 3, recordingSid: 'r1.mp3',
      dialCallStatus: 'completed', dialCallSid: 'b-leg', dialCallDuration: 12 },
  };

  it('a Kazoo-format request carries exactly the names of Kazoo Pivot (pivot.md), nothing else', () => {
    const names = buildCallParams(everything.call, everything.extras, 'kazoo').map(([n]) => n);
    assert.equal(new Set(names).size, names.length, 'no name twice');
    const expected = [...new Set([...PIVOT_KAZOO_NAMES, ...PIVOT_REQUEST_VARS])].filter((n) => !NEVER_SENT.includes(n));
    assert.deepEqual([...names].sort(), expected.sort());
    assert.ok(names.includes('Call-Status') && names.includes('Api-Version'));
    assert.ok(!names.includes('ApiVersion') && !names.includes('From-User') && !names.includes('DTMF-Pressed'));
  });

  it('builds the Kazoo names in Kazoo order with their values; user variables never replace one', () => {
    const params = buildCallParams(everything.call, {
      ...everything.extras,
      variables: { 'Call-ID': 'spoofed', 'Call-Status': 'spoofed', CallStatus: 'spoofed', Digits: 'spoofed', color: 'blue' },
    }, 'kazoo');
    assert.deepEqual(params, [
      ['Call-ID', '829597750@10.26.0.158'],
      ['Account-ID', '4b8c6fa1b42f4a2c8c0e2d9a1f3e5b7c'],
      ['From', '+15551230000'],
      ['From-Realm', 'a.test'],
      ['To', '+15559870000'],
      ['To-Realm', 'b.test'],
      ['Request', '7001'],
      ['Request-Realm', 'kazoo.test'],
      ['Call-Status', 'in-progress'],
      ['Api-Version', '4.x'],
      ['Direction', 'inbound'],
      ['Caller-ID-Name', 'Zoë'],
      ['Caller-ID-Number', '+15551230000'],
      ['User-ID', 'u1'],
      ['Language', 'en-us'],
      ['Recording-Url', 'https://rec.test/r1.mp3'],
      ['Recording-Duration', '3'],
      ['Recording-ID', 'r1.mp3'],
      ['Digits', '55'],
      ['RecordingUrl', 'https://rec.test/r1.mp3'],
      ['RecordingDuration', '3'],
      ['DialCallStatus', 'completed'],
      ['DialCallSid', 'b-leg'],
      ['DialCallDuration', '12'],
      ['CallStatus', 'in-progress'],
      ['color', 'blue'],
    ]);
  });

  it('the Twilio-format request carries none of the Kazoo-only fields', () => {
    const names = buildCallParams(everything.call, everything.extras).map(([n]) => n);
    assert.ok(!names.includes('Request') && !names.includes('User-ID') && !names.includes('Language'));
    assert.equal(paramValue(buildCallParams(everything.call), 'ApiVersion'), '2010-04-01');
  });

  it('uses no Twilio-only names in Kazoo format, and no Kazoo names in Twilio format', () => {
    const kazoo = buildCallParams(call, {}, 'kazoo').map(([n]) => n);
    assert.ok(!kazoo.includes('CallSid') && !kazoo.includes('AccountSid') && !kazoo.includes('CallerName'));
    const twilio = buildCallParams(call).map(([n]) => n);
    assert.ok(twilio.every((n) => !n.includes('-')));
  });
});
