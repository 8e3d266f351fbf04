/**
 * The queues of `<Enqueue>` and `<Dial><Queue>` shared by the servers of a cluster, in Redis (rooms/queue-store.ts).
 *
 * Keys of a queue (account and name, escaped), under the prefix:
 * - `queue:<key>`: the waiting calls, a sorted set scored by when each entered (Redis's clock, microseconds): the
 *   order of the line, whichever server each call runs on;
 * - `queue:<key>:lease`: the lease of each entry (when it ends, Redis's clock, ms), renewed by the call's server every
 *   third of `cluster.redis.leaseMs`; `queue:<key>:info`: each entry's call (CallSid, enqueue time, server, node);
 * - `queue:<key>:taken`: the calls taken in the last two leases, so that their server does not put them back while
 *   the offer is on its way; `queue-known:<key>`: the queue has been used (`<Dial><Queue>` to a queue never used
 *   fails), kept 30 days after its last caller.
 * Every step is one Lua script, atomic: entering (refused at `maxSize`), taking the first (the one script that hands
 * a caller out: two takers never get the same one), leaving, and where a call stands. Each script first drops the
 * entries whose lease has ended: the calls of a server that died are never handed out, and stop counting once their
 * leases end. An arrival is published on `bus:queue:<key>`, where takers waiting on an empty queue wake and try again
 * (and once a lease anyway, should a message be lost).
 *
 * A taken call is offered to its own server: directly when it is this one, else by a bus request on the channel of
 * the waiting call (`bus:queue-call:<CallSid>`), which its server serves while the call waits. That server decides:
 * the first offer to a call that still waits is accepted, any other is refused (ERR_QUEUE_OFFER_REFUSED) and the
 * taker takes the next. A call that leaves (hangup, `<Leave>`) is removed at once and refuses every later offer,
 * whether Redis heard of its leaving or not. The two servers then carry the bridge's signals over Redis
 * (bus-bridge-link.ts).
 *
 * Redis unreachable or too slow: entering, taking and `exists` reject with ERR_CLUSTER_REDIS_UNAVAILABLE or
 * _TIMEOUT (the verbs turn that into their outcome); the calls already waiting keep waiting, and their server puts
 * them back in their places once Redis answers again (a Redis restarted empty gets them again).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  type BridgeLink, type BridgeOffer, type LocalOffers, type QueueMember, type QueueStanding, type QueueStore, queueSidOf, type TakenCall, type TakeOptions,
} from '../call/index.js';
import { escapeRoomPart } from '../call/rooms/room-names.js';
import { AppError } from '../errors.js';
import { logCode } from '../log-code.js';
import { after, onAbort } from '../util/abort.js';
import { type BridgeLinkDeps, openDequeuerEnd, openQueuedEnd } from './bus-bridge-link.js';
import type { RedisBus } from './redis-bus.js';
import type { RedisConnection } from './redis-connection.js';
import { ENQUEUE, REMOVE, RENEW, STANDING, TAKE } from './redis-queue-scripts.js';

/** A queue's use is remembered this long after its last caller entered. */
const KNOWN_MS = 30 * 24 * 3600_000;

/** An entry's call, as stored in Redis. */
interface EntryInfo {
  readonly sid: string;
  /** Enqueue time, epoch ms (the clock of the call's server). */
  readonly at: number;
  readonly server: string;
  readonly core: string;
}

/** The offer sent to the queued call's server. */
interface OfferMessage {
  readonly bridge: string;
  readonly server: string;
  readonly room: string;
  readonly dequeuerCallSid: string;
  readonly url?: string;
  readonly method: 'GET' | 'POST';
}

/** A call of this server waiting in a queue. */
interface OwnEntry {
  readonly key: string;
  readonly info: string;
  /** Its place in line, once Redis gave it ('' before). */
  score: string;
  /** Once an offer was accepted, or the call left: later offers are refused. */
  done: boolean;
  readonly onOffer: (offer: BridgeOffer) => void;
  stopServing?: () => Promise<void>;
}

function isOfferMessage(value: unknown): value is OfferMessage {
  const v = value as Partial<OfferMessage> | null;
  return typeof v === 'object' && v !== null && typeof v.bridge === 'string' && typeof v.server === 'string'
    && typeof v.room === 'string' && typeof v.dequeuerCallSid === 'string' && (v.method === 'GET' || v.method === 'POST');
}

export class RedisQueueStore implements QueueStore, LocalOffers {
  readonly #redis: RedisConnection;
  readonly #bus: RedisBus;
  readonly #log: Logger;
  readonly #links: BridgeLinkDeps;
  /** This server's waiting calls, by CallSid. */
  readonly #own = new Map<string, OwnEntry>();
  readonly #stopRenewing: () => void;
  #takers = 0;

