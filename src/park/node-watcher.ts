import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { AppError, toAppError } from '../errors.js';
import {
  CONFERENCE_MAINTENANCE, type EslEvent, EventName, InboundSession, type InboundSessionOptions, type InboundTarget,
} from '../esl/index.js';
import type { Observer } from '../metrics/observer.js';
import { Backoff } from './backoff.js';
import type { HandoffRegistry } from './handoff-registry.js';
import { logCode } from '../log-code.js';

/** What one node's watcher needs. */
export interface NodeWatcherDeps {
  readonly target: InboundTarget;
  readonly session: InboundSessionOptions;
  /** Channel variable (without `variable_`) that marks the parked calls to take. */
  readonly marker: string;
  /** `host:port[|host:port…]` of the outbound socket, as the `socket` application takes it. */
  readonly transferTo: string;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  readonly registry: HandoffRegistry;
  /** True while this server runs a call on the channel `uuid` (it is never taken then). */
  readonly runsCall: (uuid: string) => boolean;
  readonly log: Logger;
  readonly observer: Observer;
  /**
   * Receives the node's conference::maintenance events (the rooms' own events, which reach no call's socket:
   * rooms/profile-checks.ts reads the alone prompt from them).
   */
  readonly roomEvents?: (event: EslEvent) => void;
}

const UUID = /^[A-Za-z0-9-]{1,64}$/;
const WATCHED_EVENTS = [EventName.ChannelPark, EventName.ChannelHangupComplete, EventName.Custom, CONFERENCE_MAINTENANCE];
/** The application whose CHANNEL_PARK means that a server runs the call already. */
const SOCKET_APPLICATION = 'socket';

/**
 * Keeps one inbound Event Socket session to one FreeSWITCH node, and hands each parked call that carries the
 * marker to the outbound socket with `uuid_transfer <uuid> 'socket:<target> async full' inline`. When the node
 * cannot be reached, refuses the password or drops the connection (a FreeSWITCH restart), it tries again after an
 * exponential backoff, until stopped.
 *
 * A call is taken once, ever. The `socket` application raises CHANNEL_PARK for the call it runs
 * (`variable_current_application: socket`): such a call is already in the hands of a server, this one or another
 * one on the node, and an inline transfer would run `socket` a second time while the first connection stays up.
 * Neither is a call this server runs, nor one it handed off already (the registry).
 */
export class NodeWatcher {
  readonly node: string;
  readonly #deps: NodeWatcherDeps;
  readonly #log: Logger;
  readonly #stop = new AbortController();
  readonly #backoff: Backoff;
  readonly #handoffs = new Set<Promise<void>>();
  #session: InboundSession | undefined;
  #connected = false;

  constructor(deps: NodeWatcherDeps) {
    this.#deps = deps;
    this.node = `${deps.target.host}:${deps.target.port}`;
    this.#log = deps.log.child({ node: this.node });
    this.#backoff = new Backoff(deps.reconnectMinMs, deps.reconnectMaxMs);
  }

  /** True while authenticated and subscribed. */
  get connected(): boolean {
    return this.#connected;
  }

