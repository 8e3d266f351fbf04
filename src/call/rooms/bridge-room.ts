/**
 * Connecting a dequeued call with the call that took it. Both calls are on our outbound sockets; `uuid_bridge`
 * would move both channels out of their `socket` applications (FreeSWITCH ends the socket's park loop on the
 * transfer), so neither could go on with its TwiML afterwards (the Enqueue action, the Dial action). Instead both
 * join a private mod_conference room (`<account>-q-<id>`), each with `endconf`, silent enter and exit sounds and
 * `hangup_after_conference=false`: when one side leaves (hangup), the room ends, the other side's conference
 * application completes and its call goes on. This works the same on the simulator and on a Kazoo node, which
 * loads mod_conference but not mod_fifo.
 *
 * The two coroutines also tell each other (BridgeLink) when they leave: a side whose partner is gone before it got
 * into the room (the two joins crossed) removes itself, so no call is ever left alone in a bridge room.
 */
import { onAbort } from '../../util/abort.js';
import type { CallContext } from '../call-context.js';
import { attendConference, kickMember, type MemberStay } from './conference-member.js';
import type { BridgeLink, BridgeSide } from './queue-store.js';
import { logCode } from '../../log-code.js';

const SILENCE = 'silence_stream://1';

function otherSide(side: BridgeSide): BridgeSide {
  return side === 'queued' ? 'dequeuer' : 'queued';
}

/** Joins the bridge room as `side` and resolves when this call has left it. */
export async function joinBridgeRoom(ctx: CallContext, room: string, link: BridgeLink, side: BridgeSide): Promise<MemberStay> {
  let memberId: string | undefined;
  let partnerGone = false;
  const leaveRoom = (): void => {
    if (memberId === undefined) return;
    kickMember(ctx, room, memberId).catch((err: unknown) => {
      logCode(ctx.log, 'ERR_QUEUE_BRIDGE_FAILED', { err }, 'could not leave the bridge room');
    });
  };
  const offPartner = link.onLeft(otherSide(side), () => {
    partnerGone = true;
    leaveRoom();
  });
  try {
    return await attendConference(ctx, {
      room,
      profile: ctx.settings.conference.profile,
      flags: ['endconf'],
      variables: [['hangup_after_conference', 'false'], ['conference_enter_sound', SILENCE],
        ['conference_exit_sound', SILENCE], ['conference_moh_sound', 'silence_stream://-1']],
    }, {
      onJoined: (id) => {
        memberId = id;
        if (side === 'queued') link.markQueuedJoined(true);
        if (partnerGone) leaveRoom();
      },
    });
  } finally {
    offPartner();
    link.markLeft(side);
  }
}

/** Resolves with whether the taken caller got into the room, false at once if the taker's call ends first. */
export function waitForQueued(ctx: CallContext, link: BridgeLink): Promise<boolean> {
  return new Promise((resolve) => {
    const off = onAbort(ctx.signal, () => resolve(false));
    void link.queuedJoined.then((joined) => {
      off();
      resolve(joined);
    });
  });
}
