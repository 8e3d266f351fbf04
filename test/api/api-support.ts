/**
 * A Calls API listener on a free loopback port over a MemoryCallsService, with its log lines kept, and the clients
 * that talk to it: Twilio's own Node client (its requests to https://api.twilio.com go to the listener through a
 * RequestClient that rewrites the origin, the documented way to give the client an HTTP client of one's own) and
 * raw HTTP.
 */
import twilio from 'twilio';
import type ResponseModule from 'twilio/lib/http/response.js';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { CallsApiServer } from '../../src/api/calls-api-server.js';
import { apiTokenLookup } from '../../src/api/basic-auth.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { LogCapture } from '../support/harness.js';
import { MemoryCallsService } from './memory-calls-service.js';

/** An account listed with its own token in the AC form, one listed as a bare Kazoo id, and the default token. */
export const ACCOUNT_A = `AC${'a1'.repeat(16)}`;
export const TOKEN_A = 'token-of-account-a';
export const ACCOUNT_B = `AC${'b2'.repeat(16)}`;
export const TOKEN_B = 'token-of-account-b';
export const DEFAULT_TOKEN = 'the-default-token';
/** An account with no token of its own: it uses the default one. */
export const ACCOUNT_C = `AC${'c3'.repeat(16)}`;

export interface ApiHarness {
  readonly service: MemoryCallsService;
  readonly logs: LogCapture;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly server: CallsApiServer;
  /** Twilio's client for `account` with `token`, talking to the listener. */
  client(account: string, token: string): twilio.Twilio;
  close(): Promise<void>;
}

/** Starts the listener; `webhook` replaces the tokens (default: A and B with their own, and a default token). */
export async function startApi(options: { webhook?: Record<string, unknown>; maxBodyBytes?: number } = {}): Promise<ApiHarness> {
  const config = loadConfig({
    file: undefined, env: {},
    overrides: {
      webhook: options.webhook ?? {
        authToken: DEFAULT_TOKEN,
        accountAuthTokens: [
          { accountSid: ACCOUNT_A, authToken: TOKEN_A },
          { accountSid: ACCOUNT_B.slice(2), authToken: TOKEN_B },
        ],
      },
    },
  });
  const logs = new LogCapture();
  const service = new MemoryCallsService();
  const server = new CallsApiServer(
    { host: '127.0.0.1', port: 0, maxBodyBytes: options.maxBodyBytes ?? config.api.maxBodyBytes },
    { service, tokenFor: apiTokenLookup(config.webhook), log: createLogger('debug', logs) });
  const address = await server.listen();
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    service, logs, origin, server,
    client: (account, token) => loopbackClient(origin, account, token),
    close: () => server.close(),
  };
}

/** Twilio's client for `account` with `token`, its requests sent to the listener at `origin`. */
export function loopbackClient(origin: string, account: string, token: string): twilio.Twilio {
  return twilio(account, token, { httpClient: new LoopbackRequestClient(origin) });
}

/** Twilio's RequestClient with the origin of every request replaced by the listener's. */
export class LoopbackRequestClient extends twilio.RequestClient {
  readonly #origin: string;
  constructor(origin: string) {
    super({ keepAlive: false });
    this.#origin = origin;
  }

  override request<TData>(opts: RequestOptions<TData>): Promise<Response<TData>> {
    return super.request<TData>({ ...opts, uri: opts.uri.replace(/^https:\/\/api\.twilio\.com/, this.#origin) });
  }
}

type RequestOptions<TData> = RequestClient.RequestOptions<TData>;
type Response<T> = ResponseModule.default<T>;

/** Basic credentials. */
export function basic(account: string, token: string): string {
  return `Basic ${Buffer.from(`${account}:${token}`).toString('base64')}`;
}

/** A raw request to the listener: status, headers and the parsed JSON body. */
export async function raw(origin: string, path: string, init: { method?: string; headers?: Record<string, string>;
  body?: string | Buffer } = {}): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(`${origin}${path}`, { method: init.method ?? 'GET', headers: init.headers ?? {},
    ...(init.body !== undefined && { body: init.body }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text === '' ? {} : JSON.parse(text) as Record<string, unknown> };
}

/** A form body with its content type and account A's credentials. */
export function formPost(body: string, account = ACCOUNT_A, token = TOKEN_A): { method: string; headers: Record<string, string>; body: string } {
  return { method: 'POST', body,
    headers: { authorization: basic(account, token), 'content-type': 'application/x-www-form-urlencoded' } };
}
