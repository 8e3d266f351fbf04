/**
 * The measured server of `npm run bench:calls` and `npm run soak`: pivot-esl exactly as `pivot-esl serve` runs
 * it (configuration from the environment the parent sets), in its own process, answering the parent's questions
 * over the IPC channel: CPU time, memory (after a full GC when asked), and its active handles by type.
 */
import { serve } from '../src/server/serve-process.js';
import { CallsProbe, type AddedRequest } from './bench-calls-probe.js';

const probe = new CallsProbe();

/** What the parent asks. */
export type ProbeRequest = { type: 'stats'; gc?: boolean } | { type: 'stop' } | AddedRequest;

/** What the server reports. */
export interface ProbeStats {
  type: 'stats';
  cpuUserMs: number;
  cpuSystemMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** process.getActiveResourcesInfo(), counted by type. */
  resources: Record<string, number>;
  /** Listeners on the process object (signal and error handlers included). */
  processListeners: number;
}

function stats(gc: boolean): ProbeStats {
  if (gc && typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const resources: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) resources[name] = (resources[name] ?? 0) + 1;
  const processListeners = process.eventNames().reduce((sum, name) => sum + process.listenerCount(name), 0);
  return { type: 'stats', cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000, rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed, resources, processListeners };
}

process.on('message', (message: ProbeRequest) => {
  if (message.type === 'stats') process.send?.(stats(message.gc === true));
  if (message.type === 'added') process.send?.({ type: 'added', samples: probe.take(message.reset) });
  if (message.type === 'stop') {
    process.kill(process.pid, 'SIGTERM');
    process.disconnect();
  }
});

await serve();
// serve() logs and sets the exit code when it cannot start: say so instead of pretending to listen.
process.send?.({ type: process.exitCode ? 'failed' : 'listening' });
