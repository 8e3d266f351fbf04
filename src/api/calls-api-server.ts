/**
 * The Calls API HTTP server: Twilio's Calls resource under `/2010-04-01/Accounts/{AccountSid}/`, served from a
 * CallsService (calls-service.ts). `Calls.json` takes POST (create, 201) and GET (list); `Calls/{CallSid}.json`
 * takes GET (fetch) and POST (update). Every request is authenticated with HTTP Basic (basic-auth.ts), its
 * parameters are checked for form (call-params.ts), and every failure answers in Twilio's error shape
 * (api-errors.ts). One log line per request: method, path (never the query), status, ms, accountSid; a failure
 * carries its code at the catalogue's level.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import { logCode } from '../log-code.js';
import { closeHttpServer, listenHttpServer } from '../util/http-server.js';
import { errorReply } from './api-errors.js';
import { AUTH_REALM, authenticate, type TokenLookup } from './basic-auth.js';
import { createCallRequest, listCallsRequest, updateCallRequest } from './call-params.js';
import { API_VERSION, callJson, callListJson, callsPath } from './call-json.js';
import type { CallsService } from './calls-service.js';
import { FormParams, readFormBody } from './form-params.js';
import { callUuidOf } from './sids.js';

export interface CallsApiServerOptions {
  readonly host: string;
  readonly port: number;
  /** Largest request body read. */
  readonly maxBodyBytes: number;
}

export interface CallsApiDeps {
  readonly service: CallsService;
  /** The auth token of an account, read at each request (so that a reload of the tokens applies at once). */
  readonly tokenFor: TokenLookup;
  readonly log: Logger;
}

/** A matched route: the account in the path and, for one call, its sid. */
interface Route {
  readonly accountSid: string;
  readonly callSid?: string;
}

const CALLS = new RegExp(`^/${API_VERSION}/Accounts/([^/]+)/Calls\\.json$`);
const CALL = new RegExp(`^/${API_VERSION}/Accounts/([^/]+)/Calls/([^/]+)\\.json$`);
const ACCOUNT_SID = /^AC[0-9a-f]{32}$/i;

/** Headers some failures answer with: the Basic challenge, the methods allowed, and no reuse of a connection whose body was not read. */
const ERROR_HEADERS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ERR_API_AUTH: { 'www-authenticate': `Basic realm="${AUTH_REALM}"` },
  ERR_API_METHOD: { allow: 'GET, POST' },
  ERR_API_BODY_TOO_LARGE: { connection: 'close' },
};

/** What one request answered, for its log line. */
interface Outcome {
  readonly status: number;
  readonly body: unknown;
  readonly accountSid?: string;
  readonly error?: AppError;
  readonly headers?: Readonly<Record<string, string>>;
}

export class CallsApiServer {
  readonly #options: CallsApiServerOptions;
  readonly #deps: CallsApiDeps;
  readonly #log: Logger;
  #server: Server | undefined;

  constructor(options: CallsApiServerOptions, deps: CallsApiDeps) {
    this.#options = options;
    this.#deps = deps;
    this.#log = deps.log.child({ component: 'calls-api' });
  }

