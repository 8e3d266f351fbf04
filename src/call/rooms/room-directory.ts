/**
 * Where each `<Conference>` room of the cluster lives: one room per account and name across the servers, held by
 * the server (and FreeSWITCH node) of its first member. The room's state (ConferenceSid, members, callbacks...)
 * stays in that server's ConferenceRegistry; the directory only says where it is. A server holds an entry for as
 * long as the room has a member there (a lease it renews), and gives it up when the room empties there; the entry
 * of a server that dies ends with its lease.
 *
 * One server (no `cluster.redis.url`) has no directory: every room is its own.
 */
import type { ClusterPlace } from './remote-reach.js';

export interface RoomDirectory {
  /**
   * The place of `room`: `place` itself when no server holds the room (it is claimed for `place`, atomically) or
   * when `place`'s server already holds it, else the place of the server that does. Each claim that gives back
   * `place`'s server is one hold of the room, given back by {@link release}.
   * @throws AppError ERR_CLUSTER_REDIS_UNAVAILABLE / ERR_CLUSTER_REDIS_TIMEOUT when the directory cannot say (within
   * the connection's time limit).
   */
  claim(room: string, place: ClusterPlace): Promise<ClusterPlace>;
  /**
   * Holds `room` for `place`'s server without asking anyone (its members joined while the directory could not be
   * reached): the entry is written when the directory answers again, unless another server has claimed the room
   * meanwhile. One hold, given back by {@link release}.
   */
  hold(room: string, place: ClusterPlace): void;
  /** Gives back one hold of `room`; the last one removes the entry (if it is still this server's). Never throws. */
  release(room: string): void;
}
