import { createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { CallEndedError } from '../errors.js';
import type { EslChannel } from './channel.js';
import { serveWithModesl, type ModeslServerLink } from './modesl-adapter.js';
import { OutboundConnection } from './outbound-connection.js';
import { type CallHandler, type ConnectionOptions, runOutboundCall } from './outbound-call.js';
import { createSourceGuard } from './source-guard.js';
import { logCode } from '../log-code.js';

export interface EslServerOptions extends ConnectionOptions {
  host: string;
  port: number;
  /** FreeSWITCH addresses (or CIDR networks) allowed to connect. */
  allowedSources: readonly string[];
}

/**
 * The outbound Event Socket server FreeSWITCH's `socket <host>:<port> async full` connects to. Each accepted
 * connection becomes an EslChannel handed to the call handler. modesl runs the accept loop (see modesl-adapter.ts).
 */
export class EslServer {
  readonly #options: EslServerOptions;
  readonly #log: Logger;
  readonly #handler: CallHandler;
  readonly #isAllowed: (address: string | undefined) => boolean;
  readonly #channels = new Set<EslChannel>();
  /** uuid → calls in progress on that channel (one, unless FreeSWITCH connected the channel twice). */
  readonly #uuids = new Map<string, number>();
  readonly #connections = new Set<Promise<void>>();
  /** Sockets accepted whose `connect` has not been answered yet: they have no channel to abort. */
  readonly #awaitingConnect = new Set<Socket>();
  #net: NetServer | undefined;
  #modesl: ModeslServerLink | undefined;
  #accepting = false;

  constructor(options: EslServerOptions, log: Logger, handler: CallHandler) {
    this.#options = options;
    this.#log = log;
    this.#handler = handler;
    this.#isAllowed = createSourceGuard(options.allowedSources);
  }

  /** Starts listening (port 0 picks a free port) and resolves with the bound address. */
  async listen(): Promise<AddressInfo> {
    const server = createServer({ noDelay: true });
    this.#net = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port, this.#options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => logCode(this.#log, 'ERR_INTERNAL', { err }, 'event socket server error'));
    try {
      this.#modesl = serveWithModesl(server, (socket) => this.#accept(socket));
    } catch (err) {
      server.close();
      throw err;
    }
    this.#accepting = true;
    const address = server.address() as AddressInfo;
    this.#log.info({ host: address.address, port: address.port }, 'event socket server listening');
    return address;
  }

  /** Calls in progress. */
  get activeCalls(): number {
    return this.#channels.size;
  }

  /** True while a call on the channel `uuid` is in progress on this server. */
  runs(uuid: string): boolean {
    return this.#uuids.has(uuid);
  }

  /** Open connections, including those not yet past `connect` (modesl's own table of connections). */
  get openConnections(): number {
    return this.#modesl?.openConnections ?? 0;
  }

  /** True while new connections are accepted. */
  get accepting(): boolean {
    return this.#accepting;
  }

  /**
   * Stops accepting, lets calls in progress finish for up to `drainMs`, then ends the rest (`destroy`). Resolves
   * when every connection is closed.
   */
  async close(drainMs: number): Promise<void> {
    this.#accepting = false;
    const listening = this.#net ? new Promise<void>((resolve) => this.#net?.close(() => resolve())) : Promise.resolve();
    const drained = Promise.all([...this.#connections]).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), drainMs); });
    const finished = await Promise.race([drained, deadline]);
    clearTimeout(timer);
    if (!finished) this.destroy();
    await Promise.all([...this.#connections]);
    await listening;
  }

  /** Ends every call now: each is hung up with the shutdown cause and its connection closed. */
  destroy(reason = new CallEndedError('ERR_SHUTDOWN')): void {
    this.#accepting = false;
    if (this.#channels.size > 0) this.#log.warn({ code: reason.code, calls: this.#channels.size }, 'ending calls in progress');
    for (const channel of this.#channels) channel.abort(reason);
    for (const socket of this.#awaitingConnect) socket.destroy();
  }

  #accept(socket: Socket): OutboundConnection | undefined {
    const peer = { remoteAddress: socket.remoteAddress, remotePort: socket.remotePort };
    if (!this.#accepting) {
      socket.destroy();
      return undefined;
    }
    if (!this.#isAllowed(socket.remoteAddress)) {
      logCode(this.#log, 'ERR_ESL_SOURCE_DENIED', { ...peer }, 'connection refused: not an allowed FreeSWITCH address');
      socket.destroy();
      return undefined;
    }
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    this.#awaitingConnect.add(socket);
    socket.once('close', () => this.#awaitingConnect.delete(socket));
    const conn = new OutboundConnection(socket, undefined, this.#options.frameLimits);
    const done = runOutboundCall(conn, {
      options: this.#options,
      log: this.#log,
      handler: this.#handler,
      onChannel: (channel) => {
        this.#awaitingConnect.delete(socket);
        this.#channels.add(channel);
        this.#uuids.set(channel.uuid, (this.#uuids.get(channel.uuid) ?? 0) + 1);
        return () => {
          this.#channels.delete(channel);
          const left = (this.#uuids.get(channel.uuid) ?? 1) - 1;
          if (left > 0) this.#uuids.set(channel.uuid, left);
          else this.#uuids.delete(channel.uuid);
        };
      },
    });
    this.#connections.add(done);
    void done.finally(() => this.#connections.delete(done));
    return conn;
  }
}
