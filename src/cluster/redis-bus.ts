/**
 * Messages between the servers of a cluster, over Redis pub/sub: what one server tells another about a call or a
 * room it runs (a queued call taken by an agent on another server, a member that left, an update of a call that
 * runs elsewhere).
 *
 * - Channels are named under the cluster's prefix (`<prefix>bus:<name...>`); a message is a string (JSON by
 *   convention) that nothing but servers of the cluster publish.
 * - Subscriptions use one second connection (SUBSCRIBE blocks a connection), opened on first use; node-redis
 *   subscribes again by itself after a reconnection. One Redis subscription per channel, however many listeners.
 * - Requests (`request`/`serve`) carry an id and a reply channel of the asking server; a request nobody listens to
 *   fails at once with ERR_CLUSTER_PEER_GONE (PUBLISH counts the receivers), one left unanswered fails with
 *   ERR_CLUSTER_PEER_TIMEOUT, an error the serving side raised comes back with its code.
 * - Every wait is time-limited (`cluster.redis.commandTimeoutMs` for Redis itself, the caller's limit for a reply);
 *   a failure to reach Redis is an AppError as for every other command (see redis-connection.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError, isErrorCode, toAppError } from '../errors.js';
import { logCode } from '../log-code.js';
import { after } from '../util/abort.js';
import type { RedisClient, RedisConnection } from './redis-connection.js';

/** Gets each message of a channel. */
export type BusListener = (message: string) => void;

/** Answers a request: its result is sent back as JSON; an AppError it throws comes back with its code. */
export type BusHandler = (body: unknown) => Promise<unknown>;

interface Envelope {
  readonly id: string;
  readonly replyTo: string;
  readonly body: unknown;
}

interface Reply {
  readonly id: string;
  readonly ok: boolean;
  readonly body?: unknown;
  readonly code?: string;
  readonly message?: string;
}

interface PendingRequest {
  readonly resolve: (body: unknown) => void;
  readonly reject: (err: AppError) => void;
}

function isEnvelope(value: unknown): value is Envelope {
  const v = value as Partial<Envelope> | null;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.replyTo === 'string';
}

