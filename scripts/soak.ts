/**
 * `npm run soak`: 100,000 IVR calls back to back at a steady rate (see soak-run.ts). Options: `--calls N`
 * (100000), `--rate N` calls started per second (200), `--max-in-flight N` (500), `--pace-ms N` (20).
 * Exits 1 when a call did not end, did not follow its recording, or the server grew (RSS or heap by 5 % or
 * more after warm-up, or any active handle more). The last line is machine-readable:
 * `soak calls=<n> rss_growth_pct=<x> heap_growth_pct=<y> handles_growth=<z> ended=<n>`
 */
import { runSoak, soakLine } from './soak-run.js';

function option(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number >= 0`);
  return value;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = {
    calls: option(argv, 'calls', 100_000),
    rate: option(argv, 'rate', 200),
    maxInFlight: option(argv, 'max-in-flight', 500),
    paceMs: option(argv, 'pace-ms', 20),
    progress: (line: string) => console.log(line),
  };
  console.log(`soak: ${options.calls} IVR calls at ${options.rate}/s (at most ${options.maxInFlight} in flight), ` +
    `pace ${options.paceMs} ms, node ${process.version}`);
  const r = await runSoak(options);
  const resources = (s: typeof r.final): string => Object.entries(s.resources).map(([k, v]) => `${k}=${v}`).join(' ');
  console.log(`baseline after warm-up: RSS ${(r.baseline.rssBytes / 1048576).toFixed(1)} MB, heap ` +
    `${(r.baseline.heapUsedBytes / 1048576).toFixed(1)} MB, handles ${resources(r.baseline)}`);
  console.log(`at the end:             RSS ${(r.final.rssBytes / 1048576).toFixed(1)} MB, heap ` +
    `${(r.final.heapUsedBytes / 1048576).toFixed(1)} MB, handles ${resources(r.final)}`);
  console.log(`${r.completed} of ${r.started} calls completed as recorded, ${r.mismatches} mismatches, ` +
    `${(r.elapsedMs / 1000).toFixed(1)} s`);
  const ok = r.ended === r.started && r.completed === r.started && r.mismatches === 0 && r.rssGrowthPct < 5 &&
    r.heapGrowthPct < 5 && r.handlesGrowth <= 0;
  console.log(soakLine(r));
  if (!ok) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
