/**
 * `npm run bench:calls`: whole IVR calls through pivot-esl, end to end, on loopback. pivot-esl runs in its own
 * process exactly as `pivot-esl serve` does (load-server-child.ts); this process plays FreeSWITCH, by replaying the
 * simulator's bytes of one recorded call (bench-calls-load.ts), and the customer's web app (bench-calls-web.ts):
 * fetch, Say, Gather (the caller presses 1), action fetch, Play, Record (1 s, uploaded by PUT), Redirect, Hangup.
 *
 * Phases, against pivot-esl and then against the floor program (bench-calls-floor-server.ts):
 * 1. throughput: `--concurrency` calls in flight, every application completing at once, a new call as soon as one
 *    ends: complete calls per second, and the server's CPU per call, over `--window-ms`;
 * 2. latency: at each of `--latency-concurrency` (default 100,1000,5000) calls in flight, applications taking
 *    `--pace-ms` ± 50 % (default 2,000: each prompt, pause and recording lasts about as long as in a real IVR, so a
 *    call lasts about 30 s and N calls in flight are N real callers; a 200 ms pace makes 1,000 calls in flight a
 *    load of 330 calls/s, beyond the server's throughput, and then measures queueing): what the server adds
 *    between the Event Socket and HTTP (see bench-calls-probe.ts and bench-calls-load.ts);
 * 3. parked (run first, on the fresh process): `--parked` calls in a one-hour `<Pause>`: RSS per parked call
 *    (after a full GC, against the empty server).
 * The last line is machine-readable:
 * `calls-bench calls_per_s=<n> p99_added_ms=<x> rss_kb_per_parked_call=<y> floor_cpu_ratio=<r>
 *  cpu_ms_per_call=<c> switch_bytes_per_call=<b> switch_events_per_call=<e>`
 * (p99_added_ms: all four intervals pooled, at 1,000 calls in flight, or the largest level run below that;
 * cpu_ms_per_call: the server's, in the throughput phase; switch_*: what FreeSWITCH writes on the Event Socket for
 * the IVR call, as the simulator wrote it when the call was recorded, see bench-switch-bytes.ts).
 */
import os from 'node:os';
import { rmSync } from 'node:fs';
import { LATENCY_KINDS, ReplayLoad, type LatencyKind } from './bench-calls-load.js';
import { benchSpoolDir, recordIvrTemplate, type CallTemplate } from './bench-calls-template.js';
import { benchArgs } from './bench-args.js';
import { IvrWebApp } from './bench-calls-web.js';
import { ADDED_KINDS, type AddedKind } from './bench-calls-probe.js';
import { describeEvents } from './bench-switch-writes.js';
import { cpuMsBetween, percentile, ProbedServer, sleep, until } from './load-probe.js';

interface Args {
  concurrency: number; latencyLevels: number[]; windowMs: number; paceMs: number; parked: number; warmupMs: number;
}

function parseArgs(argv: string[]): Args {
  const args = benchArgs(argv, {
    integers: { 'concurrency': 200, 'window-ms': 5000, 'pace-ms': { default: 2000, min: 0 },
      'parked': { default: 10_000, min: 0 }, 'warmup-ms': { default: 1000, min: 0 } },
    texts: { 'latency-concurrency': '100,1000,5000' },
  });
  const levels = args['latency-concurrency'].split(',').map(Number);
  if (levels.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--latency-concurrency: positive integers');
  return { concurrency: args.concurrency, latencyLevels: levels, windowMs: args['window-ms'], paceMs: args['pace-ms'],
    parked: args.parked, warmupMs: args['warmup-ms'] };
}

interface Templates { ivr: CallTemplate; park: CallTemplate }
interface Throughput { callsPerS: number; cpuMsPerCall: number; calls: number }
type Summary = { p50: number; p99: number; max: number; n: number };
type Latency = Record<LatencyKind | 'all', Summary>;
/** At the load side (`atCalls`, the load generator's own scheduling included) and inside the server (`inServer`). */
interface LatencyFigures { atCalls: Latency; inServer: Record<AddedKind | 'all', Summary> }
interface Figures { throughput: Throughput; latency: Map<number, LatencyFigures>; rssKbPerParked: number }

function summary(values: number[]): Summary {
  const sorted = [...values].sort((x, y) => x - y);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN, n: sorted.length };
}

