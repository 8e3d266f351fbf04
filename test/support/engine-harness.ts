import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agent } from 'undici';
import type { LookupAddress } from 'node:dns';
import { createCallHandler, LiveCalls, type CallEngineDeps, type RecordingStore } from '../../src/call/index.js';
import { createRoomServices, type RoomServices } from '../../src/call/rooms/room-services.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { FsSimulator, headerOf, type SimCallOptions, type SimulatedCall } from '../../src/sim/index.js';
import {
  createAddressChecker, createWebhookClient, createWebhookDispatcher, type LookupFunction, type WebhookClient,
} from '../../src/webhook/index.js';
import { eventually, startServer, type Harness } from './harness.js';
import { TwimlServer } from './twiml-server.js';

/** FreeSWITCH time and the engine's own timers both run 100 times faster: a 5 s Gather timeout takes 50 ms. */
export const TIME_SCALE = 0.01;

/** The server running the TwiML engine, the FreeSWITCH simulator, and the customer's web server. */
export interface EngineHarness {
  readonly h: Harness;
  readonly sim: FsSimulator;
  readonly web: TwimlServer;
  readonly config: Readonly<Config>;
  /** The recording spool directory (a fresh temporary directory). */
  readonly spoolDir: string;
  /** The server's conference rooms and queues. */
  readonly rooms: RoomServices;
  /** The calls running their script, to interrupt them from a test. */
  readonly calls: LiveCalls;
  /** Places a call whose pivot_voice_url is `/voice` on the web server unless `variables` say otherwise. */
  call(options?: Partial<Omit<SimCallOptions, 'host' | 'port'>>): SimulatedCall;
  /** Waits for the call to end and checks that nothing is left: no call, no pending operation, no listener. */
  finish(call: SimulatedCall): Promise<void>;
  close(): Promise<void>;
}

export interface EngineOptions {
  readonly call?: Record<string, unknown>;
  readonly webhook?: Record<string, unknown>;
  readonly esl?: Record<string, unknown>;
  readonly timeScale?: number;
  readonly sim?: ConstructorParameters<typeof FsSimulator>[0];
  /**
   * Resolves the host names of customer URLs, for webhooks and media URLs alike (default: {@link loopbackLookup}, so
   * that no test asks a real resolver and every name stays on this machine).
   */
  readonly lookup?: LookupFunction;
  /** A spool directory to use (and keep) instead of a fresh temporary one. */
  readonly spoolDir?: string;
  /** The recording store of the engine (default: the engine's own). */
  readonly recordings?: (config: Readonly<Config>, webhook: WebhookClient) => RecordingStore;
  /** The setups of calls the server placed itself (default: every setup is read from the channel). */
  readonly setupOf?: CallEngineDeps['setupOf'];
  /** What counts the calls of each account (default: the engine's own, for this server alone). */
  readonly limiter?: CallEngineDeps['limiter'];
  /** The server's conference rooms and queues (default: in-process ones, for this server alone). */
  readonly rooms?: RoomServices;
  /** Legs from other servers (default: none). */
  readonly legs?: CallEngineDeps['legs'];
  /** The engine's verbs (default: the built-in ones). */
  readonly verbs?: CallEngineDeps['verbs'];
}

/** Starts everything on loopback ports. */
export async function startEngine(options: EngineOptions = {}): Promise<EngineHarness> {
  const ownSpool = options.spoolDir === undefined;
  const spoolDir = options.spoolDir ?? mkdtempSync(join(tmpdir(), 'pivot-rec-'));
  const timeScale = options.timeScale ?? TIME_SCALE;
  const config = loadConfig({
    env: {},
    overrides: {
      call: { ...options.call, record: { spoolDir, ...(options.call?.['record'] as object | undefined) } },
      webhook: options.webhook ?? {},
    },
  });
  // One address check, as a server has: the dispatcher connects through it, the engine checks media URLs with it.
  const addresses = createAddressChecker(config, options.lookup ?? loopbackLookup);
  const dispatcher: Agent = createWebhookDispatcher({ addresses });
  const rooms = options.rooms ?? createRoomServices();
  const webhook = createWebhookClient(config, dispatcher);
  const recordings = options.recordings?.(config, webhook);
  const lifetime = new AbortController();
  const calls = new LiveCalls();
  const handler = createCallHandler({ config, webhook, timeScale, rooms, addresses, calls, shutdown: lifetime.signal,
    ...(recordings && { recordings }), ...(options.setupOf && { setupOf: options.setupOf }),
    ...(options.limiter && { limiter: options.limiter }), ...(options.legs && { legs: options.legs }),
    ...(options.verbs && { verbs: options.verbs }) });
  const h = await startServer(handler, options.esl ?? {});
  const sim = new FsSimulator({ timeScale, ...options.sim });
  const web = await TwimlServer.start();
  return {
    h, sim, web, config, spoolDir, rooms, calls,
    call(callOptions = {}) {
      return sim.call({
        host: '127.0.0.1',
        port: h.port,
        ...callOptions,
        variables: { pivot_voice_url: web.url('/voice'), ...callOptions.variables },
      });
    },
    async finish(call) {
      await call.ended;
      await eventually(() => h.server.activeCalls === 0, 3000, 'the call to be released');
      for (const channel of h.channels) {
        assert.equal(channel.pendingCount, 0, 'no operation left pending on the channel');
        assert.equal(channel.listenerCount, 0, 'no listener left on the channel');
      }
    },
    async close() {
      await sim.close();
      await h.close();
      lifetime.abort();
      await web.close();
      await dispatcher.close();
      if (ownSpool) rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}

/** A resolver for tests: every host name is 127.0.0.1 (documentation names such as cdn.example.com included). */
export async function loopbackLookup(): Promise<readonly LookupAddress[]> {
  return [{ address: '127.0.0.1', family: 4 }];
}

/** The applications the simulator ran, in order. */
export function apps(call: SimulatedCall): string[] {
  return call.executed.map((e) => e.app);
}

/** The applications with their arguments, as `app arg`. */
export function appLines(call: SimulatedCall): string[] {
  return call.executed.map((e) => (e.arg === '' ? e.app : `${e.app} ${e.arg}`));
}

/**
 * What the server had the switch do to the call, in the order it sent it: each application it executed (its name),
 * and `uuid_answer` where it answered the call.
 */
export function switchSteps(call: SimulatedCall): string[] {
  return call.commands.flatMap((c) => {
    const app = c.command.startsWith('sendmsg') ? headerOf(c, 'execute-app-name') : undefined;
    if (app !== undefined) return [app];
    return c.command.startsWith('api uuid_answer ') ? ['uuid_answer'] : [];
  });
}

/** The api commands the server sent (without the `api ` prefix), e.g. `uuid_setvar <uuid> playback_terminators none`. */
export function apiLines(call: SimulatedCall): string[] {
  return call.commands.filter((c) => c.command.startsWith('api ')).map((c) => c.command.slice(4));
}
