import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Metrics } from '../server/prometheus-metrics.js';
import { logCode } from '../log-code.js';
import { closeHttpServer, listenHttpServer } from '../util/http-server.js';

export interface AdminServerOptions {
  readonly host: string;
  readonly port: number;
}

/**
 * The admin HTTP server: `/metrics` (Prometheus text format), `/healthz` (the process is up: 200) and `/readyz`
 * (200 while calls are accepted, 503 before listening and while draining). GET and HEAD only; nothing else.
 */
export class AdminServer {
  readonly #options: AdminServerOptions;
  readonly #metrics: Metrics;
  readonly #ready: () => boolean;
  readonly #log: Logger;
  #server: Server | undefined;

  constructor(options: AdminServerOptions, metrics: Metrics, ready: () => boolean, log: Logger) {
    this.#options = options;
    this.#metrics = metrics;
    this.#ready = ready;
    this.#log = log;
  }

  /** Starts listening (port 0: a free port) and resolves with the bound address. */
  async listen(): Promise<AddressInfo> {
    const server = createServer((req, res) => void this.#handle(req, res));
    server.keepAliveTimeout = 5000;
    this.#server = server;
    const address = await listenHttpServer(server, this.#options.host, this.#options.port);
    this.#log.info({ host: address.address, port: address.port }, 'admin server listening');
    return address;
  }

  /** Stops listening and closes every connection, idle or not. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await closeHttpServer(server);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
      return;
    }
    switch (path) {
      case '/healthz':
        reply(res, 200, 'ok\n');
        return;
      case '/readyz': {
        const ready = this.#ready();
        reply(res, ready ? 200 : 503, ready ? 'ready\n' : 'not ready\n');
        return;
      }
      case '/metrics':
        try {
          reply(res, 200, await this.#metrics.render(), { 'content-type': this.#metrics.contentType });
        } catch (err) {
          logCode(this.#log, 'ERR_INTERNAL', { err }, 'metrics could not be rendered');
          reply(res, 500, 'metrics unavailable\n');
        }
        return;
      default:
        reply(res, 404, 'not found\n');
    }
  }
}

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers,
    'content-length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
