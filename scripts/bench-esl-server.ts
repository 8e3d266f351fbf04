/**
 * The server side of `npm run bench:esl`, run as a child process with an IPC channel: an EslServer whose calls
 * run the script the parent sends, and that reports its CPU time and memory on request.
 */
import { createCallServer } from '../src/server/compose.js';
import { loadConfig } from '../src/config/index.js';
import type { EslChannel } from '../src/esl/channel.js';
import { createLogger } from '../src/log.js';
import { startFloorServer } from './bench-esl-floor-server.js';
import { TurnaroundProbe, type TurnaroundFigures } from './bench-turnaround.js';

const probe = new TurnaroundProbe();

function onTurnaround(message: ServerRequest): void {
  if (message.type !== 'turnaround') return;
  if (message.reset) probe.reset();
  send({ type: 'turnaround', ...probe.figures() });
}

export type BenchScript =
  /** `count` executes of `app arg` back to back. */
  | { kind: 'executes'; count: number; app: string; arg: string }
  /** Parked until the call ends. */
  | { kind: 'idle' };

export type ServerRequest = { type: 'script'; script: BenchScript } | { type: 'stats'; gc?: boolean } | { type: 'stop' }
  | { type: 'turnaround'; reset: boolean };
export type ServerReply =
  | { type: 'listening'; port: number }
  | { type: 'stats'; cpuUserMs: number; cpuSystemMs: number; rssBytes: number; heapUsedBytes: number; activeCalls: number; roundTrips: number }
  | ({ type: 'turnaround' } & TurnaroundFigures);

let script: BenchScript = { kind: 'idle' };
let roundTrips = 0;

async function runScript(channel: EslChannel): Promise<void> {
  const current = script;
  if (current.kind === 'idle') {
    await new Promise<void>((resolve) => channel.signal.addEventListener('abort', () => resolve(), { once: true }));
    return;
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
      onTurnaround(message);
      if (message.type === 'script') script = message.script;
      if (message.type === 'stats') send(statsOf(floor.activeCalls(), floor.roundTrips(), message.gc === true));
      if (message.type === 'stop') void floor.close().then(() => process.exit(0));
    });
    send({ type: 'listening', port: floor.port });
    return;
  }
  const config = loadConfig({ env: {}, overrides: { esl: { port: 0, lingerSeconds: 0 }, log: { level: 'warn' } } });
  const server = createCallServer({ config, log: createLogger('error'), handler: runScript });
  const address = await server.listen();
  process.on('message', (message: ServerRequest) => {
    onTurnaround(message);
    if (message.type === 'script') script = message.script;
    if (message.type === 'stats') send(statsOf(server.activeCalls, roundTrips, message.gc === true));
    if (message.type === 'stop') void server.close(0).then(() => process.exit(0));
  });
  send({ type: 'listening', port: address.port });
}

void main();
