/**
 * `npm run bench:esl`: the Event Socket layer under load. The server runs in its own process (one core); the
 * load comes from this one over loopback TCP: simulated calls replaying the FreeSWITCH simulator's full-size JSON
 * events (see bench-esl-load.ts for why the simulator's bytes are replayed rather than the simulator run).
 *
 * Phases, each on the same server process:
 * 1. idle: N calls connected and parked: RSS per open call (after a forced GC, against the empty server);
 * 2. throughput: N calls, each running executes back to back (each completed at once):
 *    round trips per second and server CPU per round trip, over a steady window;
 * 3. latency: N calls, each execute completed after 200 ms ± 50 % (a realistic pace): what the server adds, from
 *    a call writing CHANNEL_EXECUTE_COMPLETE to the server writing the next sendmsg, timed inside the server on the
 *    monotonic clock both processes share (the call stamps the completion when it writes it; `p99_added_ms`);
 *    beside it the handling alone (completion read -> sendmsg written), the event loop's delay, and the time seen
 *    at the calls (which adds the load generator's own scheduling);
 * The same phases run against a floor server (scripts/bench-esl-floor-server.ts: a bare indexOf + JSON.parse
 * responder), and a bare indexOf + JSON.parse loop runs over the bytes of one round trip, beside our FrameParser.
 *
 * The last line is machine-readable:
 * `esl-bench roundtrips_per_s=<n> p99_added_ms=<x> rss_kb_per_idle_call=<y> floor_events_per_s=<z>`
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { type CallTemplate, recordTemplate, ReplayLoad } from './bench-esl-load.js';
import type { BenchScript, ServerReply, ServerRequest } from './bench-esl-server.js';
import type { TurnaroundFigures } from './bench-turnaround.js';
import { benchArgs } from './bench-args.js';
import { floorParse, frameParserParse, measureParse } from './bench-floor.js';

interface Args { calls: number; windowMs: number; paceMs: number }

function parseArgs(argv: string[]): Args {
  const args = benchArgs(argv, { integers: { 'calls': 1000, 'window-ms': 4000, 'pace-ms': 200 } });
  return { calls: args.calls, windowMs: args['window-ms'], paceMs: args['pace-ms'] };
}

type Stats = Extract<ServerReply, { type: 'stats' }>;

class ServerProcess {
  readonly #child: ChildProcess;
  port = 0;
  constructor(floor: boolean) {
    const script = fileURLToPath(new URL('./bench-esl-server.js', import.meta.url));
    // BENCH_NODE_FLAGS passes V8 options to the server processes (e.g. to compare garbage collector settings).
    const flags = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
    this.#child = fork(script, floor ? ['--floor'] : [], { execArgv: ['--expose-gc', ...flags],
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
  async turnaround(reset: boolean): Promise<TurnaroundFigures> {
    this.#send({ type: 'turnaround', reset });
    const reply = await this.#next();
    if (reply.type !== 'turnaround') throw new Error('unexpected reply');
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

async function waitForCalls(server: ServerProcess, n: number, what: string): Promise<void> {
  await until(async () => (await server.stats()).activeCalls === n, 60_000, what);
}

async function endLoad(load: ReplayLoad, server: ServerProcess): Promise<void> {
  load.close();
  await until(async () => (await server.stats()).activeCalls === 0, 30_000, 'calls to end');
}

async function idlePhase(server: ServerProcess, template: CallTemplate, args: Args): Promise<number> {
  server.script({ kind: 'idle' });
  const empty = await server.stats(true);
  const load = new ReplayLoad(template, { host: '127.0.0.1', port: server.port, calls: args.calls, paceMs: 0 });
  await waitForCalls(server, args.calls, 'idle calls to connect');
  await sleep(500);
  const full = await server.stats(true);
  await endLoad(load, server);
  return (full.rssBytes - empty.rssBytes) / 1024 / args.calls;
}

async function throughputPhase(server: ServerProcess, template: CallTemplate, args: Args):
  Promise<{ perSecond: number; cpuUsPerRoundTrip: number }> {
  server.script({ kind: 'executes', count: 1e9, app: 'set', arg: 'bench_step=1' });
  const load = new ReplayLoad(template, { host: '127.0.0.1', port: server.port, calls: args.calls, paceMs: 0 });
  await waitForCalls(server, args.calls, 'busy calls to connect');
  await sleep(500);
  const a = await server.stats();
  const t0 = performance.now();
  await sleep(args.windowMs);
  const b = await server.stats();
  const elapsed = performance.now() - t0;
  await endLoad(load, server);
  const trips = b.roundTrips - a.roundTrips;
  const cpuMs = b.cpuUserMs + b.cpuSystemMs - a.cpuUserMs - a.cpuSystemMs;
  return { perSecond: (trips / elapsed) * 1000, cpuUsPerRoundTrip: (cpuMs * 1000) / trips };
}

interface Latency { p50: number; p99: number; max: number; samples: number; inServer: TurnaroundFigures }

async function latencyPhase(server: ServerProcess, template: CallTemplate, args: Args): Promise<Latency> {
  server.script({ kind: 'executes', count: 1e9, app: 'playback', arg: `silence_stream://${args.paceMs}` });
  const load = new ReplayLoad(template, { host: '127.0.0.1', port: server.port, calls: args.calls, paceMs: args.paceMs });
  await waitForCalls(server, args.calls, 'paced calls to connect');
  await sleep(args.paceMs * 3);
  await server.turnaround(true);
  load.measuring = true;
  await sleep(args.windowMs);
  load.measuring = false;
  const inServer = await server.turnaround(false);
  await endLoad(load, server);
  const samples = load.samples.sort((x, y) => x - y);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples[samples.length - 1] ?? NaN,
    samples: samples.length, inServer };
}

interface Figures {
  rssKbPerIdleCall: number;
  throughput: { perSecond: number; cpuUsPerRoundTrip: number };
  latency: Latency;
}

/** Runs the three load phases against a fresh server process (ours, or the floor). */
async function measure(floor: boolean, template: CallTemplate, args: Args): Promise<Figures> {
  const server = new ServerProcess(floor);
  await server.started();
  try {
    const rssKbPerIdleCall = await idlePhase(server, template, args);
    const throughput = await throughputPhase(server, template, args);
    const latency = await latencyPhase(server, template, args);
    return { rssKbPerIdleCall, throughput, latency };
  } finally {
    await server.stop();
  }
}