/**
 * How long the calls of a paced phase take to come in: spread over about half a call (a call is some fifteen
 * applications of `paceMs` on average), so that they do not all fetch, prompt and record in step, as callers do not.
 */
function rampMs(paceMs: number): number {
  return paceMs * 8;
}

/** Keeps `n` calls in flight until stopped (started over rampMs); returns the load and a stop function. */
function keepInFlight(template: CallTemplate, port: number, n: number, paceMs: number, web: IvrWebApp):
  { load: ReplayLoad; stop: () => Promise<void> } {
  const load = new ReplayLoad(template, { host: '127.0.0.1', port, paceMs });
  web.observer = load.observer;
  let running = true;
  load.onEnd = () => { if (running) load.start(); };
  const ramp = rampMs(paceMs);
  const starts: NodeJS.Timeout[] = [];
  for (let i = 0; i < n; i++) {
    if (ramp === 0) load.start();
    else starts.push(setTimeout(() => { if (running) load.start(); }, (i / n) * ramp));
  }
  return {
    load,
    stop: async () => {
      for (const timer of starts) clearTimeout(timer);
      running = false;
      await until(() => load.openCalls === 0, 120_000, 'calls in flight to end');
      web.observer = undefined;
    },
  };
}

function checkReplay(load: ReplayLoad): void {
  if (load.mismatches > 0) throw new Error(`${load.mismatches} calls did not follow the recording: ${load.lastMismatch}`);
}

async function throughputPhase(server: ProbedServer, t: Templates, web: IvrWebApp, args: Args): Promise<Throughput> {
  const { load, stop } = keepInFlight(t.ivr, server.port, args.concurrency, 0, web);
  await sleep(args.warmupMs);
  const a = await server.stats();
  const completedBefore = load.completed;
  const t0 = performance.now();
  await sleep(args.windowMs);
  const b = await server.stats();
  const calls = load.completed - completedBefore;
  const elapsed = performance.now() - t0;
  await stop();
  checkReplay(load);
  return { callsPerS: (calls / elapsed) * 1000, cpuMsPerCall: cpuMsBetween(a, b) / calls, calls };
}

async function latencyPhase(server: ProbedServer, t: Templates, web: IvrWebApp, args: Args, n: number):
  Promise<LatencyFigures> {
  const { load, stop } = keepInFlight(t.ivr, server.port, n, args.paceMs, web);
  await sleep(args.warmupMs + rampMs(args.paceMs) + args.paceMs * 5);
  await server.added(true);
  load.measuring = true;
  await sleep(args.windowMs);
  load.measuring = false;
  const added = await server.added(true);
  await stop();
  checkReplay(load);
  const atCalls = { all: summary(LATENCY_KINDS.flatMap((k) => load.samples[k])) } as Latency;
  for (const kind of LATENCY_KINDS) atCalls[kind] = summary(load.samples[kind]);
  // The headline pools the four steps between the Event Socket and HTTP; eslToEsl is shown beside them.
  const inServer = { all: summary(LATENCY_KINDS.flatMap((k) => added[k])) } as LatencyFigures['inServer'];
  for (const kind of ADDED_KINDS) inServer[kind] = summary(added[kind]);
  return { atCalls, inServer };
}

async function parkedPhase(server: ProbedServer, t: Templates, web: IvrWebApp, args: Args): Promise<number> {
  if (args.parked === 0) return NaN;
  const empty = await server.stats(true);
  const load = new ReplayLoad(t.park, { host: '127.0.0.1', port: server.port, paceMs: 0, holdApps: ['sleep'] });
  for (let i = 0; i < args.parked; i++) load.start();
  await until(() => load.held === args.parked, 300_000, 'calls to park');
  await sleep(500);
  const full = await server.stats(true);
  load.close();
  await until(() => load.openCalls === 0, 120_000, 'parked calls to close');
  web.observer = undefined;
  checkReplay(load);
  return (full.rssBytes - empty.rssBytes) / 1024 / args.parked;
}

async function measure(floor: boolean, t: Templates, web: IvrWebApp, args: Args, spoolDir: string): Promise<Figures> {
  const server = await ProbedServer.start({ floor, spoolDir });
  const floorScript = (template: CallTemplate): void => {
    if (floor) server.send({ type: 'script', actions: template.actions, uuid: template.uuid, webBase: web.url('') });
  };
  try {
    // Parked first: on a fresh process, before the busy phases have grown its heap and RSS.
    floorScript(t.park);
    const rssKbPerParked = await parkedPhase(server, t, web, args);
    floorScript(t.ivr);
    const throughput = await throughputPhase(server, t, web, args);
    const latency = new Map<number, LatencyFigures>();
    for (const n of args.latencyLevels) latency.set(n, await latencyPhase(server, t, web, args, n));
    return { throughput, latency, rssKbPerParked };
  } finally {
    await server.stop();
  }
}

