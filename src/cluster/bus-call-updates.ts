/**
 * Updates of calls between the servers of a cluster (the Calls API's `POST Calls/{Sid}.json`): the server a request
 * reaches may not be the one that runs the call (the `owner` of its entry in the shared registry). It forwards the
 * update over the bus (redis-bus.ts) to the channel `calls:<owner>`, which each server serves for the calls it runs,
 * and answers with the owner's result: the call as it is after the change, or the owner's error with its code
 * (21220 not in progress, 15004..., come back as they are).
 *
 * - The owner no longer listens (it stopped, died, or lost Redis): ERR_API_CALL_OWNER_GONE at once (PUBLISH counts
 *   no receiver), and nothing was done. Its entries go when their leases end.
 * - The owner does not answer within `cluster.forwardTimeoutMs`: ERR_API_CALL_OWNER_TIMEOUT (the update may have
 *   been made).
 * - Redis down: its own coded errors (ERR_CLUSTER_REDIS_UNAVAILABLE / _TIMEOUT).
 * A server that could not subscribe (Redis down at start-up) tries again with its leases' renewal: every third of a
 * lease and at once when Redis is back; node-redis subscribes again by itself after a reconnection.
 */
import type { Logger } from 'pino';
import type { CallResource, UpdateCallRequest } from '../api/calls-service.js';
import type { CallUpdateForwarder } from '../api/local-calls-service.js';
import { AppError, toAppError } from '../errors.js';
import { logCode } from '../log-code.js';
import { callFromWire, updateFromWire, updateToWire } from './call-wire.js';
import type { RedisBus } from './redis-bus.js';
import type { RedisConnection } from './redis-connection.js';

/** Makes an update of a call this server runs, as asked by another server. */
export type CallUpdateHandler = (accountSid: string, callSid: string, request: UpdateCallRequest) => Promise<CallResource>;

/** What travels on the bus. */
interface ForwardedUpdate {
  readonly accountSid: string;
  readonly callSid: string;
  readonly request: unknown;
}

function isForwardedUpdate(value: unknown): value is ForwardedUpdate {
  const v = value as Partial<ForwardedUpdate> | null;
  return typeof v === 'object' && v !== null && typeof v.accountSid === 'string' && typeof v.callSid === 'string';
}

export class BusCallUpdates implements CallUpdateForwarder {
  readonly #redis: RedisConnection;
  readonly #bus: RedisBus;
  readonly #timeoutMs: number;
  readonly #log: Logger;

  /** `timeoutMs`: `cluster.forwardTimeoutMs`. */
  constructor(redis: RedisConnection, bus: RedisBus, timeoutMs: number, log: Logger) {
    this.#redis = redis;
    this.#bus = bus;
    this.#timeoutMs = timeoutMs;
    this.#log = log.child({ component: 'cluster-calls' });
  }

  get serverId(): string {
    return this.#redis.serverId;
  }

  /** The channel the server `serverId` answers the updates of its calls on. */
  channelOf(serverId: string): string {
    return this.#bus.channel('calls', serverId);
  }

  async forward(owner: string, accountSid: string, callSid: string, request: UpdateCallRequest): Promise<CallResource> {
    const body: ForwardedUpdate = { accountSid, callSid, request: updateToWire(request) };
    let answer: unknown;
    try {
      answer = await this.#bus.request(this.channelOf(owner), body, this.#timeoutMs);
    } catch (err) {
      throw reachFailure(toAppError(err), callSid, this.#timeoutMs);
    }
    return callFromWire(answer);
  }

  /**
   * Answers the updates other servers forward to this one with `handler`, from now until the returned function is
   * called; while the subscription cannot be made, it is tried again with the leases' renewal.
   */
  serve(handler: CallUpdateHandler): () => Promise<void> {
    let unsubscribe: (() => Promise<void>) | undefined;
    let subscribing: Promise<void> | undefined;
    let stopped = false;
    const subscribe = (): Promise<void> => {
      if (stopped || unsubscribe !== undefined) return Promise.resolve();
      subscribing ??= this.#bus.serve(this.channelOf(this.serverId), (body) => this.#answer(body, handler))
        .then((done) => {
          if (stopped) return done();
          unsubscribe = done;
          this.#log.info({ serverId: this.serverId }, 'serving the updates of this server\'s calls');
          return undefined;
        })
        .finally(() => { subscribing = undefined; });
      return subscribing;
    };
    // Subscribed when the connection is (re)made, and tried again with each renewal until it is.
    const stopRetrying = this.#redis.keepLeases(subscribe);
    // A failure now is Redis being down, which the connection logs: the renewal tries again.
    if (this.#redis.up) subscribe().catch(() => undefined);
    return async () => {
      stopped = true;
      stopRetrying();
      await unsubscribe?.();
    };
  }

  async #answer(body: unknown, handler: CallUpdateHandler): Promise<CallResource> {
    if (!isForwardedUpdate(body)) {
      logCode(this.#log, 'ERR_CLUSTER_MESSAGE_INVALID', {}, 'a forwarded call update could not be read');
      throw new AppError('ERR_CLUSTER_MESSAGE_INVALID', 'not a call update');
    }
    const request = updateFromWire(body.request);
    this.#log.debug({ callSid: body.callSid, accountSid: body.accountSid }, 'a call update forwarded by another server');
    return handler(body.accountSid, body.callSid, request);
  }
}

/** The API's error for a forwarded update that did not reach its owner (the bus's own codes, said of the call). */
function reachFailure(error: AppError, callSid: string, timeoutMs: number): AppError {
  switch (error.code) {
    case 'ERR_CLUSTER_PEER_GONE':
      return new AppError('ERR_API_CALL_OWNER_GONE', `The server that runs call ${callSid} cannot be reached; `
        + 'the call was not changed. Try again later.', { cause: error });
    case 'ERR_CLUSTER_PEER_TIMEOUT':
      return new AppError('ERR_API_CALL_OWNER_TIMEOUT', `The server that runs call ${callSid} did not answer within `
        + `${timeoutMs} ms; the change may or may not have been made. Fetch the call to see its status.`, { cause: error });
    default:
      return error;
  }
}
