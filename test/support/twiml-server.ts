import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the server received. */
export interface ReceivedRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Form body (POST) or query (GET) parameters; the last value wins for a repeated name. */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** How a route answers. */
export interface ReplySpec {
  readonly status?: number;
  /** Default `text/xml` for a string body. */
  readonly contentType?: string | null;
  readonly body?: string | Buffer;
  /** Never answer (the socket stays open until the request is aborted or the server closes). */
  readonly hang?: boolean;
  /** Answer after this many milliseconds. */
  readonly delayMs?: number;
  /** Reset the connection instead of answering. */
  readonly reset?: boolean;
}

/** A reply: TwiML text (served as text/xml), a spec, or a function of the request. */
export type Reply = string | ReplySpec | ((req: ReceivedRequest) => string | ReplySpec);

/** A customer web server on a loopback address (127.0.0.1 unless told) that serves scripted TwiML and records every request. */
export class TwimlServer {
  readonly requests: ReceivedRequest[] = [];
  readonly #routes = new Map<string, Reply>();
  readonly #sockets = new Set<Socket>();
  readonly #server: Server;
  #port = 0;
  #host = '127.0.0.1';
  #waiters: Array<{ count: number; resolve: () => void }> = [];

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.#handle(req.method ?? '', req.url ?? '/', req.headers, Buffer.concat(chunks), res));
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** Listens on a free port of `host`, which must be a loopback address (Linux routes all of 127/8 to lo). */
  static async start(host = '127.0.0.1'): Promise<TwimlServer> {
    if (!host.startsWith('127.')) throw new Error(`test web servers listen on loopback only, not ${host}`);
    const server = new TwimlServer();
    server.#host = host;
    await new Promise<void>((resolve) => server.#server.listen(0, host, resolve));
    server.#port = (server.#server.address() as AddressInfo).port;
    return server;
  }

  /** The absolute URL of `path` on this server; `host` names it (a name the test's resolver maps to its address). */
  url(path: string, host = this.#host): string {
    return `http://${host}:${this.#port}${path}`;
  }

  /** The port this server listens on. */
  get port(): number {
    return this.#port;
  }

  /** Sets what `path` answers (the query string is ignored when routing). */
  route(path: string, reply: Reply): this {
    this.#routes.set(path, reply);
    return this;
  }

  /** Requests received for `path`. */
  to(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Resolves once `count` requests have been received. */
  waitForRequests(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(method: string, rawUrl: string, headers: IncomingHttpHeaders, body: Buffer, res: ServerResponse): void {
    const url = new URL(rawUrl, 'http://127.0.0.1');
    const form = method === 'POST' && String(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
      ? new URLSearchParams(body.toString('utf8')) : url.searchParams;
    const req: ReceivedRequest = { method, path: url.pathname, query: url.searchParams,
      params: Object.fromEntries(form), headers, body };
    this.requests.push(req);
    this.#waiters = this.#waiters.filter((w) => {
      if (this.requests.length < w.count) return true;
      w.resolve();
      return false;
    });
    const route = this.#routes.get(url.pathname);
    const reply = typeof route === 'function' ? route(req) : route;
    if (reply === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const spec: ReplySpec = typeof reply === 'string' ? { body: reply } : reply;
    if (spec.hang) return;
    if (spec.reset) {
      res.socket?.resetAndDestroy();
      return;
    }
    const type = spec.contentType === undefined ? 'text/xml' : spec.contentType;
    const send = (): void => {
      if (!res.destroyed) res.writeHead(spec.status ?? 200, type === null ? {} : { 'content-type': type }).end(spec.body ?? '');
    };
    if (spec.delayMs === undefined) send();
    else setTimeout(send, spec.delayMs);
  }
}

/** A loopback port nobody listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `<Response>` around `verbs`. */
export function twiml(verbs: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${verbs}</Response>`;
}
