/**
 * A whole server with the Calls API on (free loopback ports), a simulated FreeSWITCH node whose inbound Event Socket
 * answers `originate` (api.nodes), the customer's web app, and Twilio's Node client talking to the API (the
 * server's own calls service).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import twilio from 'twilio';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { Service } from '../../src/server/running-server.js';
import { FsSimulator, SimInboundServer, type OutcomeRule } from '../../src/sim/index.js';
import type { SimInboundSession } from '../../src/sim/inbound/inbound-session.js';
import { eventually, FAST_ESL, LogCapture } from '../support/harness.js';
import { TwimlServer } from '../support/twiml-server.js';
import { ACCOUNT_A, LoopbackRequestClient, TOKEN_A } from './api-support.js';

export { ACCOUNT_A, TOKEN_A };

export interface CreateHarness {
  readonly service: Service;
  readonly sim: FsSimulator;
  readonly node: SimInboundServer;
  readonly nodePort: number;
  readonly web: TwimlServer;
  readonly logs: LogCapture;
  /** The inbound Event Socket sessions the node accepted, in order. */
  readonly sessions: readonly SimInboundSession[];
  /** Twilio's client of account A. */
  readonly client: twilio.Twilio;
  close(): Promise<void>;
}

export interface CreateOptions {
  /** What the endpoints the node dials do (default: they answer at once). */
  readonly originate?: readonly OutcomeRule[];
  /** More configuration (deep keys replace the harness's). */
  readonly overrides?: Record<string, unknown>;
  /** Nodes placed before the simulated one (e.g. one that is down). */
  readonly nodesBefore?: ReadonlyArray<{ host: string; port: number }>;
}

export async function startCreate(options: CreateOptions = {}): Promise<CreateHarness> {
  const spoolDir = mkdtempSync(join(tmpdir(), 'pivot-api-'));
  const sim = new FsSimulator({ timeScale: 1 });
  const node = new SimInboundServer(sim, { originate: options.originate ?? [] });
  const nodePort = await node.listen();
  const sessions: SimInboundSession[] = [];
  node.on('session', (session: SimInboundSession) => sessions.push(session));
  const web = await TwimlServer.start();
  const config = loadConfig({
    env: {},
    overrides: {
      esl: { port: 0, ...FAST_ESL, commandTimeoutMs: 2000 },
      admin: { enabled: false },
      log: { level: 'debug' },
      api: { enabled: true, port: 0, nodes: [...options.nodesBefore ?? [], { host: '127.0.0.1', port: nodePort }] },
      park: { reconnectMinMs: 50, reconnectMaxMs: 200 },
      webhook: { accountAuthTokens: [{ accountSid: ACCOUNT_A, authToken: TOKEN_A }] },
      call: { record: { spoolDir } },
      ...options.overrides,
    },
  });
  const logs = new LogCapture();
  const service = new Service({ config, log: createLogger('debug', logs), env: {},
    lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
  await service.start();
  const origin = `http://127.0.0.1:${service.apiAddress?.port ?? 0}`;
  const client = twilio(ACCOUNT_A, TOKEN_A, { httpClient: new LoopbackRequestClient(origin) });
  return {
    service, sim, node, nodePort, web, logs, sessions, client,
    async close() {
      await service.stop(0);
      await eventually(() => service.server.activeCalls === 0, 2000, 'no call left');
      await node.dropCalls();
      await node.close();
      await sim.close();
      await web.close();
      rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}

/** The status callbacks the web app received at `path`, as `CallStatus:SequenceNumber`, in arrival order. */
export function callbacks(web: TwimlServer, path: string): string[] {
  return web.requests.filter((r) => r.path === path).map((r) => `${r.params['CallStatus']}:${r.params['SequenceNumber']}`);
}

/** Polls `check` (which may be asynchronous) until it holds, or fails after `timeoutMs`. */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until fetch shows the call with `status`. */
export async function statusOf(c: CreateHarness, sid: string, status: string, timeoutMs = 5000): Promise<void> {
  await until(async () => (await c.client.calls(sid).fetch()).status === status, timeoutMs, `the call to be ${status}`);
}
