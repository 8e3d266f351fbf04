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
 *
 * How it is used (src/cluster/redis-remote-reach.ts implements it, conf/README.md "Cluster legs" tells the
 * FreeSWITCH side):
 * @example
 * // Once per server, where the feature is built: what this server does with legs of a kind.
 * const off = reach.handle('conference-join', async (legCtx, job, origin) => {
 *   // legCtx.channel is the leg (answered); legCtx.identity is the sending call's (CallSid, AccountSid, From, To),
 *   // so the callbacks sent through legCtx.requests carry its ids. Resolve when the leg is to be hung up.
 *   return { joined: true };  // JSON: what the sender's `run` gets as `result`
 * });
 * // In a call: the place of a room or call is `reach.placeOf(ctx)` of the call that made it (kept in Redis).
 * const { result, outcome, error } = await ctx.rooms.reach.run(ctx, place, 'conference-join', { room: 'r1' });
 * // outcome 'completed': the leg reached the handler and is over (result: what it returned, or error: its code);
 * // else 'failed' | 'busy' | 'no-answer' | 'canceled', as a Dial's DialCallStatus, with `error` saying why.
 *
 * `run` resolves when the leg ends: when the handler returns (the receiving server hangs the leg up), when the
 * sending call hangs up (the leg is hung up too), or at once when the leg cannot be made. The job must be JSON (it
 * waits in Redis, `cluster.legs.jobTtlMs`); the leg rings at most `cluster.legs.answerTimeoutSeconds`.
 */
import type { ErrorCode } from '../../errors.js';
import type { ChannelData } from '../../esl/index.js';
import type { ParamFormat } from '../../webhook/index.js';
import type { CallIdentity } from '../call-description.js';
import type { CallContext } from '../call-context.js';
import type { CallSource } from '../call-source.js';

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
  /** The handler's result; undefined when the leg never reached it (or the handler failed). */
  readonly result: unknown;
  /** Dial-style outcome of the leg itself: `completed` when it reached the handler, else why not. */
  readonly outcome: 'completed' | 'failed' | 'busy' | 'no-answer' | 'canceled';
  /**
   * Why there is no result: the code logged for a leg that did not reach the handler (ERR_CLUSTER_LEG_FAILED,
   * ERR_CLUSTER_NODE_UNKNOWN, ERR_CLUSTER_PEER_GONE, a Redis error), or the handler's own error code.
   */
  readonly error?: ErrorCode;
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

/** The sending call as the leg's context presents it: its ids, its naming of requests and its script's place. */
export interface LegSender {
  readonly identity: CallIdentity;
  readonly format: ParamFormat;
  readonly source: { readonly voiceUrl: string; readonly method: CallSource['method']; readonly fallbackUrl?: string };
  /** The URL of the document the sending call ran when it sent the leg (the base of relative URLs). */
  readonly document: string;
}

/** A leg that reached this server, with its job taken from Redis. */
export interface ArrivedLeg {
  readonly kind: string;
  readonly job: unknown;
  readonly sender: LegSender;
  /** The handler registered for `kind`; undefined when this server has none. */
  readonly handler: LegHandler | undefined;
  /** Sends what the leg did back to the sender (best effort: a failure is logged, never thrown). */
  reply(outcome: { readonly result?: unknown; readonly error?: ErrorCode }): Promise<void>;
}

/** How the engine learns which channels are legs from other servers, and takes their jobs. */
export interface LegArrivals {
  /**
   * Whether `data` describes a leg from another server (its destination is a leg token). Asked of every call that
   * reaches this server, so the server learns from it which FreeSWITCH node it runs calls of.
   */
  isLeg(data: ChannelData): boolean;
  /**
   * Takes the job of the leg (once: a second take of the same token fails).
   * @throws AppError ERR_CLUSTER_LEG_UNKNOWN (expired, taken, never made), or a Redis error.
   */
  take(data: ChannelData): Promise<ArrivedLeg>;
}
