import assert from 'node:assert/strict';
import { readConferenceJob, readConferenceReport, type ConferenceJob } from '../../src/call/rooms/conference-job.js';
import { codeOf } from '../support/harness.js';

const JOB: ConferenceJob = {
  name: 'Team',
  attributes: { muted: false, beep: 'true', startConferenceOnEnter: true, endConferenceOnExit: false, waitMethod: 'POST',
    maxParticipants: 250, record: 'do-not-record', statusCallbackEvent: ['start', 'join'], statusCallbackMethod: 'POST',
    waitUrl: 'https://app.example.com/wait', statusCallback: 'https://app.example.com/status' },
  dial: { timeLimit: 14400, hangupOnStar: true, action: 'https://app.example.com/after' },
};

function refused(read: () => unknown): string | undefined {
  try {
    read();
  } catch (err) {
    return codeOf(err);
  }
  return undefined;
}

const withAttributes = (change: Record<string, unknown>): unknown => ({ ...JOB, attributes: { ...JOB.attributes, ...change } });

describe('conference jobs and reports between servers', () => {
  it('a job reads back as it was sent (through JSON); waitUrl "" stays silence', () => {
    assert.deepEqual(readConferenceJob(JSON.parse(JSON.stringify(JOB))), JOB);
    assert.equal(readConferenceJob(withAttributes({ waitUrl: '' })).attributes.waitUrl, '');
  });

  it('anything else is refused with ERR_CLUSTER_MESSAGE_INVALID: relative or non-http URLs, unknown values, wrong types', () => {
    for (const bad of [
      null, 'job', [], { ...JOB, name: 3 }, { ...JOB, dial: { ...JOB.dial, action: '/after' } },
      withAttributes({ waitUrl: '/wait' }), withAttributes({ statusCallback: 'file:///etc/passwd' }),
      withAttributes({ waitUrl: 'javascript:alert(1)' }), withAttributes({ beep: 'loud' }),
      withAttributes({ muted: 'true' }), withAttributes({ maxParticipants: 0 }), withAttributes({ maxParticipants: 1.5 }),
      withAttributes({ statusCallbackEvent: ['start', 'everything'] }), withAttributes({ waitMethod: 'PUT' }),
      { ...JOB, dial: { ...JOB.dial, timeLimit: -1 } },
    ]) {
      assert.equal(refused(() => readConferenceJob(bad)), 'ERR_CLUSTER_MESSAGE_INVALID', JSON.stringify(bad));
    }
  });

  it('a report is the stay, or the place the room moved to; anything else is refused', () => {
    const left = { kind: 'left', status: 'completed', seconds: 12, conferenceSid: `CF${'a'.repeat(32)}`,
      recordingUrl: 'https://app.example.com/after/conference_recording.wav', recordingSid: `RE${'b'.repeat(32)}` };
    assert.deepEqual(readConferenceReport(left), left);
    const moved = { kind: 'elsewhere', place: { serverId: 'C', coreUuid: 'node-3' } };
    assert.deepEqual(readConferenceReport(moved), moved);
    for (const bad of [undefined, {}, { ...left, status: 'busy' }, { ...left, seconds: -1 }, { ...left, conferenceSid: 'CF1' },
      { ...left, recordingUrl: 'ftp://x' }, { kind: 'elsewhere', place: { serverId: 'C' } }]) {
      assert.equal(refused(() => readConferenceReport(bad)), 'ERR_CLUSTER_MESSAGE_INVALID', JSON.stringify(bad));
    }
  });
});