function report(name: string, f: Figures, args: Args): void {
  console.log(`${name} idle:       ${f.rssKbPerIdleCall.toFixed(1)} KB RSS per open idle call`);
  console.log(`${name} throughput: ${f.throughput.perSecond.toFixed(0)} execute round trips/s, ` +
    `CPU ${f.throughput.cpuUsPerRoundTrip.toFixed(1)} us per round trip`);
  const t = f.latency.inServer;
  const s = t.sinceSent;
  console.log(`${name} added:      p50 ${s.p50Ms.toFixed(3)} ms, p99 ${s.p99Ms.toFixed(3)} ms, max ${s.maxMs.toFixed(3)} ms ` +
    `(completion written by the call -> next sendmsg out, on the clock both processes share: loopback, waiting ` +
    `behind other calls and garbage collection, and the handling), ${s.samples} round trips`);
  console.log(`${name} handling:   p50 ${t.p50Ms.toFixed(3)} ms, p99 ${t.p99Ms.toFixed(3)} ms, max ${t.maxMs.toFixed(3)} ms ` +
    `(completion in -> next sendmsg out, in the server), event loop delay p99 ${t.loopDelayP99Ms.toFixed(3)} ms, ` +
    `${t.samples} round trips (${((t.samples / args.windowMs) * 1000).toFixed(0)}/s)`);
  console.log(`${name} end to end: p50 ${f.latency.p50.toFixed(3)} ms, p99 ${f.latency.p99.toFixed(3)} ms, ` +
    `max ${f.latency.max.toFixed(3)} ms (completion written -> next sendmsg read, at the calls: loopback and the ` +
    `load generator's own scheduling included)`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  console.log(`esl-bench: ${args.calls} concurrent calls, window ${args.windowMs} ms, pace ${args.paceMs} ms ± 50 %, ` +
    `node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'})`);
  console.log('load: simulated calls replaying the simulator\'s full-size events (scripts/bench-esl-load.ts)');
  const template = await recordTemplate();
  const ours = await measure(false, template, args);
  report('server', ours, args);
  const floorServer = await measure(true, template, args);
  report('floor ', floorServer, args);

  const bytes = template.roundTrip;
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
    `added p99 ${(ours.latency.inServer.sinceSent.p99Ms / floorServer.latency.inServer.sinceSent.p99Ms).toFixed(2)}x`);
  console.log(`esl-bench roundtrips_per_s=${ours.throughput.perSecond.toFixed(0)} ` +
    `p99_added_ms=${ours.latency.inServer.sinceSent.p99Ms.toFixed(3)} ` +
    `rss_kb_per_idle_call=${ours.rssKbPerIdleCall.toFixed(1)} floor_events_per_s=${floor.eventsPerSecond.toFixed(0)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
