/**
 * Origination as the server runs it: the creator of calls (call-creator.ts), the originator (originator.ts) and the
 * FreeSWITCH nodes it places calls on (origination-nodes.ts), built from the configuration: `api.nodes`, else the
 * park-watcher's `park.nodes` (a node without a port is reached on 8021, without a password with
 * `park.password`), the backoff of `park.reconnectMinMs`/`reconnectMaxMs`, and the outbound socket the answered
 * calls are sent to: `park.transferTo`, else the address the outbound socket listens at (a wildcard address as
 * loopback), as the park-watcher computes it.
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { CallLimiter, CreatedCalls, EngineSettings } from '../call/index.js';
import type { Config } from '../config/index.js';
import { socketTarget } from '../park/index.js';
import type { CallWebhook } from '../webhook/index.js';
import { CallCreator } from './call-creator.js';
import type { CallRegistry } from './call-registry.js';
import { OriginationNodes } from './origination-nodes.js';
import { Originator } from './originator.js';

const DEFAULT_EVENT_SOCKET_PORT = 8021;

export interface OriginationDeps {
  readonly config: Readonly<Config>;
  readonly log: Logger;
  readonly settings: () => EngineSettings;
  readonly webhook: () => CallWebhook;
  readonly limiter: CallLimiter;
  readonly created: CreatedCalls;
  readonly registry: CallRegistry;
  readonly shutdown?: AbortSignal;
}

export class Origination {
  readonly creator: CallCreator;
  readonly originator: Originator;
  readonly #nodes: OriginationNodes;
  #socket: string | undefined;

  constructor(deps: OriginationDeps) {
    const { config } = deps;
    const log = deps.log.child({ component: 'originator' });
    this.originator = new Originator({
      socket: () => this.#socket ?? config.park.transferTo,
      commandTimeoutMs: config.esl.commandTimeoutMs,
    });
    const nodes = config.api.nodes.length > 0 ? config.api.nodes : config.park.nodes;
    this.#nodes = new OriginationNodes(nodes.map((node) => ({
      host: node.host, port: node.port ?? DEFAULT_EVENT_SOCKET_PORT, password: node.password ?? config.park.password,
    })), {
      session: {
        connectTimeoutMs: config.esl.connectTimeoutMs,
        commandTimeoutMs: config.esl.commandTimeoutMs,
        frameLimits: { maxHeaderBytes: config.esl.maxHeaderBytes, maxBodyBytes: config.esl.maxBodyBytes },
      },
      reconnectMinMs: config.park.reconnectMinMs,
      reconnectMaxMs: config.park.reconnectMaxMs,
      log,
      onEvent: (node, event) => this.originator.onEvent(node, event),
    });
    this.originator.useNodes(this.#nodes);
    this.creator = new CallCreator({
      settings: deps.settings, webhook: deps.webhook, limiter: deps.limiter, created: deps.created,
      originator: this.originator, registry: deps.registry, log,
      ...(deps.shutdown && { shutdown: deps.shutdown }),
    });
    this.#socket = config.park.transferTo || undefined;
  }

  /** The outbound socket listens at `address`: calls can be placed; the nodes are connected in the background. */
  start(address: AddressInfo): void {
    this.#socket ??= socketTarget(address.address, address.port);
    void this.#nodes.connect();
  }

  /**
   * Ends the calls still queued or ringing (failed) and waits for their callbacks, then closes the nodes' sessions.
   * Answered calls are the engine's and end with the server's drain.
   */
  async stop(): Promise<void> {
    await this.creator.stop();
    await this.originator.settled();
    await this.#nodes.close();
  }
}
