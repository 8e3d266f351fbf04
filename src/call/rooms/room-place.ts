/**
 * Where a `<Conference>` room lives for a call that is about to join it: on this server, or at the place of the
 * server that holds it in the cluster's directory (room-directory.ts). Without a cluster (no RemoteReach or no
 * directory) every room is this server's.
 *
 * The directory cannot be asked (Redis down, too slow, or an entry that is not a place): the member joins this
 * server's room of that name, with whichever members of the room are on this server, at once (no wait beyond the
 * connection's time limit), and ERR_CONFERENCE_DIRECTORY is logged. The room is held for this server without a
 * claim, and written to the directory once Redis answers again, unless another server has claimed it meanwhile
 * (then the two rooms stay apart until they empty).
 */
import { toAppError } from '../../errors.js';
import type { CallContext } from '../call-context.js';
import type { ClusterPlace } from './remote-reach.js';
import { logCode } from '../../log-code.js';

/** The room is this server's (`release` gives back this member's hold once it has left), or another server's. */
export type RoomWhereabouts =
  | { readonly kind: 'here'; readonly release: () => void }
  | { readonly kind: 'elsewhere'; readonly place: ClusterPlace };

const NOTHING_HELD = (): void => undefined;

/** Finds `room` (an escaped room name, room-names.ts) for a member of `ctx`'s call, claiming it when it is free. */
export async function findRoom(ctx: CallContext, room: string): Promise<RoomWhereabouts> {
  const { reach, directory } = ctx.rooms;
  if (reach === undefined || directory === undefined) return { kind: 'here', release: NOTHING_HELD };
  const here = reach.placeOf(ctx);
  let holder: ClusterPlace;
  try {
    holder = await directory.claim(room, here);
  } catch (err) {
    logCode(ctx.log, 'ERR_CONFERENCE_DIRECTORY', { room, cause: toAppError(err).code },
      'the directory of conference rooms cannot say where the room is; the member joins this server\'s room');
    directory.hold(room, here);
    return { kind: 'here', release: once(() => directory.release(room)) };
  }
  if (holder.serverId !== here.serverId) return { kind: 'elsewhere', place: holder };
  return { kind: 'here', release: once(() => directory.release(room)) };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