  constructor(redis: RedisConnection, bus: RedisBus, log: Logger) {
    this.#redis = redis;
    this.#bus = bus;
    this.#log = log.child({ component: 'cluster-queues' });
    this.#links = { redis, bus, log: this.#log, serverLease: (id) => redis.key('queue-server', id) };
    this.#stopRenewing = redis.keepLeases(() => this.renew());
  }

  sidOf(key: string): string {
    return queueSidOf(key);
  }

  async enqueue(key: string, member: QueueMember, maxSize: number, onOffer: (offer: BridgeOffer) => void): Promise<boolean> {
    const info: EntryInfo = { sid: member.callSid, at: member.enqueuedAtMs, server: this.#redis.serverId,
      core: member.coreUuid ?? '' };
    const own: OwnEntry = { key, info: JSON.stringify(info), score: '', done: false, onOffer };
    // Served before it is in line: an offer may come as soon as it is.
    own.stopServing = await this.#bus.serve(this.#offerChannel(member.callSid), (body) => this.#offered(member.callSid, body));
    this.#own.set(member.callSid, own);
    let score: unknown;
    try {
      score = await this.#redis.run('enqueue', (client) => ENQUEUE.run(client, [...this.#keys(key), this.#known(key)],
        [member.callSid, own.info, maxSize, this.#redis.leaseMs, this.#arrivals(key), KNOWN_MS]));
    } catch (err) {
      this.#forget(member.callSid, own);
      throw err;
    }
    if (typeof score !== 'string') {
      this.#forget(member.callSid, own);
      return false;
    }
    own.score = score;
    return true;
  }

  async takeFirst(key: string, options: TakeOptions): Promise<TakenCall | undefined> {
    const first = await this.#take(key, options.node);
    if (first || options.signal.aborted || options.timeoutMs <= 0) return first;
    const deadline = performance.now() + options.timeoutMs;
    let wake: (() => void) | undefined;
    /** An arrival seen since the last take began: take again at once. */
    let arrived = false;
    const unsubscribe = await this.#bus.subscribe(this.#arrivals(key), () => {
      arrived = true;
      wake?.();
    });
    this.#takers++;
    try {
      for (;;) {
        arrived = false;
        const taken = await this.#take(key, options.node);
        const left = deadline - performance.now();
        if (taken || left <= 0 || options.signal.aborted) return taken;
        if (arrived) continue;
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            wake = undefined;
            offTimer();
            offAbort();
            resolve();
          };
          wake = stop;
          // Once a lease at least, should an arrival's message be lost.
          const offTimer = after(Math.min(left, this.#redis.leaseMs), stop);
          const offAbort = onAbort(options.signal, stop);
        });
      }
    } finally {
      this.#takers--;
      await unsubscribe();
    }
  }

  async remove(key: string, callSid: string): Promise<boolean> {
    const own = this.#own.get(callSid);
    if (!own || own.key !== key || own.done) return false;
    // Decided here: from now on every offer is refused, whether Redis hears of it or not (its lease then ends it).
    this.#forget(callSid, own);
    await this.#dropFromLine(key, callSid);
    return true;
  }

  async standing(key: string, callSid: string): Promise<QueueStanding | undefined> {
    const found = await this.#redis.run('queue standing', (client) => STANDING.run(client, this.#keys(key), [callSid]));
    if (!Array.isArray(found)) return undefined;
    const [position, size, averageWaitMs] = found as [number, number, number];
    return { position, size, averageWaitMs };
  }

  async exists(key: string): Promise<boolean> {
    const known = this.#known(key);
    return (await this.#redis.run('queue exists', (client) => client.exists(known))) === 1;
  }

  get waitingCount(): number {
    let n = 0;
    for (const own of this.#own.values()) if (!own.done) n++;
    return n;
  }

  get takerCount(): number {
    return this.#takers;
  }

  /** Renews this server's lease and its waiting calls' (putting back those Redis lost). */
  async renew(): Promise<void> {
    const { leaseMs } = this.#redis;
    const byQueue = new Map<string, (string | number)[]>();
    for (const [callSid, own] of this.#own) {
      if (own.done || own.score === '') continue;
      const args = byQueue.get(own.key) ?? [leaseMs, KNOWN_MS];
      args.push(callSid, own.score, own.info);
      byQueue.set(own.key, args);
    }
    await Promise.all([
      this.#redis.run('renew server lease', (client) => client.set(this.#links.serverLease(this.#redis.serverId), '1',
        { expiration: { type: 'PX', value: leaseMs } })),
      ...[...byQueue].map(([key, args]) => this.#redis.run('renew queue leases',
        (client) => RENEW.run(client, [...this.#keys(key), this.#known(key)], args))),
    ]);
  }

  /** Stops renewing (the server stops): its waiting calls leave the queues once their leases end. */
  close(): void {
    this.#stopRenewing();
  }

  /** Runs the take script once. */
  async #take(key: string, node: string | undefined): Promise<TakenCall | undefined> {
    const found = await this.#redis.run('take from queue', (client) => TAKE.run(client, this.#keys(key),
      [node === undefined ? '0' : '1', node ?? '', this.#redis.leaseMs]));
    if (!Array.isArray(found)) return undefined;
    const info = JSON.parse(String(found[1])) as EntryInfo;
    return {
      callSid: info.sid, enqueuedAtMs: info.at, coreUuid: info.core,
      place: { serverId: info.server, coreUuid: info.core },
      offer: (offer) => this.#offer(info, offer),
    };
  }

  async offerTaken(callSid: string, offer: BridgeOffer): Promise<boolean> {
    const own = this.#own.get(callSid);
    if (!own || own.done) return false;
    this.#forget(callSid, own);
    void this.#dropFromLine(own.key, callSid);
    own.onOffer(offer);
    return true;
  }

  /** Offers the bridge to a taken call: on this server directly, else through its server. */
  async #offer(info: EntryInfo, offer: BridgeOffer): Promise<boolean> {
    if (info.server === this.#redis.serverId) return this.offerTaken(info.sid, offer);
    const bridge = randomUUID();
    let end: Awaited<ReturnType<typeof openDequeuerEnd>>;
    try {
      end = await openDequeuerEnd(this.#links, bridge, info.server, offer.link);
    } catch {
      return false; // Redis does not answer (logged by the connection); the taker's next take says so.
    }
    const message: OfferMessage = { bridge, server: this.#redis.serverId, room: offer.room,
      dequeuerCallSid: offer.dequeuerCallSid, method: offer.method, ...(offer.url && { url: offer.url.href }) };
    try {
      await this.#bus.request(this.#offerChannel(info.sid), message, this.#redis.leaseMs);
      return true;
    } catch (err) {
      logCode(this.#log, 'ERR_QUEUE_OFFER_REFUSED', { callSid: info.sid, server: info.server,
        cause: err instanceof AppError ? err.code : String(err) }, 'the taken caller is no longer waiting');
      end.left();
      return false;
    }
  }

  /** Another server's offer to one of this server's waiting calls. */
  async #offered(callSid: string, body: unknown): Promise<unknown> {
    if (!isOfferMessage(body)) throw new AppError('ERR_CLUSTER_MESSAGE_INVALID', 'an offer could not be read');
    const own = this.#own.get(callSid);
    if (!own || own.done) throw new AppError('ERR_QUEUE_OFFER_REFUSED', 'the caller is no longer waiting');
    own.done = true; // Held for this offer while its end of the bridge opens.
    let link: BridgeLink;
    try {
      link = await openQueuedEnd(this.#links, body.bridge, body.server);
    } catch (err) {
      own.done = false;
      throw err;
    }
    this.#forget(callSid, own);
    // Should a renewal have put it back meanwhile, it leaves the line (best effort: its lease ends it anyway).
    void this.#dropFromLine(own.key, callSid);
    own.onOffer({ room: body.room, dequeuerCallSid: body.dequeuerCallSid, method: body.method, link,
      ...(body.url !== undefined && { url: new URL(body.url) }) });
    return { accepted: true };
  }

  /** Takes the call out of Redis's line, best effort (should Redis not hear of it, the call's lease ends it). */
  async #dropFromLine(key: string, callSid: string): Promise<void> {
    await this.#redis.run('leave queue', (client) => REMOVE.run(client, this.#keys(key).slice(0, 3), [callSid]))
      .catch(() => undefined);
  }

  /** The call refuses offers from now on and is no longer renewed. */
  #forget(callSid: string, own: OwnEntry): void {
    own.done = true;
    if (this.#own.get(callSid) === own) this.#own.delete(callSid);
    void own.stopServing?.();
  }

  #part(key: string): string {
    return escapeRoomPart(key);
  }

  #keys(key: string): string[] {
    const base = this.#redis.key('queue', this.#part(key));
    return [base, `${base}:lease`, `${base}:info`, `${base}:taken`];
  }

  #known(key: string): string {
    return this.#redis.key('queue-known', this.#part(key));
  }

  #arrivals(key: string): string {
    return this.#bus.channel('queue', this.#part(key));
  }

  #offerChannel(callSid: string): string {
    return this.#bus.channel('queue-call', callSid);
  }
}
