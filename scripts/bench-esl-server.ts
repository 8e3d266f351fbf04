/**
 * The server side of `npm run bench:esl`, run as a child process with an IPC channel: an EslServer whose calls
 * run the script the parent sends, and that reports its CPU time and memory on request.
 */
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import type { EslChannel } from '../src/esl/channel.js';
import { createLogger } from '../src/log.js';
import { startFloorServer } from './bench-esl-floor-server.js';

export type BenchScript =
  /** `count` executes of `app arg` back to back. */
  | { kind: 'executes'; count: number; app: string; arg: string }
  /** Silence playbacks of `paceMs` ± 50 %, drawn for each, so that calls do not complete in lockstep. */
  | { kind: 'paced'; paceMs: number }
  /** Parked until the call ends. */
  | { kind: 'idle' };

export type ServerRequest = { type: 'script'; script: BenchScript } | { type: 'stats'; gc?: boolean } | { type: 'stop' };
export type ServerReply =
  | { type: 'listening'; port: number }
  | { type: 'stats'; cpuUserMs: number; cpuSystemMs: number; rssBytes: number; heapUsedBytes: number; activeCalls: number; roundTrips: number };

let script: BenchScript = { kind: 'idle' };
let roundTrips = 0;

async function runScript(channel: EslChannel): Promise<void> {
  const current = script;
  if (current.kind === 'idle') {
    await new Promise<void>((resolve) => channel.signal.addEventListener('abort', () => resolve(), { once: true }));
    return;
  }
  if (current.kind === 'paced') {
    for (;;) {
      await channel.execute('playback', `silence_stream://${Math.round(current.paceMs * (0.5 + Math.random()))}`);
      roundTrips++;
    }
  }
  for (let i = 0; i < current.count; i++) {
    await channel.execute(current.app, current.arg);
    roundTrips++;
  }
}

function statsOf(activeCalls: number, trips: number, gc: boolean): ServerReply {
  if (gc && typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return { type: 'stats', cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000, rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed, activeCalls, roundTrips: trips };
}

function send(reply: ServerReply): void {
  process.send?.(reply);
}

async function main(): Promise<void> {
  if (process.argv.includes('--floor')) {
    const floor = await startFloorServer(() => script);
    process.on('message', (message: ServerRequest) => {
      if (message.type === 'script') script = message.script;
      if (message.type === 'stats') send(statsOf(floor.activeCalls(), floor.roundTrips(), message.gc === true));
      if (message.type === 'stop') void floor.close().then(() => process.exit(0));
    });
    send({ type: 'listening', port: floor.port });
    return;
  }
  const config = loadConfig({ env: {}, overrides: { esl: { port: 0, lingerSeconds: 0 }, log: { level: 'warn' } } });
  const server = createApp({ config, log: createLogger(config.log.level), handler: runScript });
  const address = await server.listen();
  process.on('message', (message: ServerRequest) => {
    if (message.type === 'script') script = message.script;
    if (message.type === 'stats') send(statsOf(server.activeCalls, roundTrips, message.gc === true));
    if (message.type === 'stop') void server.close(0).then(() => process.exit(0));
  });
  send({ type: 'listening', port: address.port });
}

void main();
