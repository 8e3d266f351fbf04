import assert from 'node:assert/strict';
import {
  callProgressParams, conferenceEventParams, legProgressParams, recordingStatusExtras, withRecordingStatus,
  type CallDescription,
} from '../../src/webhook/index.js';

const AT = new Date(Date.UTC(2026, 10, 23, 10, 4, 5));
const STAMP = 'Mon, 23 Nov 2026 10:04:05 +0000';

const call: CallDescription = {
  callSid: 'c-1', accountSid: 'AC1', from: '+15551230000', to: '+15559870000', direction: 'inbound', callStatus: 'ringing',
};

describe('webhook parameters of callbacks', () => {
  it('a call progress event: the call\'s parameters, then CallbackSource, SequenceNumber and Timestamp', () => {
    assert.deepEqual(callProgressParams(call, { sequence: 1, at: AT }).slice(9), [
      ['CallbackSource', 'call-progress-events'], ['SequenceNumber', '1'], ['Timestamp', STAMP],
    ]);
  });

  it('the final event of an answered call has CallDuration and Duration in minutes rounded up; any other CallDuration=0', () => {
    const answered = callProgressParams({ ...call, callStatus: 'completed' }, { sequence: 3, at: AT,
      ended: { seconds: 61, answered: true } });
    assert.deepEqual(answered.slice(9, 11), [['CallDuration', '61'], ['Duration', '2']]);
    const busy = callProgressParams({ ...call, callStatus: 'busy' }, { sequence: 2, at: AT,
      ended: { seconds: 0, answered: false } });
    assert.deepEqual(busy.slice(9, 10), [['CallDuration', '0']]);
    assert.equal(busy.filter(([n]) => n === 'Duration').length, 0);
  });

  it('a call progress event in Kazoo naming keeps Kazoo\'s names for the call', () => {
    const names = callProgressParams(call, { sequence: 0, at: AT }, 'kazoo').map(([n]) => n);
    assert.deepEqual(names.slice(0, 2), ['Call-ID', 'Account-ID']);
    assert.deepEqual(names.slice(-3), ['CallbackSource', 'SequenceNumber', 'Timestamp']);
  });

  it('a dialled leg\'s event, in Twilio\'s order; CallDuration only when given', () => {
    const leg = { callSid: 'b-1', accountSid: 'AC1', from: '+1555', to: '+1666', parentCallSid: 'c-1' };
    assert.deepEqual(legProgressParams(leg, 'completed', { sequence: 2, at: AT, callDuration: 7 }), [
      ['CallSid', 'b-1'], ['AccountSid', 'AC1'], ['From', '+1555'], ['To', '+1666'], ['Direction', 'outbound-dial'],
      ['ParentCallSid', 'c-1'], ['CallStatus', 'completed'], ['ApiVersion', '2010-04-01'],
      ['CallbackSource', 'call-progress-events'], ['Timestamp', STAMP], ['SequenceNumber', '2'], ['CallDuration', '7'],
    ]);
    assert.equal(legProgressParams(leg, 'initiated', { sequence: 0, at: AT }).length, 11);
  });

  it('a conference event: the participant\'s fields on participant events, the reason on conference-end', () => {
    const base = { accountSid: 'AC1', conferenceSid: 'CF1', friendlyName: 'room', sequence: 4, at: AT };
    assert.deepEqual(conferenceEventParams({ ...base, event: 'participant-join',
      participant: { callSid: 'c-1', muted: true, endConferenceOnExit: false, startConferenceOnEnter: true } }), [
      ['AccountSid', 'AC1'], ['ConferenceSid', 'CF1'], ['FriendlyName', 'room'], ['StatusCallbackEvent', 'participant-join'],
      ['Timestamp', STAMP], ['SequenceNumber', '4'], ['CallSid', 'c-1'], ['Muted', 'true'], ['Hold', 'false'],
      ['Coaching', 'false'], ['EndConferenceOnExit', 'false'], ['StartConferenceOnEnter', 'true'],
    ]);
    assert.deepEqual(conferenceEventParams({ ...base, event: 'conference-end',
      ended: { reason: 'last-participant-left', callSid: 'c-1' } }).slice(6), [
      ['ReasonConferenceEnded', 'last-participant-left'], ['CallSidEndingConference', 'c-1'],
    ]);
  });

  it('a recording status: the recording\'s extras, then status, channels, source and error code', () => {
    assert.deepEqual(recordingStatusExtras({ status: 'failed', channels: 2, source: 'DialVerb', recordingUrl: 'https://r/1.wav',
      recordingSid: 'RE1', duration: 3, errorCode: 12300 }), {
      recordingUrl: 'https://r/1.wav', recordingSid: 'RE1', recordingDuration: 3,
      extra: [['RecordingStatus', 'failed'], ['RecordingChannels', '2'], ['RecordingSource', 'DialVerb'], ['ErrorCode', '12300']],
    });
    assert.deepEqual(recordingStatusExtras({ channels: 1, source: 'RecordVerb' }), {
      extra: [['RecordingChannels', '1'], ['RecordingSource', 'RecordVerb']],
    });
    assert.deepEqual(withRecordingStatus([['CallSid', 'c-1']], 'failed', 12300),
      [['CallSid', 'c-1'], ['RecordingStatus', 'failed'], ['ErrorCode', '12300']]);
    assert.deepEqual(withRecordingStatus([], 'completed', undefined), [['RecordingStatus', 'completed']]);
  });
});