function isReply(value: unknown): value is Reply {
  const v = value as Partial<Reply> | null;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.ok === 'boolean';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export class RedisBus {
  readonly #redis: RedisConnection;
  readonly #log: Logger;
  readonly #listeners = new Map<string, Set<BusListener>>();
  /** The SUBSCRIBE of each channel, pending or done: a second listener waits for the first's. */
  readonly #subscribed = new Map<string, Promise<void>>();
  readonly #pending = new Map<string, PendingRequest>();
  readonly #replyChannel: string;
  #replies: Promise<() => Promise<void>> | undefined;
  #subscriber: RedisClient | undefined;
  #connecting: Promise<unknown> | undefined;
  /** Whether the subscribing connection has been up since it was opened. */
  #everReady = false;
  #closed = false;

  constructor(redis: RedisConnection, log: Logger) {
    this.#redis = redis;
    this.#log = log.child({ component: 'cluster-bus' });
    this.#replyChannel = this.channel('reply', redis.serverId);
  }

  /** The full name of a channel. */
  channel(...parts: string[]): string {
    return this.#redis.key('bus', ...parts);
  }

  /** Publishes `message`; resolves with the number of servers that got it (0: nobody listens). */
  async publish(channel: string, message: string): Promise<number> {
    return this.#redis.run('publish', (client) => client.publish(channel, message));
  }

  /** Calls `listener` with each message of `channel` until the returned function is called. */
  async subscribe(channel: string, listener: BusListener): Promise<() => Promise<void>> {
    if (this.#closed) throw new AppError('ERR_CLUSTER_REDIS_UNAVAILABLE', 'redis subscribe: the bus is closed');
    let listeners = this.#listeners.get(channel);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(channel, listeners);
    }
    listeners.add(listener);
    try {
      let subscribed = this.#subscribed.get(channel);
      if (!subscribed) {
        subscribed = this.#limited('subscribe', async (client) => {
          await client.subscribe(channel, (message) => this.#deliver(channel, message));
        });
        this.#subscribed.set(channel, subscribed);
        subscribed.catch(() => this.#subscribed.delete(channel));
      }
      await subscribed;
    } catch (err) {
      this.#drop(channel, listener);
      throw err;
    }
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      this.#drop(channel, listener);
    };
  }

  /**
   * Sends `body` to whoever serves `channel` and waits up to `timeoutMs` for the answer.
   * @throws AppError ERR_CLUSTER_PEER_GONE when nobody serves it, ERR_CLUSTER_PEER_TIMEOUT when no answer came in
   *   time, the serving side's own code when it failed, or a Redis error.
   */
  async request(channel: string, body: unknown, timeoutMs: number): Promise<unknown> {
    this.#replies ??= this.subscribe(this.#replyChannel, (message) => this.#replied(message));
    this.#replies.catch(() => (this.#replies = undefined));
    await this.#replies;
    const id = randomUUID();
    const answer = new Promise<unknown>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    const stopTimer = after(timeoutMs, () => this.#settle(id, (p) =>
      p.reject(new AppError('ERR_CLUSTER_PEER_TIMEOUT', `no answer on ${channel} within ${timeoutMs} ms`))));
    try {
      const receivers = await this.publish(channel, JSON.stringify({ id, replyTo: this.#replyChannel, body } satisfies Envelope));
      if (receivers === 0) {
        this.#settle(id, (p) => p.reject(new AppError('ERR_CLUSTER_PEER_GONE', `nobody listens on ${channel}`)));
      }
    } catch (err) {
      this.#settle(id, (p) => p.reject(toAppError(err)));
    }
    try {
      return await answer;
    } finally {
      stopTimer();
    }
  }

  /** Answers the requests sent to `channel` with `handler` until the returned function is called. */
  async serve(channel: string, handler: BusHandler): Promise<() => Promise<void>> {
    return this.subscribe(channel, (message) => {
      const envelope = parseJson(message);
      if (!isEnvelope(envelope)) {
        logCode(this.#log, 'ERR_CLUSTER_MESSAGE_INVALID', { channel }, 'a request on the bus could not be read');
        return;
      }
      void this.#answer(envelope, handler);
    });
  }

  /** Drops every subscription and fails what waits for an answer; the second connection is closed. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const id of [...this.#pending.keys()]) {
      this.#settle(id, (p) => p.reject(new AppError('ERR_SHUTDOWN', 'the cluster bus is closed')));
    }
    this.#listeners.clear();
    this.#subscribed.clear();
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    // Nothing on this connection needs a goodbye: cutting it ends its subscriptions (and a connection attempt).
    if (subscriber?.isOpen) subscriber.destroy();
    return Promise.resolve();
  }

  /** Servers' requests and listeners (for tests). */
  get listenerCount(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }

  async #answer(envelope: Envelope, handler: BusHandler): Promise<void> {
    let reply: Reply;
    try {
      reply = { id: envelope.id, ok: true, body: await handler(envelope.body) };
    } catch (err) {
      const error = toAppError(err);
      reply = { id: envelope.id, ok: false, code: error.code, message: error.message };
    }
    try {
      await this.publish(envelope.replyTo, JSON.stringify(reply));
    } catch {
      // Redis is down: the asking server gives up at its time limit; the outage is logged by the connection.
    }
  }

  #replied(message: string): void {
    const reply = parseJson(message);
    if (!isReply(reply)) {
      logCode(this.#log, 'ERR_CLUSTER_MESSAGE_INVALID', { channel: this.#replyChannel }, 'a reply on the bus could not be read');
      return;
    }
    this.#settle(reply.id, (p) => {
      if (reply.ok) p.resolve(reply.body);
      else p.reject(new AppError(isErrorCode(reply.code) ? reply.code : 'ERR_INTERNAL', reply.message));
    });
  }

  #settle(id: string, fn: (pending: PendingRequest) => void): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    fn(pending);
  }

  #deliver(channel: string, message: string): void {
    for (const listener of [...(this.#listeners.get(channel) ?? [])]) {
      try {
        listener(message);
      } catch (err) {
        logCode(this.#log, 'ERR_INTERNAL', { err, channel }, 'a bus listener threw');
      }
    }
  }

  #drop(channel: string, listener: BusListener): void {
    const listeners = this.#listeners.get(channel);
    if (!listeners?.delete(listener) || listeners.size > 0) return;
    this.#listeners.delete(channel);
    const subscribed = this.#subscribed.get(channel);
    this.#subscribed.delete(channel);
    const subscriber = this.#subscriber;
    if (!subscribed || !subscriber) return;
    void subscribed.then(() => (subscriber.isReady ? subscriber.unsubscribe(channel) : undefined)).catch(() => undefined);
  }

  /** Runs `command` on the subscribing connection (opened on first use) within the time limit. */
  async #limited(what: string, command: (client: RedisClient) => Promise<void>): Promise<void> {
    const opened = this.#subscriber;
    // Down after it was up (reconnecting): fail at once. Still opening for the first time: wait for it (below).
    if (opened?.isOpen && !opened.isReady && this.#everReady) {
      throw new AppError('ERR_CLUSTER_REDIS_UNAVAILABLE', `redis ${what}: the subscribing connection is down`);
    }
    const subscriber = this.#openSubscriber();
    return this.#redis.run(what, async () => {
      await this.#connecting;
      await command(subscriber);
    });
  }

  #openSubscriber(): RedisClient {
    if (this.#subscriber?.isOpen) return this.#subscriber;
    // First use, or the first connection failed and the client gave up: a new one.
    const subscriber = this.#redis.duplicate();
    // Outages are logged by the main connection; this one only reconnects.
    subscriber.on('error', () => undefined);
    this.#subscriber = subscriber;
    this.#everReady = false;
    subscriber.on('ready', () => { this.#everReady = true; });
    const connecting = subscriber.connect();
    connecting.catch(() => undefined);
    this.#connecting = connecting;
    return subscriber;
  }
}
