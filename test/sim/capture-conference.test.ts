/**
 * Two captured conference members (a moderator and an `endconf` member) replayed against one
 * simulator sharing the room. Masked on top of the usual volatile fields: the conference uuid
 * (Conference-Unique-ID and the variables that repeat it), the `json_list` body (run and join
 * times, the uuid) and the mute prompt's length in play-file-member-done.
 */
import { fileURLToPath } from 'node:url';
import type { SimulatedCall } from '../../src/sim/index.js';
import { replayConversation } from './helpers/capture-replay.js';
import { readCapture } from './helpers/capture-transcript.js';
import type { Masker } from './helpers/esl-message.js';

const fixture = (scenario: string, role: string): string =>
  fileURLToPath(new URL(`../../../test/fixtures/esl/${scenario}/transcript-${role}.txt`, import.meta.url));

const conferenceMask: Masker = (n) =>
  ['Conference-Unique-ID', 'variable_app_session_uuid', 'variable_conference_uuid', 'seconds', 'milliseconds', 'samples'].includes(n) ||
  /^variable_playback_/.test(n);

function harness(text: string, call: SimulatedCall): void {
  if (/harness fs_cli -x 'uuid_kill /.test(text)) call.hangup();
}

const SCENARIOS: ReadonlyArray<readonly [string, number]> = [
  ['conference-endconf-caller-hangup', 11],
  ['conference-endconf-kicked', 13],
  ['conference-endconf-no-hangup-after-conference', 15],
];

describe('capture replay: conferences with two members', () => {
  for (const [scenario, firstMember] of SCENARIOS) {
    it(scenario, async () => {
      await replayConversation(
        [{ steps: readCapture(fixture(scenario, 'moderator')) }, { steps: readCapture(fixture(scenario, 'endconf')) }],
        {
          sim: { firstConferenceMemberId: firstMember },
          mask: conferenceMask,
          volatileBody: (m) => m.body.startsWith('[{'),
          onNote: harness,
        },
      );
    });
  }
});
