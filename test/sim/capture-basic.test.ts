/**
 * The simulator's bytes match real FreeSWITCH 1.10.12 captures for the same commands.
 *
 * Masked (volatile per run, see helpers/esl-message.ts): Event-Date-*, Event-Sequence, non-zero
 * `*-Time` profile timestamps, the HANGUP_COMPLETE accounting variables, the `socket` app's
 * Application-UUID, event Content-Length (checked against the actual byte count instead) and the
 * `api status` body (uptime and counters).
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readCapture } from './helpers/capture-transcript.js';
import { parseMessage, type EslMessage } from './helpers/esl-message.js';
import { replayCapture } from './helpers/capture-replay.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../test/fixtures/esl/${name}`, import.meta.url));

const statusBody = (m: EslMessage): boolean => m.body.startsWith('UP ');

describe('capture replay: basic conversations', () => {
  it('plain events (transcript-basic-loopback.txt)', async () => {
    await replayCapture({
      steps: readCapture(fixture('transcript-basic-loopback.txt')),
      call: { unsolicitedPark: 'after-linger' },
      volatileBody: statusBody,
    });
  });

  it('the comparison catches a one-byte difference', async () => {
    await assert.rejects(
      replayCapture({
        steps: readCapture(fixture('transcript-basic-loopback.txt')),
        call: { unsolicitedPark: 'after-linger', variables: { pivot_url: 'http://127.0.0.1:8090/twimL' } },
        volatileBody: statusBody,
      }),
      /message #1 \(command\/reply\): outer headers/,
    );
  });

  it('json events (transcript-basic-json-loopback.txt)', async () => {
    await replayCapture({
      steps: readCapture(fixture('transcript-basic-json-loopback.txt')),
      call: { unsolicitedPark: 'after-linger' },
      volatileBody: statusBody,
    });
  });
});

describe('capture replay: conference (transcript-conference-loopback.txt)', () => {
  it('add-member, floor-change, list, kick all, kick-member, del-member, completion', async () => {
    const steps = readCapture(fixture('transcript-conference-loopback.txt'));
    // The capture's `api conference … list` raced the app start and was answered once the member
    // had joined; here it is sent once the floor-change has arrived.
    const list = steps.findIndex((s) => s.kind === 'sent' && s.data.toString().startsWith('api conference probe-conf list'));
    const floor = steps.findIndex((s) => s.kind === 'recv' && s.data.toString().includes('floor-change'));
    const [moved] = steps.splice(list, 1);
    if (moved) steps.splice(floor, 0, moved);
    await replayCapture({
      steps,
      sim: { firstConferenceMemberId: 2 },
      mask: (n) => n === 'Conference-Unique-ID' || n === 'variable_app_session_uuid' || n === 'variable_conference_uuid' || /^variable_playback_/.test(n),
      volatileBody: statusBody,
    });
  });
});

describe('capture replay: SIP (transcript-basic-sip.txt)', () => {
  it('early media then answer, the ACK\'s variable churn, playback, hang-up with RTP statistics', async () => {
    const steps = readCapture(fixture('transcript-basic-sip.txt'));
    const first = steps.find((s) => s.kind === 'recv');
    assert.ok(first && first.kind === 'recv');
    // Every template variable takes the captured value (sipp's Call-ID, tags, SDP …).
    const variables: Record<string, string> = {};
    for (const [k, v] of parseMessage(first.data).outer) {
      if (k.startsWith('variable_') && !/^variable_(current_application(_data)?|socket_host)$/.test(k)) {
        variables[k.slice(9)] = decodeURIComponent(v);
      }
    }
    await replayCapture({
      steps,
      call: { profile: 'sip', variables, channelName: 'sofia/internal/sipp@127.0.0.1:5070' },
      // Generated per dialog or per run: our To tag, sipp's ACK branch, our SDP session ids,
      // and the count of inbound frames, which follows the call's duration.
      mask: (n) =>
        ['variable_sip_to_tag', 'variable_sip_full_via', 'variable_sip_full_to', 'variable_rtp_local_sdp_str',
          'variable_rtp_audio_in_skip_packet_count'].includes(n),
      volatileBody: statusBody,
    });
  });
});
