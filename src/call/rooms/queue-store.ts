/**
 * The queues of `<Enqueue>` and `<Dial><Queue>`, behind an interface: the in-process store serves one node; a
 * shared store (Redis lists plus a pub/sub channel per waiting call) can implement the same contract later.
 * Every method is asynchronous for that reason. Keys come from `queueKey` (account and name).
 */

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
}

/** A queued call as its taker gets it. */
export interface TakenCall extends QueueMember {
  /** Wakes the queued call's coroutine with where to meet. */
  offer(offer: BridgeOffer): void;
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
  takeFirst(key: string, options: { readonly timeoutMs: number; readonly signal: AbortSignal }): Promise<TakenCall | undefined>;
  /** Removes a call that is still waiting; false when it is no longer in the queue (taken, or gone). */
  remove(key: string, callSid: string): Promise<boolean>;
  /** Where a waiting call stands, or undefined once it has left. */
  standing(key: string, callSid: string): Promise<QueueStanding | undefined>;
  /** Whether any call has ever entered this queue. */
  exists(key: string): Promise<boolean>;
  /** Calls waiting in all queues (for tests and metrics). */
  readonly waitingCount: number;
  /** Takers waiting on empty queues (for tests and metrics). */
  readonly takerCount: number;
}