  /** Connects, watches, and reconnects until {@link stop}; resolves once stopped and closed. */
  async run(): Promise<void> {
    const stopped = this.#stop.signal;
    const stopping = new Promise<void>((resolve) => stopped.addEventListener('abort', () => resolve(), { once: true }));
    while (!stopped.aborted) {
      const session = await this.#connect();
      if (session) {
        await Promise.race([session.closed, stopping]);
        this.#connected = false;
        this.#session = undefined;
        if (stopped.aborted) {
          await session.close();
          break;
        }
        logCode(this.#log, 'ERR_ESL_DISCONNECTED', { retryInMs: this.#backoff.peek() },
          'park-watcher lost its FreeSWITCH connection');
      }
      await sleep(this.#backoff.next(), undefined, { signal: stopped }).catch(() => undefined);
    }
    await Promise.allSettled([...this.#handoffs]);
  }

  /** Stops watching: no new hand-off starts; the session is closed. */
  stop(): void {
    this.#stop.abort();
  }

  async #connect(): Promise<InboundSession | undefined> {
    let session: InboundSession | undefined;
    try {
      session = await InboundSession.open(this.#deps.target, this.#deps.session);
      session.onEvent((event) => this.#onEvent(event));
      await session.subscribe(WATCHED_EVENTS);
    } catch (err) {
      const error = toAppError(err);
      const line = { code: error.code, err: error.message, retryInMs: this.#backoff.peek() };
      if (error.code === 'ERR_ESL_AUTH_FAILED') this.#log.error(line, 'park-watcher: FreeSWITCH refused the password');
      else this.#log.warn(line, 'park-watcher cannot connect to FreeSWITCH');
      await session?.close(0);
      return undefined;
    }
    if (this.#stop.signal.aborted) {
      await session.close();
      return undefined;
    }
    this.#backoff.reset();
    this.#session = session;
    this.#connected = true;
    this.#log.info({ marker: this.#deps.marker, transferTo: this.#deps.transferTo }, 'park-watcher connected');
    return session;
  }

  #onEvent(event: EslEvent): void {
    if (event.name === EventName.Custom) {
      if (event.header('Event-Subclass') === CONFERENCE_MAINTENANCE) this.#deps.roomEvents?.(event);
      return;
    }
    const uuid = event.header('Unique-ID');
    if (uuid === undefined) return;
    if (event.name === 'CHANNEL_HANGUP_COMPLETE') {
      this.#deps.registry.forget(uuid);
      return;
    }
    if (event.name !== 'CHANNEL_PARK' || this.#stop.signal.aborted) return;
    const marker = event.variable(this.#deps.marker);
    if (marker === undefined || marker === '') {
      this.#log.debug({ uuid, reason: 'no-marker' }, 'parked call without the marker left alone');
      return;
    }
    if (event.variable('current_application') === SOCKET_APPLICATION) {
      this.#log.debug({ uuid, reason: 'socket-application' }, 'call parked by a socket application left alone');
      return;
    }
    if (this.#deps.runsCall(uuid)) {
      this.#log.debug({ uuid, reason: 'running-here' }, 'parked call this server runs left alone');
      return;
    }
    if (!UUID.test(uuid)) {
      logCode(this.#log, 'ERR_PARK_TRANSFER_FAILED', { uuid: uuid.slice(0, 64) }, 'parked call with an unusable uuid left alone');
      return;
    }
    if (!this.#deps.registry.claim(uuid)) {
      this.#log.debug({ uuid, reason: 'handed-off' }, 'parked call already handed off');
      return;
    }
    const session = this.#session;
    if (!session) {
      this.#deps.registry.forget(uuid);
      return;
    }
    const handoff = this.#handOff(session, uuid);
    this.#handoffs.add(handoff);
    void handoff.finally(() => this.#handoffs.delete(handoff));
  }

  async #handOff(session: InboundSession, uuid: string): Promise<void> {
    const command = `uuid_transfer ${uuid} 'socket:${this.#deps.transferTo} async full' inline`;
    try {
      const out = await session.bgapi(command);
      if (!out.startsWith('+OK')) throw new AppError('ERR_PARK_TRANSFER_FAILED', `uuid_transfer: ${out.trim()}`);
      this.#log.info({ uuid }, 'parked call handed off');
      this.#deps.observer.parkHandoff(this.node, 'ok');
    } catch (err) {
      // Not taken: forget it, so that a later CHANNEL_PARK of the same call can be tried again.
      this.#deps.registry.forget(uuid);
      const error = toAppError(err);
      logCode(this.#log, 'ERR_PARK_TRANSFER_FAILED', { uuid, err: error.message, cause: error.code },
        'parked call not handed off');
      this.#deps.observer.parkHandoff(this.node, 'failed');
    }
  }
}
