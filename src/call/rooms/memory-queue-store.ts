/**
 * The in-process QueueStore of one node: an ordered list per queue, and the takers waiting on an empty queue.
 * An arriving call goes straight to the oldest waiting taker. Nothing here holds a timer or listener beyond the
 * operation that set it.
 */
import { randomUUID } from 'node:crypto';
import { after, onAbort } from '../../util/abort.js';
import {
  type BridgeLink, type BridgeOffer, type BridgeSide, type QueueMember, type QueueStanding, type QueueStore, queueSidOf,
  type TakenCall, type TakeOptions,
} from './queue-store.js';

interface Waiting extends QueueMember {
  readonly onOffer: (offer: BridgeOffer) => void;
}

interface Taker {
  readonly resolve: (call: TakenCall | undefined) => void;
}

function taken(entry: Waiting): TakenCall {
  return {
    callSid: entry.callSid, enqueuedAtMs: entry.enqueuedAtMs, ...(entry.coreUuid !== undefined && { coreUuid: entry.coreUuid }),
    offer: async (o) => {
      entry.onOffer(o);
      return true;
    },
  };
}

/** Queues held in this process. */
export class MemoryQueueStore implements QueueStore {
  readonly #queues = new Map<string, Waiting[]>();
  readonly #takers = new Map<string, Taker[]>();
  readonly #known = new Set<string>();

  sidOf(key: string): string {
    return queueSidOf(key);
  }

  async enqueue(key: string, member: QueueMember, maxSize: number, onOffer: (offer: BridgeOffer) => void): Promise<boolean> {
    this.#known.add(key);
    const entry: Waiting = { ...member, onOffer };
    const takers = this.#takers.get(key);
    const taker = takers?.shift();
    if (takers?.length === 0) this.#takers.delete(key);
    if (taker) {
      taker.resolve(taken(entry));
      return true;
    }
    const queue = this.#queues.get(key) ?? [];
    if (queue.length >= maxSize) return false;
    queue.push(entry);
    this.#queues.set(key, queue);
    return true;
  }

  /** Every caller is on this server's node: `options.node` changes nothing. */
  async takeFirst(key: string, options: TakeOptions): Promise<TakenCall | undefined> {
    const queue = this.#queues.get(key);
    const first = queue?.shift();
    if (queue?.length === 0) this.#queues.delete(key);
    if (first) return taken(first);
    if (options.signal.aborted || options.timeoutMs <= 0) return undefined;
    return new Promise((resolve) => {
      const takers = this.#takers.get(key) ?? [];
      const settle = (call: TakenCall | undefined): void => {
        offTimer();
        offAbort();
        const list = this.#takers.get(key);
        const at = list?.indexOf(taker) ?? -1;
        if (list && at >= 0) list.splice(at, 1);
        if (list?.length === 0) this.#takers.delete(key);
        resolve(call);
      };
      const taker: Taker = { resolve: settle };
      const offTimer = after(options.timeoutMs, () => settle(undefined));
      const offAbort = onAbort(options.signal, () => settle(undefined));
      takers.push(taker);
      this.#takers.set(key, takers);
    });
  }

  async remove(key: string, callSid: string): Promise<boolean> {
    const queue = this.#queues.get(key);
    const at = queue?.findIndex((e) => e.callSid === callSid) ?? -1;
    if (!queue || at < 0) return false;
    queue.splice(at, 1);
    if (queue.length === 0) this.#queues.delete(key);
    return true;
  }

  async standing(key: string, callSid: string): Promise<QueueStanding | undefined> {
    const queue = this.#queues.get(key) ?? [];
    const at = queue.findIndex((e) => e.callSid === callSid);
    if (at < 0) return undefined;
    const now = Date.now();
    const total = queue.reduce((sum, e) => sum + (now - e.enqueuedAtMs), 0);
    return { position: at + 1, size: queue.length, averageWaitMs: total / queue.length };
  }

  async exists(key: string): Promise<boolean> {
    return this.#known.has(key);
  }

  get waitingCount(): number {
    let n = 0;
    for (const q of this.#queues.values()) n += q.length;
    return n;
  }

  get takerCount(): number {
    let n = 0;
    for (const t of this.#takers.values()) n += t.length;
    return n;
  }
}

/** A bridge link between two coroutines of this process. */
export function createBridgeLink(): BridgeLink {
  let markJoined!: (joined: boolean) => void;
  const queuedJoined = new Promise<boolean>((resolve) => (markJoined = resolve));
  const left = new Set<BridgeSide>();
  const watchers = new Map<BridgeSide, Set<() => void>>();
  return {
    queuedJoined,
    markQueuedJoined: (joined) => markJoined(joined),
    onLeft(side, fn) {
      if (left.has(side)) {
        fn();
        return () => undefined;
      }
      const set = watchers.get(side) ?? new Set();
      set.add(fn);
      watchers.set(side, set);
      return () => set.delete(fn);
    },
    markLeft(side) {
      if (side === 'queued') markJoined(false);
      if (left.has(side)) return;
      left.add(side);
      for (const fn of watchers.get(side) ?? []) fn();
      watchers.delete(side);
    },
  };
}

/** A fresh id for a bridge room. */
export function newBridgeId(): string {
  return randomUUID();
}
