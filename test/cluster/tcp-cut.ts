/**
 * A loopback TCP relay in front of the suite's redis-server, for one server of a test: `cut()` drops its
 * connections and refuses new ones, which is what Redis sees of a server killed hard (its sockets reset, nothing
 * said, nothing renewed), while the other servers keep their own connections.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class TcpCut {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #cut = false;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Listens on a free loopback port and relays to `port`. */
  static async start(port: number): Promise<TcpCut> {
    const server = createServer();
    const relay = new TcpCut(server);
    server.on('connection', (inbound) => relay.#relay(inbound, port));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  /** The URL a client reaches Redis through. */
  get url(): string {
    const address = this.#server.address();
    return `redis://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  /** Drops every connection at once and refuses new ones. */
  cut(): void {
    this.#cut = true;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #relay(inbound: Socket, port: number): void {
    if (this.#cut) {
      inbound.destroy();
      return;
    }
    const outbound = createConnection({ host: '127.0.0.1', port });
    for (const socket of [inbound, outbound]) {
      this.#sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.#sockets.delete(socket);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  }
}
