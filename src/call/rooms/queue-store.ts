/**
 * The queues of `<Enqueue>` and `<Dial><Queue>`, behind an interface: the in-process store serves one server; the
 * cluster's store (src/cluster/redis-queue-store.ts) shares each queue between the servers through Redis. Every
 * method is asynchronous for that reason. Keys come from `queueKey` (account and name).
 */
import { createHash } from 'node:crypto';
import type { ClusterPlace } from './remote-reach.js';

/** The Twilio-style QueueSid of a queue key: `QU` + 32 hex, the same on every server. */
export function queueSidOf(key: string): string {
  return 'QU' + createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/** What the call that takes a queued call tells it: where to meet, and what to play first. */
export interface BridgeOffer {
  /** FreeSWITCH room where both calls meet (already safe to use as a conference name). */
  readonly room: string;
  /** The call that took it (DequeueingCallSid). */
  readonly dequeuerCallSid: string;
  /** TwiML played to the queued call before it joins (`<Queue url>`), already resolved. */
  readonly url?: URL;
  readonly method: 'GET' | 'POST';
  /** Both sides of the meeting, for the two coroutines to tell each other when they join and leave. */
  readonly link: BridgeLink;
}

/** The two ends of one bridge: each side reports when it is in the room and when it has left. */
export interface BridgeLink {
  /** Resolves true once the queued call is in the room, false if it could not get there. */
  readonly queuedJoined: Promise<boolean>;
  markQueuedJoined(joined: boolean): void;
  /** Runs `fn` once the other side has left the room (at once if it already has); returns the disposer. */
  onLeft(side: BridgeSide, fn: () => void): () => void;
  markLeft(side: BridgeSide): void;
}

export type BridgeSide = 'queued' | 'dequeuer';

/** A call in a queue. */
export interface QueueMember {
  readonly callSid: string;
  /** Epoch milliseconds when it entered. */
  readonly enqueuedAtMs: number;
  /** The FreeSWITCH node its channel is on (`Core-UUID`; '' or absent when unknown). */
  readonly coreUuid?: string;
}

/** A queued call as its taker gets it. */
export interface TakenCall extends QueueMember {
  /** Where the queued call runs: absent when on this server. */
  readonly place?: ClusterPlace;
  /**
   * Wakes the queued call's coroutine with where to meet. Resolves false when it is no longer waiting (it hung up or
   * left meanwhile, or its server is gone): the taker then takes the next.
   */
  offer(offer: BridgeOffer): Promise<boolean>;
}

/** How `takeFirst` waits. */
export interface TakeOptions {
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** Only callers on this FreeSWITCH node (`Core-UUID`), for a taker that cannot reach the others. */
  readonly node?: string;
}

/** Where a call stands in its queue. */
export interface QueueStanding {
  /** 1 for the first in line. */
  readonly position: number;
  readonly size: number;
  /** Average milliseconds the calls now in the queue have waited. */
  readonly averageWaitMs: number;
}

/** The queue operations the engine uses. */
export interface QueueStore {
  /** Twilio-style QueueSid of a queue (`QU` + 32 hex), stable for its key. */
  sidOf(key: string): string;
  /**
   * Puts a call at the end of the queue; `onOffer` wakes its coroutine when another call takes it.
   * @returns false when the queue already holds `maxSize` calls.
   */
  enqueue(key: string, member: QueueMember, maxSize: number, onOffer: (offer: BridgeOffer) => void): Promise<boolean>;
  /**
   * Takes the first call in line, waiting for one up to `timeoutMs` (or until `signal` aborts).
   * @returns undefined when none came in time.
   */
  takeFirst(key: string, options: TakeOptions): Promise<TakenCall | undefined>;
  /**
   * Removes a call that is still waiting; false when it is no longer in the queue (offered to a taker, or gone). A
   * call taken but not offered yet may still leave: its offer then resolves false.
   */
  remove(key: string, callSid: string): Promise<boolean>;
  /** Where a waiting call stands, or undefined once it has left. */
  standing(key: string, callSid: string): Promise<QueueStanding | undefined>;
  /** Whether any call has ever entered this queue. */
  exists(key: string): Promise<boolean>;
  /** Calls waiting in all queues (this server's, for tests and metrics). */
  readonly waitingCount: number;
  /** Takers waiting on empty queues (this server's, for tests and metrics). */
  readonly takerCount: number;
}

/** A store whose waiting calls a taker on another node meets over a leg (the cluster's store). */
export interface LocalOffers {
  /**
   * Offers the meeting to `callSid`, a call of this server that a taker of another server took; false when it is
   * no longer waiting.
   */
  offerTaken(callSid: string, offer: BridgeOffer): Promise<boolean>;
}
