/**
 * The soak of `npm run soak` (and of test/load/soak.test.ts): IVR calls back to back at a steady rate through
 * pivot-esl in its own process (as `serve` runs it), replayed as in bench:calls. A first tenth of the calls warms
 * the server up; once they have all ended and the idle keep-alive connections are closed, the server's RSS, heap
 * (after a full GC) and active handles are the baseline; the same figures once every call has ended are compared
 * with it. Every started call must end, having followed the recording to its last command.
 */
import { rmSync } from 'node:fs';
import { ReplayLoad } from './bench-calls-load.js';
import { benchSpoolDir, recordIvrTemplate, type CallTemplate } from './bench-calls-template.js';
import { IvrWebApp } from './bench-calls-web.js';
import { handleCount, ProbedServer, sleep, until } from './load-probe.js';
import type { ProbeStats } from './load-server-child.js';

export interface SoakOptions {
  readonly calls: number;
  /** Calls started per second. */
  readonly rate: number;
  /** Most calls in flight: a server slower than the rate is not buried (the rate then falls). */
  readonly maxInFlight: number;
  /** Application run time, ± 50 % (0: at once). */
  readonly paceMs: number;
  /** Told of progress (one line per tenth). */
  readonly progress?: (line: string) => void;
}

export interface SoakResult {
  readonly started: number;
  readonly ended: number;
  readonly completed: number;
  readonly mismatches: number;
  readonly rssGrowthPct: number;
  readonly heapGrowthPct: number;
  readonly handlesGrowth: number;
  readonly baseline: ProbeStats;
  readonly final: ProbeStats;
  readonly elapsedMs: number;
}

/** Starts `count` calls at `rate` per second, at most `maxInFlight` at a time; resolves when all have ended. */
async function runCalls(load: ReplayLoad, count: number, options: SoakOptions, tick: () => void): Promise<void> {
  const target = load.started + count;
  const t0 = performance.now();
  const firstStarted = load.started;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(target, firstStarted + Math.floor(((performance.now() - t0) / 1000) * options.rate) + 1);
      while (load.started < due && load.openCalls < options.maxInFlight) load.start();
      tick();
      if (load.started >= target) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  await until(() => load.openCalls === 0, 120_000, 'the calls to end');
}

/** The server at rest: no call, no idle connection from it to the web app; figures after a full GC. */
async function idleStats(server: ProbedServer, web: IvrWebApp): Promise<ProbeStats> {
  web.closeIdleConnections();
  await sleep(200);
  return server.stats(true);
}

const growthPct = (before: number, after: number): number => ((after - before) / before) * 100;

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const spoolDir = benchSpoolDir();
  const web = await IvrWebApp.start();
  let server: ProbedServer | undefined;
  try {
    const template: CallTemplate = await recordIvrTemplate(web, spoolDir);
    server = await ProbedServer.start({ floor: false, spoolDir });
    const load = new ReplayLoad(template, { host: '127.0.0.1', port: server.port, paceMs: options.paceMs });
    web.observer = load.observer;
    const t0 = performance.now();
    const warmup = Math.max(1, Math.floor(options.calls / 10));
    await runCalls(load, warmup, options, () => undefined);
    const baseline = await idleStats(server, web);
    let reported = warmup;
    const probe = server;
    await runCalls(load, options.calls - warmup, options, () => {
      if (load.ended - reported < options.calls / 10) return;
      reported = load.ended;
      void probe.stats().then((s) => options.progress?.(`${load.ended} calls ended, ${load.openCalls} in flight, ` +
        `RSS ${(s.rssBytes / 1048576).toFixed(1)} MB, heap ${(s.heapUsedBytes / 1048576).toFixed(1)} MB, ` +
        `${handleCount(s)} handles`));
    });
    const final = await idleStats(server, web);
    return {
      started: load.started, ended: load.ended, completed: load.completed, mismatches: load.mismatches,
      rssGrowthPct: growthPct(baseline.rssBytes, final.rssBytes),
      heapGrowthPct: growthPct(baseline.heapUsedBytes, final.heapUsedBytes),
      handlesGrowth: handleCount(final) - handleCount(baseline),
      baseline, final, elapsedMs: performance.now() - t0,
    };
  } finally {
    web.observer = undefined;
    await server?.stop();
    await web.close();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

/** The machine-readable last line. */
export function soakLine(r: SoakResult): string {
  return `soak calls=${r.started} rss_growth_pct=${r.rssGrowthPct.toFixed(2)} heap_growth_pct=${r.heapGrowthPct.toFixed(2)} ` +
    `handles_growth=${r.handlesGrowth} ended=${r.ended}`;
}
