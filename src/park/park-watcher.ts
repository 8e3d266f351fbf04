import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { EslEvent } from '../esl/index.js';
import type { Observer } from '../metrics/observer.js';
import { NO_OP_OBSERVER } from '../metrics/observer.js';
import { HandoffRegistry } from './handoff-registry.js';
import { NodeWatcher } from './node-watcher.js';

const DEFAULT_EVENT_SOCKET_PORT = 8021;

/** What a park-watcher may be given besides its configuration. */
export interface ParkWatcherOptions {
  readonly observer?: Observer;
  /** The clock of the registry of handed-off calls (tests). */
  readonly now?: () => number;
  /** True while the outbound server runs a call on the channel `uuid` (default: none is). */
  readonly runsCall?: (uuid: string) => boolean;
}

/**
 * The park-watcher: besides FreeSWITCH's `socket` application, takes the calls Kazoo (or any dialplan) parked on
 * the configured FreeSWITCH nodes. One {@link NodeWatcher} per node, one registry of handed-off calls for all.
 * Its sessions, the server's only view of the node's whole event stream, also pass the conference rooms' own events
 * on ({@link forwardRoomEvents}).
 */
export class ParkWatcher {
  readonly #watchers: NodeWatcher[];
  #running: Promise<unknown> | undefined;
  #roomEvents: ((event: EslEvent) => void) | undefined;

  /**
   * @param transferTo `host:port[|host:port…]` the nodes reach this server's outbound socket at; when the
   *   configuration gives none, the caller passes the listening address.
   */
  constructor(config: Readonly<Config>, transferTo: string, log: Logger, options: ParkWatcherOptions = {}) {
    const { park, esl } = config;
    const registry = new HandoffRegistry(park.handoffTtlMs, options.now);
    const observer = options.observer ?? NO_OP_OBSERVER;
    const runsCall = options.runsCall ?? ((): boolean => false);
    const marker = park.marker.replace(/^variable_/, '');
    this.#watchers = park.nodes.map((node) => new NodeWatcher({
      target: { host: node.host, port: node.port ?? DEFAULT_EVENT_SOCKET_PORT, password: node.password ?? park.password },
      session: {
        connectTimeoutMs: esl.connectTimeoutMs,
        commandTimeoutMs: esl.commandTimeoutMs,
        frameLimits: { maxHeaderBytes: esl.maxHeaderBytes, maxBodyBytes: esl.maxBodyBytes },
      },
      marker,
      transferTo: park.transferTo || transferTo,
      reconnectMinMs: park.reconnectMinMs,
      reconnectMaxMs: park.reconnectMaxMs,
      registry,
      runsCall,
      log: log.child({ component: 'park-watcher' }),
      observer,
      roomEvents: (event) => this.#roomEvents?.(event),
    }));
  }

  /** Hands every node's conference::maintenance events to `sink` (the rooms' own events reach no call's socket). */
  forwardRoomEvents(sink: (event: EslEvent) => void): void {
    this.#roomEvents = sink;
  }

  /** Starts watching every node (connections are made in the background). */
  start(): void {
    this.#running ??= Promise.all(this.#watchers.map((w) => w.run()));
  }

  /** Nodes currently connected and subscribed. */
  get connectedNodes(): number {
    return this.#watchers.filter((w) => w.connected).length;
  }

  /** Stops every watcher; resolves once their sessions are closed and their hand-offs settled. */
  async stop(): Promise<void> {
    for (const w of this.#watchers) w.stop();
    await this.#running;
  }
}

/** The `socket` target for hand-offs from the server's listening address (a wildcard address becomes loopback). */
export function socketTarget(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `${reachable}:${port}`;
}
