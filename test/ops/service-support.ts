import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { Service } from '../../src/server/running-server.js';
import type { LookupFunction } from '../../src/webhook/index.js';
import type { VerbRegistry } from '../../src/call/index.js';
import { FsSimulator, type SimCallOptions, type SimulatedCall } from '../../src/sim/index.js';
import { eventually, FAST_ESL, LogCapture } from '../support/harness.js';
import { TwimlServer } from '../support/twiml-server.js';

/** The whole service in this process (admin server included, on free loopback ports), a simulator and a web app. */
export interface ServiceHarness {
  readonly service: Service;
  readonly sim: FsSimulator;
  readonly web: TwimlServer;
  readonly logs: LogCapture;
  /** `http://127.0.0.1:<admin port>` */
  readonly admin: string;
  call(options?: Partial<Omit<SimCallOptions, 'host' | 'port'>>): SimulatedCall;
  close(): Promise<void>;
}

/** What a test may give the service besides its configuration. */
export interface ServiceOptions {
  /** The simulated node the service's calls come from (default: one of its own, closed with it). */
  readonly sim?: FsSimulator;
  /** The engine's verbs (default: the built-in ones). */
  readonly verbs?: VerbRegistry;
}

/** Starts the service; `lookup` resolves the host names of customer URLs (default: the system resolver). */
export async function startService(overrides: Record<string, unknown> = {},
  lookup?: LookupFunction, options: ServiceOptions = {}): Promise<ServiceHarness> {
  const spoolDir = mkdtempSync(join(tmpdir(), 'pivot-ops-'));
  const config = loadConfig({
    env: {},
    overrides: {
      esl: { port: 0, ...FAST_ESL },
      admin: { port: 0 },
      log: { level: 'debug' },
      ...overrides,
      call: { ...(overrides['call'] as object | undefined),
        record: { spoolDir, ...((overrides['call'] as { record?: object } | undefined)?.record) } },
    },
  });
  const logs = new LogCapture();
  const service = new Service({ config, log: createLogger(config.log.level, logs), env: {}, ...(lookup && { lookup }),
    ...(options.verbs && { verbs: options.verbs }) });
  await service.start();
  const sim = options.sim ?? new FsSimulator({ timeScale: 0.01 });
  const web = await TwimlServer.start();
  const eslPort = service.eslAddress?.port ?? 0;
  return {
    service, sim, web, logs,
    admin: `http://127.0.0.1:${service.adminAddress?.port ?? 0}`,
    call(options = {}) {
      return sim.call({ host: '127.0.0.1', port: eslPort, ...options,
        variables: { pivot_voice_url: web.url('/voice'), ...options.variables } });
    },
    async close() {
      if (!options.sim) await sim.close();
      await service.stop(0);
      await eventually(() => service.server.activeCalls === 0, 2000, 'no call left');
      await web.close();
      rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}

/** GET over loopback: status and body text. */
export async function get(url: string): Promise<{ status: number; body: string; contentType: string | null }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') };
}

/** The value of one sample in a Prometheus text exposition (`name{labels}`), or undefined. */
export function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(series + ' ')) return Number(line.slice(series.length + 1));
  }
  return undefined;
}
