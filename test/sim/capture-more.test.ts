/**
 * Replays of the `more/` capture scenarios: the same client bytes must get the same messages,
 * byte for byte, with the volatile fields masked (see helpers/esl-message.ts). Per scenario:
 * - interrupted playbacks: playback_* values depend on when the break lands;
 * - a recording stopped by a terminator: its length depends on when the digit lands;
 * - bridges: the B-leg's uuid, which FreeSWITCH generates (Other-Leg-Unique-ID and variables);
 * - bgapi: the Job-UUIDs FreeSWITCH generated (Reply-Text, header, event) and the `status` output.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BLegOutcome, SimulatedCall } from '../../src/sim/index.js';
import { replayCapture, type ReplaySpec } from './helpers/capture-replay.js';
import { readCapture } from './helpers/capture-transcript.js';
import type { EslMessage, Masker } from './helpers/esl-message.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../test/fixtures/esl/${name}/transcript.txt`, import.meta.url));

/** Harness notes: DTMF injected on the caller leg, the caller leg killed. */
function harness(text: string, call: SimulatedCall): void {
  const dtmf = /uuid_send_dtmf \S+ ([0-9*#A-D]+)'/.exec(text);
  if (dtmf?.[1]) call.pressDigits(dtmf[1]);
  else if (/harness fs_cli -x 'uuid_kill /.test(text)) call.hangup();
}

const PLAYBACK_VARS = /^variable_playback_(last_offset_pos|seconds|ms|samples)$/;
const playbackTiming: Masker = (n) => PLAYBACK_VARS.test(n);
const statusJob = (m: ReadonlyArray<readonly [string, string]>): boolean =>
  m.some(([k, v]) => k === '_body' && v.startsWith('UP '));
const recordTiming: Masker = (n) => /^variable_record_(record_file_size|file_size|seconds|ms|samples)$/.test(n);
const generatedJob: Masker = (n, v, m) =>
  ((n === 'Job-UUID' || n === 'Reply-Text') && /[0-9a-f]{8}-/.test(v) && !v.includes('f585ba02')) ||
  ((n === '_body' || n === 'Content-Length') && statusJob(m));
const statusBody = (m: EslMessage): boolean => m.body.startsWith('UP ') || m.event.some(([k, v]) => k === '_body' && v.startsWith('UP '));

const B_LEG = new Set([
  'Other-Leg-Unique-ID', 'Bridge-B-Unique-ID', 'variable_originated_legs', 'variable_originate_causes',
  'variable_signal_bond', 'variable_last_bridge_to', 'variable_bridge_uuid', 'variable_originate_signal_bond',
]);
const bLegUuid: Masker = (n) => B_LEG.has(n);
const dial = (match: string, outcome: BLegOutcome): Partial<ReplaySpec> => ({
  mask: bLegUuid,
  call: { bridge: [{ match, outcome }] },
});

const SCENARIOS: ReadonlyArray<readonly [string, Partial<ReplaySpec>]> = [
  ['sendmsg-hangup', {}],
  ['unknown-app', {}],
  ['uuid-kill-then-execute', {}],
  ['no-linger', {}],
  ['linger-5', {}],
  ['linger-plain', {}],
  ['reject-busy-before-answer', {}],
  ['bgapi-and-vars', { mask: generatedJob, volatileBody: statusBody }],
  ['playback-uuid-break', { mask: playbackTiming }],
  ['playback-uuid-break-plain', { mask: playbackTiming }],
  ['pagd-timeout', {}],
  ['pagd-timeout-plain', {}],
  ['pagd-terminator-only', {}],
  ['pagd-max-digits', {}],
  ['pagd-barge-in', { mask: playbackTiming }],
  ['speak-unknown-voice', {}],
  ['bridge-answered', { mask: bLegUuid }],
  ['bridge-answered-plain', { mask: bLegUuid }],
  ['bridge-busy', dial('loopback/8002', { type: 'busy' })],
  ['bridge-no-answer', dial('loopback/8003', { type: 'no-answer' })],
  ['bridge-404', dial('loopback/8005', { type: 'reject', cause: 'UNALLOCATED_NUMBER' })],
  ['bridge-caller-hangup-while-ringing', dial('loopback/8003', { type: 'no-answer' })],
  ['record-silence', { call: { caller: { sendsAudio: false } } }],
  [
    'record-dtmf-terminator',
    {
      mask: recordTiming,
      // The capture's harness notes are written after the conversation here.
      onNote: () => undefined,
      afterMessage: (name, call) => (name === 'RECORD_START' ? call.pressDigits('12#') : undefined),
    },
  ],
];

describe('capture replay: more/ scenarios', () => {
  after(async () => {
    // The record scenarios write where FreeSWITCH wrote, under /tmp.
    for (const f of ['/tmp/more-record-silence-a95a4d94-22c4-4ab3-87d9-4d618afad25c.wav',
      '/tmp/more-record-dtmf-terminator-f721164d-539b-48f5-b92b-e0512d93597c.wav']) await rm(f, { force: true });
  });
  for (const [name, extra] of SCENARIOS) {
    it(name, async () => {
      await replayCapture({ steps: readCapture(fixture(name)), onNote: harness, ...extra });
    });
  }
});
