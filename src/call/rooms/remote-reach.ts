/**
 * How a call meets a room or a call that another server of the cluster runs. A place is a server and the
 * FreeSWITCH node its call is on (the channel data's `Core-UUID`). What a call does there:
 * - on its own node and its own server: nothing new (the in-process rooms and queues);
 * - on its own node but another server: both channels are on one FreeSWITCH, so they meet there directly (a
 *   mod_conference room both join by name, or a local leg to the other server), with no inter-node leg;
 * - on another node: a SIP leg from this call's node to the other node's inter-node address (`cluster.nodes`),
 *   which that node's dialplan extension hands to the server at the place.
 *
 * The server at the place runs, on the leg's channel, the handler registered for the job's kind, on behalf of the
 * call that sent it (its CallSid and account), and the result comes back to the sender. Nothing from a customer
 * becomes part of a dial string: a leg carries only a token the sending server made, and the job itself goes
 * through Redis.
 *
 * One server (no `cluster.redis.url`) has no RemoteReach: every place is its own.
 */
import type { CallContext } from '../call-context.js';

/** Where a call or a room lives in the cluster. */
export interface ClusterPlace {
  /** The server that runs it (RedisConnection.serverId). */
  readonly serverId: string;
  /** The FreeSWITCH node its channel is on (`Core-UUID`). */
  readonly coreUuid: string;
}

/** Who sent a job over a leg: the call on whose behalf it runs. */
export interface LegOrigin {
  readonly callSid: string;
  readonly accountSid: string;
}

/** A job run on a leg's channel by the server at the place; resolves with what goes back to the sender (JSON). */
export type LegHandler = (legCtx: CallContext, job: unknown, origin: LegOrigin) => Promise<unknown>;

/** How the leg went, for the sender. */
export interface LegResult {
  /** The handler's result; undefined when the leg never reached it. */
  readonly result: unknown;
  /** Dial-style outcome of the leg itself: `completed` when it reached the handler, else why not. */
  readonly outcome: 'completed' | 'failed' | 'busy' | 'no-answer' | 'canceled';
}

/** The cluster's reach beyond this server. */
export interface RemoteReach {
  /** This server's place for `ctx`'s call. */
  placeOf(ctx: CallContext): ClusterPlace;
  /** Whether `place` is on the FreeSWITCH node of `ctx`'s call. */
  sameNode(ctx: CallContext, place: ClusterPlace): boolean;
  /**
   * Brings `ctx`'s audio to the server at `place`, which runs the handler of `kind` with `job` on the leg's channel;
   * resolves once the leg has ended (the call goes on, as after a `<Dial>`), or at once with a failed outcome when
   * the place cannot be reached (no inter-node address for its node, the server gone, the leg refused).
   */
  run(ctx: CallContext, place: ClusterPlace, kind: string, job: unknown): Promise<LegResult>;
  /** Registers what this server does with legs of `kind` that reach it; returns the function that removes it. */
  handle(kind: string, handler: LegHandler): () => void;
}
