/**
 * The FreeSWITCH nodes calls created through the API are placed on (`api.nodes`, default the park-watcher's
 * `park.nodes`), each reached through an inbound Event Socket session of its own, kept open between calls and
 * subscribed to the channel events of the calls placed on it (a `filter Unique-ID <uuid>` per call, so the session
 * carries nothing of the switch's other calls).
 *
 * Choice of node: the first one, in the configured order, that is up (primary, then failover). A node is opened on
 * first use; one that cannot be reached or refuses the password is skipped, and not tried again before a backoff
 * (doubling from `park.reconnectMinMs` up to `park.reconnectMaxMs`) has passed. A node whose session closes is
 * reopened on its next use. Nothing runs in the background: no timer or socket outlives {@link close}.
 */
import type { Logger } from 'pino';
import { toAppError } from '../errors.js';
import {
  type EslEvent, EventName, InboundSession, type InboundSessionOptions, type InboundTarget,
} from '../esl/index.js';
import { logCode } from '../log-code.js';
import { Backoff } from '../park/index.js';

/** The channel events a placed call is followed with. */
const FOLLOWED_EVENTS = [EventName.ChannelProgress, EventName.ChannelProgressMedia, EventName.ChannelAnswer,
  EventName.ChannelHangupComplete];

/** One node, as the nodes are configured. */
export interface OriginationNodeConfig {
  readonly target: InboundTarget;
}

export interface OriginationNodesOptions {
  readonly session: InboundSessionOptions;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  readonly log: Logger;
  /** Receives the followed events of every node (filtered to the calls placed). */
  readonly onEvent: (node: OriginationNode, event: EslEvent) => void;
  /** The clock of the backoff (tests). */
  readonly now?: () => number;
}

/** One node and its session. */
export class OriginationNode {
  readonly name: string;
  readonly #target: InboundTarget;
  readonly #options: OriginationNodesOptions;
  readonly #backoff: Backoff;
  readonly #log: Logger;
  #session: InboundSession | undefined;
  #opening: Promise<InboundSession | undefined> | undefined;
  #downUntil = 0;
  #closed = false;

  constructor(target: InboundTarget, options: OriginationNodesOptions) {
    this.#target = target;
    this.#options = options;
    this.name = `${target.host}:${target.port}`;
    this.#backoff = new Backoff(options.reconnectMinMs, options.reconnectMaxMs);
    this.#log = options.log.child({ node: this.name });
  }

  /** False while the node is in its backoff after a failure. */
  get usable(): boolean {
    return !this.#closed && (this.#session !== undefined || this.#now() >= this.#downUntil);
  }

  /** The node's open session, opened now if need be; undefined when the node cannot be reached. */
  session(): Promise<InboundSession | undefined> {
    if (this.#session) return Promise.resolve(this.#session);
    this.#opening ??= this.#open().finally(() => { this.#opening = undefined; });
    return this.#opening;
  }

  /** Closes the session (and stops opening new ones). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#opening;
    await this.#session?.close();
  }

  async #open(): Promise<InboundSession | undefined> {
    if (this.#closed) return undefined;
    let session: InboundSession | undefined;
    try {
      session = await InboundSession.open(this.#target, this.#options.session);
      session.onEvent((event) => this.#options.onEvent(this, event));
      await session.subscribe(FOLLOWED_EVENTS);
      // Only the jobs' results until a call is placed: each call adds the filter of its own channel.
      await session.filter('Event-Name', EventName.BackgroundJob);
    } catch (err) {
      await session?.close(0);
      const error = toAppError(err);
      const retryInMs = this.#backoff.next();
      this.#downUntil = this.#now() + retryInMs;
      const line = { code: error.code, err: error.message, retryInMs };
      if (error.code === 'ERR_ESL_AUTH_FAILED') this.#log.error(line, 'originator: FreeSWITCH refused the password; the node is skipped');
      else this.#log.warn(line, 'originator cannot connect to FreeSWITCH; the node is skipped');
      return undefined;
    }
    if (this.#closed) {
      await session.close();
      return undefined;
    }
    this.#backoff.reset();
    this.#session = session;
    void session.closed.then(() => {
      if (this.#session === session) this.#session = undefined;
      if (!this.#closed) logCode(this.#log, 'ERR_ESL_DISCONNECTED', {}, 'originator lost its FreeSWITCH connection');
    });
    this.#log.info('originator connected');
    return session;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}

/** The nodes in their configured order. */
export class OriginationNodes {
  readonly #nodes: readonly OriginationNode[];

  constructor(targets: readonly InboundTarget[], options: OriginationNodesOptions) {
    this.#nodes = targets.map((target) => new OriginationNode(target, options));
  }

  /** The first node, in order, whose session is (or can now be) open, with its session; undefined when none is. */
  async pick(): Promise<{ node: OriginationNode; session: InboundSession } | undefined> {
    for (const node of this.#nodes) {
      if (!node.usable) continue;
      const session = await node.session();
      if (session) return { node, session };
    }
    return undefined;
  }

  /** Opens every node's session now (failures are logged, and the node skipped for its backoff). */
  async connect(): Promise<void> {
    await Promise.all(this.#nodes.map((node) => node.session()));
  }

  async close(): Promise<void> {
    await Promise.all(this.#nodes.map((node) => node.close()));
  }
}
