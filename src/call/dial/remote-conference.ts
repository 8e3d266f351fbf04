/**
 * `<Dial><Conference>` across the servers of a cluster: the room of an account and name lives on one server (the
 * directory, rooms/room-directory.ts), and a member whose call is on another server reaches it through
 * RemoteReach (rooms/remote-reach.ts) with a job (rooms/conference-job.ts).
 *
 * The sender ({@link joinRemoteRoom}) answers its call, sends the job to the room's place and waits for the leg to
 * end; the report it gets back (joined or not, seconds in the room, ConferenceSid, the room recording) becomes its
 * Dial's outcome, as if the room were its own. A place that cannot be reached, or a leg that ends without a report,
 * fails the Dial (ERR_CONFERENCE_REMOTE).
 *
 * The room's server ({@link conferenceLegHandler}) runs the member's stay (conference-stay.ts) on the leg's channel,
 * whose context acts on behalf of the sender's call (its CallSid, account, request format and document): the room
 * key comes from the sender's account and the job's room name, and the member's CallSid is the sender's, so its
 * registry, status callbacks (one ConferenceSid, one sequence), startConferenceOnEnter and endConferenceOnExit hold
 * as for its own members. The waitUrl is played to the leg;
 * the Dial's timeLimit is this server's timer; hangupOnStar acts on the `*` the leg's channel receives. The leg holds
 * the room in the directory for as long as the member is in. A room that moved meanwhile (it emptied here and
 * another server claimed it) is answered with its new place, and the sender tries once more there.
 */
import type { CallContext } from '../call-context.js';
import { ensureAnswered } from '../call-actions.js';
import {
  type ConferenceJob, type ConferenceReport, readConferenceJob, readConferenceReport,
} from '../rooms/conference-job.js';
import type { ClusterPlace, LegHandler, RemoteReach } from '../rooms/remote-reach.js';
import { findRoom } from '../rooms/room-place.js';
import { conferenceRoom } from '../rooms/room-names.js';
import { toAppError } from '../../errors.js';
import { logCode } from '../../log-code.js';
import { stayInRoom } from './conference-stay.js';

/** The kind of the jobs a conference member sends with its leg. */
export const CONFERENCE_LEG = 'conference';

/**
 * Sends the member of `ctx`'s call to the room at `place` and waits for it to leave. Resolves with the report of
 * the room's server, or undefined when there is none (the place cannot be reached, or the leg ended without one).
 */
export async function joinRemoteRoom(ctx: CallContext, reach: RemoteReach, place: ClusterPlace, job: ConferenceJob)
  : Promise<ConferenceReport | undefined> {
  await ensureAnswered(ctx);
  const leg = await reach.run(ctx, place, CONFERENCE_LEG, job);
  if (leg.outcome !== 'completed' || leg.result === undefined) {
    if (!ctx.signal.aborted) {
      logCode(ctx.log, 'ERR_CONFERENCE_REMOTE', { serverId: place.serverId, outcome: leg.outcome, cause: leg.error },
        'the conference room\'s server did not take the member; Dial failed');
    }
    return undefined;
  }
  try {
    return readConferenceReport(leg.result);
  } catch (err) {
    const code = toAppError(err).code;
    logCode(ctx.log, code, { serverId: place.serverId }, 'the conference room\'s server sent a report that cannot be read');
    return undefined;
  }
}

/** What this server does with a conference member's leg: the member's stay in a room of this server. */
export const conferenceLegHandler: LegHandler = async (ctx, value, origin): Promise<ConferenceReport> => {
  const job = readConferenceJob(value);
  const room = conferenceRoom(origin.accountSid, job.name);
  const where = await findRoom(ctx, room);
  if (where.kind === 'elsewhere') return { kind: 'elsewhere', place: where.place };
  const stay = await stayInRoom(ctx, {
    room, friendlyName: job.name.trim(), attributes: job.attributes, timeLimit: job.dial.timeLimit,
    hangupOnStar: job.dial.hangupOnStar, recordingBase: new URL(job.dial.action), release: where.release,
  });
  return { kind: 'left', ...stay };
};

/** Registers {@link conferenceLegHandler} with `reach`; returns the function that removes it. */
export function handleConferenceLegs(reach: RemoteReach): () => void {
  return reach.handle(CONFERENCE_LEG, conferenceLegHandler);
}
