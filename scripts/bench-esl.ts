/**
 * `npm run bench:esl`: the Event Socket layer under load. The server runs in its own process (one core); the
 * FreeSWITCH simulator drives it from this one over loopback TCP with full-size JSON events.
 *
 * Phases, each on the same server process:
 * 1. idle: N calls connected and parked: RSS per open call (after a forced GC, against the empty server);
 * 2. throughput: N calls, each running executes back to back (the simulator completes them at once):
 *    round trips per second and server CPU per round trip, over a steady window;
 * 3. latency: N calls, each execute a 200 ms playback (a realistic pace): the time from the simulator writing
 *    CHANNEL_EXECUTE_COMPLETE to it receiving the next sendmsg, i.e. what the server adds, loopback included;
 * The same phases run against a floor server (scripts/bench-esl-floor-server.ts: a bare indexOf + JSON.parse
 * responder), and a bare indexOf + JSON.parse loop runs over the bytes of one round trip, beside our FrameParser.
 *
 * The last line is machine-readable:
 * `esl-bench roundtrips_per_s=<n> p99_added_ms=<x> rss_kb_per_idle_call=<y> floor_events_per_s=<z>`
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/log.js';
import { FsSimulator, type SimulatedCall } from '../src/sim/index.js';
import type { BenchScript, ServerReply, ServerRequest } from './bench-esl-server.js';
import { floorParse, frameParserParse, measureParse } from './bench-floor.js';

interface Args { calls: number; windowMs: number; paceMs: number }

function parseArgs(argv: string[]): Args {
  const get = (name: string, fallback: number): number => {
    const i = argv.indexOf(`--${name}`);
    const value = i >= 0 ? Number(argv[i + 1]) : fallback;
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  return { calls: get('calls', 1000), windowMs: get('window-ms', 4000), paceMs: get('pace-ms', 200) };
}

type Stats = Extract<ServerReply, { type: 'stats' }>;

class ServerProcess {
  readonly #child: ChildProcess;
  port = 0;
  constructor(floor: boolean) {
    const script = fileURLToPath(new URL('./bench-esl-server.js', import.meta.url));
    this.#child = fork(script, floor ? ['--floor'] : [], { execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }
  async started(): Promise<void> {
    const reply = await this.#next();
    if (reply.type !== 'listening') throw new Error('the server did not start');
    this.port = reply.port;
  }
  async stats(gc = false): Promise<Stats> {
    this.#send({ type: 'stats', gc });
    const reply = await this.#next();
    if (reply.type !== 'stats') throw new Error('unexpected reply');
    return reply;
  }
  script(script: BenchScript): void {
    this.#send({ type: 'script', script });
  }
  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#send({ type: 'stop' });
    await exited;
  }
  #send(message: ServerRequest): void {
    this.#child.send(message);
  }
  #next(): Promise<ServerReply> {
    return new Promise((resolve) => this.#child.once('message', (m: ServerReply) => resolve(m)));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function placeCalls(sim: FsSimulator, port: number, n: number, prefix: string): Promise<SimulatedCall[]> {
  return Array.from({ length: n }, (_, i) => sim.call({ host: '127.0.0.1', port, uuid: `${prefix}-${i}` }));
}

async function endCalls(sim: FsSimulator, server: ServerProcess): Promise<void> {
  await sim.close();
  await until(async () => (await server.stats()).activeCalls === 0, 30_000, 'calls to end');
}

async function idlePhase(server: ServerProcess, args: Args): Promise<number> {
  server.script({ kind: 'idle' });
  const empty = await server.stats(true);
  const sim = new FsSimulator({ recordTranscript: false });
  await placeCalls(sim, server.port, args.calls, 'idle');
  await until(async () => (await server.stats()).activeCalls === args.calls, 60_000, 'idle calls to connect');
  await sleep(500);
  const full = await server.stats(true);
  await endCalls(sim, server);
  return (full.rssBytes - empty.rssBytes) / 1024 / args.calls;
}

async function throughputPhase(server: ServerProcess, args: Args): Promise<{ perSecond: number; cpuUsPerRoundTrip: number }> {
  server.script({ kind: 'executes', count: 1e9, app: 'set', arg: 'bench_step=1' });
  const sim = new FsSimulator({ timeScale: 0, frameMs: 0, recordTranscript: false });
  await placeCalls(sim, server.port, args.calls, 'tput');
  await until(async () => (await server.stats()).activeCalls === args.calls, 60_000, 'busy calls to connect');
  await sleep(500);
  const a = await server.stats();
  const t0 = performance.now();
  await sleep(args.windowMs);
  const b = await server.stats();
  const elapsed = performance.now() - t0;
  await endCalls(sim, server);
  const trips = b.roundTrips - a.roundTrips;
  const cpuMs = b.cpuUserMs + b.cpuSystemMs - a.cpuUserMs - a.cpuSystemMs;
  return { perSecond: (trips / elapsed) * 1000, cpuUsPerRoundTrip: (cpuMs * 1000) / trips };
}

async function latencyPhase(server: ServerProcess, args: Args): Promise<{ p50: number; p99: number; max: number; samples: number }> {
  server.script({ kind: 'paced', paceMs: args.paceMs });
  const sim = new FsSimulator({ recordTranscript: false });
  const calls = await placeCalls(sim, server.port, args.calls, 'lat');
  await until(async () => (await server.stats()).activeCalls === args.calls, 60_000, 'paced calls to connect');
  await sleep(args.paceMs * 3);
  const samples: number[] = [];
  let measuring = true;
  for (const call of calls) {
    let completedAt = 0;
    call.on('complete', () => { completedAt = performance.now(); });
    call.on('command', (command: { command: string }) => {
      if (measuring && completedAt > 0 && command.command === 'sendmsg') samples.push(performance.now() - completedAt);
      completedAt = 0;
    });
  }
  await sleep(args.windowMs);
  measuring = false;
  await endCalls(sim, server);
  samples.sort((x, y) => x - y);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples[samples.length - 1] ?? NaN,
    samples: samples.length };
}

/**
 * The bytes FreeSWITCH sends for one execute round trip (reply, CHANNEL_EXECUTE, CHANNEL_EXECUTE_COMPLETE), taken
 * from a simulated call's transcript against an in-process server.
 */
