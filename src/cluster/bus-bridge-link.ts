/**
 * A bridge between a queued call and its taker when the two run on two servers of the cluster (rooms/queue-store.ts
 * `BridgeLink`): each server keeps the local link its own coroutine uses, and an end of this module carries the
 * signals between them through Redis:
 * - the queued side's `queued-joined` and `queued-left`, the dequeuer side's `dequeuer-left`;
 * - each signal is a field of the bridge's hash (`bridge:<id>`) written and published (`bus:bridge:<id>`) in one
 *   script, and written again every third of a lease until Redis takes it (for up to 10 minutes): an end reads the
 *   hash on each message and every third of a lease, so a signal given during an outage is seen once Redis is back;
 * - each end watches the other server's lease (`queue-server:<serverId>`, renewed by its queue store): once it has
 *   been missing for a whole lease while Redis answers, that server is gone and its side counts as left.
 * While Redis does not answer, an end waits on. Both calls are in one FreeSWITCH room, which carries their talk
 * without Redis; but the member that stays when the other hangs up is told to leave only once Redis is back.
 * An end stops (unsubscribes, stops reading) as soon as either side has left.
 */
import type { Logger } from 'pino';
import { type BridgeLink, type BridgeSide, createBridgeLink } from '../call/index.js';
import { logCode } from '../log-code.js';
import { after } from '../util/abort.js';
import type { RedisBus } from './redis-bus.js';
import { type RedisConnection, RedisScript } from './redis-connection.js';

/** KEYS[1] the bridge's hash; ARGV: the signal, the hash's lifetime ms, the bus channel. */
const SIGNAL = new RedisScript(`
redis.call('HSET', KEYS[1], ARGV[1], '1')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[1])
return 1
`);

/** KEYS: the bridge's hash, the other server's lease. Returns the signals so far and whether that server lives. */
const LOOK = new RedisScript(`
return { redis.call('HKEYS', KEYS[1]), redis.call('EXISTS', KEYS[2]) }
`);

type Signal = 'queued-joined' | 'queued-left' | 'dequeuer-left';

/** How long a bridge's signals stay in Redis: far longer than the two ends take to read them. */
const SIGNALS_KEPT_MS = 10 * 60_000;

/** What both ends of the bridges of one server use. */
export interface BridgeLinkDeps {
  readonly redis: RedisConnection;
  readonly bus: RedisBus;
  readonly log: Logger;
  /** The key of a server's lease. */
  readonly serverLease: (serverId: string) => string;
}

function otherSide(side: BridgeSide): BridgeSide {
  return side === 'queued' ? 'dequeuer' : 'queued';
}

/** One server's end of a bridge. */
class BridgeEnd {
  readonly #deps: BridgeLinkDeps;
  readonly #id: string;
  readonly #side: BridgeSide;
  readonly #peer: string;
  readonly #link: BridgeLink;
  #unsubscribe: (() => Promise<void>) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #missingSince: number | undefined;
  #closed = false;

  constructor(deps: BridgeLinkDeps, id: string, side: BridgeSide, peer: string, link: BridgeLink) {
    this.#deps = deps;
    this.#id = id;
    this.#side = side;
    this.#peer = peer;
    this.#link = link;
  }

  get #channel(): string {
    return this.#deps.bus.channel('bridge', this.#id);
  }

  /** Subscribes, then carries the signals until either side has left. */
  async open(): Promise<void> {
    this.#unsubscribe = await this.#deps.bus.subscribe(this.#channel, () => void this.#look());
    const own = this.#side;
    this.#link.onLeft(own, () => {
      this.#send(`${own}-left`);
      this.close();
    });
    this.#link.onLeft(otherSide(own), () => this.close());
    if (own === 'queued') {
      void this.#link.queuedJoined.then((joined) => {
        if (joined) this.#send('queued-joined');
      });
    }
    if (this.#closed) return;
    this.#timer = setInterval(() => void this.#look(), Math.max(1, Math.floor(this.#deps.redis.leaseMs / 3)));
    this.#timer.unref();
    void this.#look();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    void this.#unsubscribe?.();
  }

  /** Writes `signal` (and publishes it), trying again while Redis does not take it, for as long as it is kept. */
  #send(signal: Signal, since = performance.now()): void {
    const { redis } = this.#deps;
    redis.run('bridge signal', (client) => SIGNAL.run(client, [redis.key('bridge', this.#id)],
      [signal, SIGNALS_KEPT_MS, this.#channel])).catch(() => {
      if (performance.now() - since >= SIGNALS_KEPT_MS) {
        logCode(this.#deps.log, 'ERR_QUEUE_BRIDGE_FAILED', { bridge: this.#id, signal },
          'the other server of a bridge could not be told');
        return;
      }
      after(Math.max(1, Math.floor(redis.leaseMs / 3)), () => this.#send(signal, since));
    });
  }

  /** Reads the signals and the other server's lease, and applies them to the local link. */
  async #look(): Promise<void> {
    if (this.#closed) return;
    const { redis } = this.#deps;
    let signals: string[];
    let peerLives: boolean;
    try {
      const [fields, exists] = await redis.run('bridge look', (client) => LOOK.run(client,
        [redis.key('bridge', this.#id), this.#deps.serverLease(this.#peer)], [])) as [string[], number];
      signals = fields;
      peerLives = exists === 1;
    } catch {
      return; // Redis does not answer: wait on (logged by the connection).
    }
    if (this.#closed) return;
    if (this.#side === 'dequeuer') {
      if (signals.includes('queued-joined')) this.#link.markQueuedJoined(true);
      if (signals.includes('queued-left')) this.#link.markLeft('queued');
    } else if (signals.includes('dequeuer-left')) {
      this.#link.markLeft('dequeuer');
    }
    const now = performance.now();
    if (peerLives) this.#missingSince = undefined;
    else this.#missingSince ??= now;
    if (this.#missingSince !== undefined && now - this.#missingSince >= redis.leaseMs) {
      logCode(this.#deps.log, 'ERR_QUEUE_BRIDGE_FAILED', { bridge: this.#id, server: this.#peer },
        'the other server of a bridge is gone');
      this.#link.markLeft(otherSide(this.#side));
    }
  }
}

/**
 * The dequeuer's end: `link` (the taker's own) gets the queued side's signals, and its leaving is told to the queued
 * side. Open it before the queued call is offered the bridge.
 */
export async function openDequeuerEnd(deps: BridgeLinkDeps, id: string, queuedServer: string,
  link: BridgeLink): Promise<{ close(): void; left(): void }> {
  const end = new BridgeEnd(deps, id, 'dequeuer', queuedServer, link);
  await end.open();
  return { close: () => end.close(), left: () => link.markLeft('dequeuer') };
}

/** The queued call's end: a new local link for the queued coroutine, joined to the dequeuer's server. */
export async function openQueuedEnd(deps: BridgeLinkDeps, id: string, dequeuerServer: string): Promise<BridgeLink> {
  const link = createBridgeLink();
  await new BridgeEnd(deps, id, 'queued', dequeuerServer, link).open();
  return link;
}