const ms = (x: number): string => x.toFixed(3);

function report(name: string, f: Figures, args: Args): void {
  console.log(`${name} throughput: ${f.throughput.callsPerS.toFixed(0)} complete IVR calls/s at ${args.concurrency} ` +
    `in flight (${f.throughput.calls} calls), CPU ${f.throughput.cpuMsPerCall.toFixed(3)} ms per call`);
  for (const [n, { atCalls: l, inServer: s }] of f.latency) {
    const inside = ADDED_KINDS.map((k) => `${k} ${ms(s[k].p50)}/${ms(s[k].p99)}/${ms(s[k].max)}`);
    console.log(`${name} added at ${n} in flight, stamp written -> next request or command out, timed in the server ` +
      `(p50/p99/max ms, ${s.all.n} samples): ${inside.join(', ')}; all ${ms(s.all.p50)}/${ms(s.all.p99)}/${ms(s.all.max)}`);
    const parts = LATENCY_KINDS.map((k) => `${k} ${ms(l[k].p50)}/${ms(l[k].p99)}/${ms(l[k].max)}`);
    console.log(`${name} seen at the calls at ${n} in flight (load generator included; p50/p99/max ms, ${l.all.n} ` +
      `samples): ${parts.join(', ')}; all ${ms(l.all.p50)}/${ms(l.all.p99)}/${ms(l.all.max)}`);
  }
  console.log(`${name} parked: ${f.rssKbPerParked.toFixed(1)} KB RSS per call parked in <Pause> (${args.parked} calls)`);
}

/** The latency level the last line reports: 1,000, or the largest level run below it, or the smallest. */
function headlineLevel(levels: number[]): number {
  const below = levels.filter((n) => n <= 1000).sort((x, y) => y - x);
  return below[0] ?? Math.min(...levels);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  console.log(`calls-bench: throughput at ${args.concurrency} in flight, latency at ${args.latencyLevels.join('/')} ` +
    `in flight (pace ${args.paceMs} ms ± 50 %), ${args.parked} parked, window ${args.windowMs} ms; node ` +
    `${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'})`);
  console.log('latency: timed inside the server against stamps the load writes (bench-calls-probe.ts), and at the calls');
  const spoolDir = benchSpoolDir();
  const web = await IvrWebApp.start();
  try {
    const templates: Templates = {
      ivr: await recordIvrTemplate(web, spoolDir),
      park: await recordIvrTemplate(web, spoolDir, '/park', 'sleep'),
    };
    const writes = templates.ivr.switchWrites;
    console.log(`switch writes per IVR call: ${writes.bytes} bytes, ${writes.events} events; ${describeEvents(writes)}`);
    const ours = await measure(false, templates, web, args, spoolDir);
    report('server', ours, args);
    const floor = await measure(true, templates, web, args, spoolDir);
    report('floor ', floor, args);
    const ratio = ours.throughput.cpuMsPerCall / floor.throughput.cpuMsPerCall;
    console.log(`ratios server/floor: CPU per call ${ratio.toFixed(2)}x, calls/s ` +
      `${(ours.throughput.callsPerS / floor.throughput.callsPerS).toFixed(2)}x, RSS per parked call ` +
      `${(ours.rssKbPerParked / floor.rssKbPerParked).toFixed(2)}x`);
    const headline = ours.latency.get(headlineLevel(args.latencyLevels))?.inServer.all.p99 ?? NaN;
    console.log(`calls-bench calls_per_s=${ours.throughput.callsPerS.toFixed(0)} p99_added_ms=${ms(headline)} ` +
      `rss_kb_per_parked_call=${ours.rssKbPerParked.toFixed(1)} floor_cpu_ratio=${ratio.toFixed(2)} ` +
      `cpu_ms_per_call=${ours.throughput.cpuMsPerCall.toFixed(3)} switch_bytes_per_call=${writes.bytes} ` +
      `switch_events_per_call=${writes.events}`);
  } finally {
    await web.close();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