async function roundTripBytes(): Promise<Buffer> {
  const config = loadConfig({ env: {}, overrides: { esl: { port: 0 }, log: { level: 'silent' } } });
  const server = createApp({ config, log: createLogger('silent'), handler: async (channel) => {
    await channel.execute('set', 'bench_step=1');
  } });
  const { port } = await server.listen();
  const sim = new FsSimulator({ timeScale: 0, frameMs: 0 });
  const call = sim.call({ host: '127.0.0.1', port });
  await call.ended;
  await server.close(0);
  const first = call.transcript.findIndex((e) => e.dir === 'in' && e.data.toString().startsWith('sendmsg'));
  const out: Buffer[] = [];
  for (const entry of call.transcript.slice(first + 1)) {
    if (entry.dir === 'in') break;
    out.push(entry.data);
  }
  return Buffer.concat(out);
}

interface Figures {
  rssKbPerIdleCall: number;
  throughput: { perSecond: number; cpuUsPerRoundTrip: number };
  latency: { p50: number; p99: number; max: number; samples: number };
}

/** Runs the three load phases against a fresh server process (ours, or the floor). */
async function measure(floor: boolean, args: Args): Promise<Figures> {
  const server = new ServerProcess(floor);
  await server.started();
  try {
    const rssKbPerIdleCall = await idlePhase(server, args);
    const throughput = await throughputPhase(server, args);
    const latency = await latencyPhase(server, args);
    return { rssKbPerIdleCall, throughput, latency };
  } finally {
    await server.stop();
  }
}

function report(name: string, f: Figures, args: Args): void {
  console.log(`${name} idle:       ${f.rssKbPerIdleCall.toFixed(1)} KB RSS per open idle call`);
  console.log(`${name} throughput: ${f.throughput.perSecond.toFixed(0)} execute round trips/s, ` +
    `CPU ${f.throughput.cpuUsPerRoundTrip.toFixed(1)} us per round trip`);
  console.log(`${name} latency:    p50 ${f.latency.p50.toFixed(3)} ms, p99 ${f.latency.p99.toFixed(3)} ms, ` +
    `max ${f.latency.max.toFixed(3)} ms over ${f.latency.samples} round trips ` +
    `(${((f.latency.samples / args.windowMs) * 1000).toFixed(0)}/s)`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  console.log(`esl-bench: ${args.calls} concurrent calls, window ${args.windowMs} ms, pace ${args.paceMs} ms ± 50 %, ` +
    `node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'})`);
  console.log('latency = from the simulator writing CHANNEL_EXECUTE_COMPLETE to it reading the next sendmsg ' +
    '(the server\'s turnaround, loopback TCP both ways included)');
  const ours = await measure(false, args);
  report('server', ours, args);
  const floorServer = await measure(true, args);
  report('floor ', floorServer, args);

  const bytes = await roundTripBytes();
  const messagesPerTrip = frameParserParse(bytes, 1);
  const floor = measureParse(floorParse, bytes);
  const parser = measureParse(frameParserParse, bytes);
  console.log(`floor parse loop: ${floor.eventsPerSecond.toFixed(0)} messages/s ` +
    `(${bytes.length} bytes in ${messagesPerTrip} messages per round trip: ` +
    `${(floor.eventsPerSecond / messagesPerTrip).toFixed(0)} round trips/s, ` +
    `${(floor.cpuMsPerEvent * messagesPerTrip * 1000).toFixed(1)} us CPU per round trip)`);
  console.log(`FrameParser on the same bytes: ${parser.eventsPerSecond.toFixed(0)} messages/s ` +
    `(${(floor.eventsPerSecond / parser.eventsPerSecond).toFixed(2)}x the floor loop's cost)`);
  console.log(`ratios server/floor server: CPU per round trip ` +
    `${(ours.throughput.cpuUsPerRoundTrip / floorServer.throughput.cpuUsPerRoundTrip).toFixed(2)}x, ` +
    `round trips/s ${(ours.throughput.perSecond / floorServer.throughput.perSecond).toFixed(2)}x, ` +
    `p99 ${(ours.latency.p99 / floorServer.latency.p99).toFixed(2)}x`);
  console.log(`esl-bench roundtrips_per_s=${ours.throughput.perSecond.toFixed(0)} p99_added_ms=${ours.latency.p99.toFixed(3)} ` +
    `rss_kb_per_idle_call=${ours.rssKbPerIdleCall.toFixed(1)} floor_events_per_s=${floor.eventsPerSecond.toFixed(0)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
