/**
 * `<Dial><Conference>`: the caller joins a mod_conference room of its account (`<account>-<name>`, see
 * rooms/room-names.ts) with the noun's flags and sounds (rooms/conference-settings.ts) and stays until it leaves:
 * hangup, kick, or the end of the conference by an endConferenceOnExit member. Then the Dial's outcome is
 * `completed` with the seconds spent in the room and the ConferenceSid, so that the Dial action runs.
 *
 * In a cluster the room is one per account and name across the servers: a room another server holds is joined
 * through that server (remote-conference.ts); a room of this server, or one the directory cannot place, is joined
 * here (conference-stay.ts, rooms/room-place.ts).
 *
 * The Dial's `timeLimit` and `hangupOnStar` take the member out of the room (rooms/member-exit.ts: a timer from its
 * joining, the caller's `*`); it then goes on to the Dial action like a member that left any other way. The Dial's
 * other attributes have nothing to act on in a room (`timeout`, `callerId`, `ringTone`, `answerOnBridge`, `record`
 * and its companions); the TwiML check warns of them (ERR_TWIML_NOT_APPLICABLE).
 */
import { AppError } from '../../errors.js';
import type { ConferenceNoun } from '../../twiml/index.js';
import { resolveUrl } from '../../twiml/index.js';
import { conferenceJob } from '../rooms/conference-job.js';
import { findRoom } from '../rooms/room-place.js';
import { conferenceRoom } from '../rooms/room-names.js';
import { dialOutcomeOf, stayInRoom } from './conference-stay.js';
import type { DialTarget } from './dial-outcome.js';
import { joinRemoteRoom } from './remote-conference.js';
import { logCode } from '../../log-code.js';

/** Places a room may be looked for: its holder, and once more when it moved meanwhile. */
const MAX_PLACES = 2;

export const dialConference: DialTarget<ConferenceNoun> = async (dial, noun, ctx) => {
  let room: string;
  try {
    room = conferenceRoom(ctx.identity.accountSid, noun.name);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    ctx.log.warn({ code: err.code, line: noun.position.line }, err.message);
    return { status: 'failed' };
  }
  for (let tries = 1; ; tries++) {
    const where = await findRoom(ctx, room);
    if (where.kind === 'here') {
      const document = ctx.state.document;
      return dialOutcomeOf(await stayInRoom(ctx, {
        room, friendlyName: noun.name.trim(), attributes: noun, timeLimit: dial.timeLimit,
        hangupOnStar: dial.hangupOnStar, release: where.release,
        recordingBase: dial.action === undefined ? document : resolveUrl(dial.action, document),
      }));
    }
    const reach = ctx.rooms.reach;
    const report = reach && await joinRemoteRoom(ctx, reach, where.place, conferenceJob(ctx, dial, noun));
    if (report === undefined) return { status: 'failed' };
    if (report.kind === 'left') return dialOutcomeOf(report);
    if (tries >= MAX_PLACES) {
      logCode(ctx.log, 'ERR_CONFERENCE_REMOTE', { room, serverId: report.place.serverId },
        'the conference room moved again while the member was on its way; Dial failed');
      return { status: 'failed' };
    }
  }
};