  /** Starts listening (port 0: a free port) and resolves with the bound address. */
  async listen(): Promise<AddressInfo> {
    const server = createServer((req, res) => void this.#handle(req, res));
    server.keepAliveTimeout = 5000;
    this.#server = server;
    let address: AddressInfo;
    try {
      address = await listenHttpServer(server, this.#options.host, this.#options.port);
    } catch (err) {
      this.#server = undefined;
      throw new AppError('ERR_API_LISTEN', `the Calls API cannot listen on ${this.#options.host}:${this.#options.port}`,
        { cause: err });
    }
    this.#log.info({ host: address.address, port: address.port }, 'calls api listening');
    return address;
  }

  /** Stops listening and closes every connection, idle (keep-alive) or not. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await closeHttpServer(server);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://api.invalid');
    const method = req.method ?? 'GET';
    let outcome: Outcome;
    try {
      outcome = await this.#serve(req, method, url);
    } catch (err) {
      const reply = errorReply(err);
      outcome = {
        status: reply.status, body: reply.body, error: reply.error,
        headers: ERROR_HEADERS[reply.error.code] ?? {},
      };
    }
    send(res, outcome);
    this.#logRequest(method, url.pathname, outcome, performance.now() - started);
  }

  async #serve(req: IncomingMessage, method: string, url: URL): Promise<Outcome> {
    const route = matchRoute(url.pathname);
    if (method !== 'GET' && method !== 'POST') {
      req.resume();
      throw new AppError('ERR_API_METHOD', `The requested resource does not support the ${method} method`);
    }
    const accountSid = authenticate(req.headers.authorization, route.accountSid, this.#deps.tokenFor);
    const service = this.#deps.service;
    if (route.callSid === undefined) {
      if (method === 'POST') {
        const form = await readFormBody(req, this.#options.maxBodyBytes);
        const call = await service.create(createCallRequest(accountSid, form));
        return { status: 201, body: callJson(call), accountSid };
      }
      req.resume();
      const list = listCallsRequest(new FormParams(url.searchParams));
      const page = await service.list(accountSid, list.filter, list.page, list.pageSize);
      return {
        status: 200, accountSid,
        body: callListJson({ ...page, page: list.page, pageSize: list.pageSize, path: callsPath(accountSid), filters: list.filters }),
      };
    }
    if (method === 'POST') {
      const form = await readFormBody(req, this.#options.maxBodyBytes);
      const request = updateCallRequest(form);
      const call = await service.update(accountSid, route.callSid, request);
      return { status: 200, body: callJson(call), accountSid };
    }
    req.resume();
    const call = await service.fetch(accountSid, route.callSid);
    if (!call) throw notFound(url.pathname);
    return { status: 200, body: callJson(call), accountSid };
  }

  #logRequest(method: string, path: string, outcome: Outcome, ms: number): void {
    const fields = { method, path, status: outcome.status, ms: Math.round(ms * 10) / 10,
      ...(outcome.accountSid !== undefined && { accountSid: outcome.accountSid }) };
    const error = outcome.error;
    if (!error) {
      this.#log.info(fields, 'calls api request');
    } else if (error.code === 'ERR_INTERNAL') {
      logCode(this.#log, 'ERR_INTERNAL', { ...fields, err: error.cause ?? error }, 'calls api request failed');
    } else if (outcome.status >= 500) {
      // An outage with its own code (the cluster's Redis, a server of the cluster, the shutdown): at its level.
      logCode(this.#log, error.code, { ...fields, reason: error.message }, 'calls api request failed');
    } else {
      logCode(this.#log, error.code, { ...fields, reason: error.message }, 'calls api request refused');
    }
  }
}

/** The account and call of a path, or a 404 (unknown path, account not written `AC` + 32 hex, call sid of no known form). */
function matchRoute(path: string): Route {
  const one = CALL.exec(path);
  if (one?.[1] !== undefined && one[2] !== undefined) {
    const callSid = decodedSegment(one[2]);
    if (callSid !== undefined && ACCOUNT_SID.test(one[1]) && callUuidOf(callSid) !== undefined) return { accountSid: one[1], callSid };
    throw notFound(path);
  }
  const list = CALLS.exec(path);
  if (list?.[1] !== undefined && ACCOUNT_SID.test(list[1])) return { accountSid: list[1] };
  throw notFound(path);
}

function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function notFound(path: string): AppError {
  return new AppError('ERR_API_NOT_FOUND', `The requested resource ${path} was not found`);
}

function send(res: ServerResponse, outcome: Outcome): void {
  const body = JSON.stringify(outcome.body);
  res.writeHead(outcome.status, {
    'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store',
    ...outcome.headers, 'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
