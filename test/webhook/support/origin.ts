/**
 * A scripted HTTP origin on 127.0.0.1 (port 0) that records every request, the socket it came on, and when sockets
 * close. Tests set `handler` to script the replies.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the origin saw it. */
export interface SeenRequest {
  readonly method: string;
  /** Path and query, exactly as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The client's port: equal ports mean the same connection. */
  readonly remotePort: number;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => void;

export class TestOrigin {
  readonly requests: SeenRequest[] = [];
  handler: Handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
  };
  #server: Server;
  #sockets = new Set<Socket>();
  #closedSockets = 0;
  #closeWaiters: Array<() => void> = [];

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Starts an origin on 127.0.0.1 with a free port. */
  static async start(): Promise<TestOrigin> {
    const origin = new TestOrigin(createServer());
    const server = origin.#server;
    server.on('connection', (socket: Socket) => {
      origin.#sockets.add(socket);
      socket.on('close', () => {
        origin.#sockets.delete(socket);
        origin.#closedSockets++;
        origin.#closeWaiters.splice(0).forEach((w) => w());
      });
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const seen: SeenRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          remotePort: req.socket.remotePort ?? 0,
        };
        origin.requests.push(seen);
        origin.handler(req, res, seen);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return origin;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Sockets closed so far. */
  get closedSockets(): number {
    return this.#closedSockets;
  }

  /** Resolves once at least `count` sockets have closed. */
  async socketsClosed(count: number): Promise<void> {
    while (this.#closedSockets < count) await new Promise<void>((resolve) => this.#closeWaiters.push(resolve));
  }

  /** A URL on this origin; `host` defaults to 127.0.0.1. */
  url(path: string, host = '127.0.0.1'): URL {
    return new URL(`http://${host}:${this.port}${path}`);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.#server.close();
    await once(this.#server, 'close');
  }
}
