/**
 * The simulated FreeSWITCH node `bench:api` places its calls on, in the benchmark's process or in a child process
 * of its own (bench-api-node.ts): the simulator (FreeSWITCH's clock, full-size JSON events) and its inbound Event
 * Socket on a free loopback port, answering every originate at once.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { FsSimulator, SimInboundServer } from '../src/sim/index.js';

/** A running simulated node. */
export interface SimNode {
  /** The port of its inbound Event Socket on 127.0.0.1. */
  readonly port: number;
  /** The process it runs in. */
  readonly pid: number;
  /** Drops its calls and stops it; a node in a process of its own reports that process's CPU time (ms)
   * since it listened. */
  close(): Promise<{ cpuMs?: number }>;
}

/** Starts the node in this process. */
export async function startSimNode(): Promise<SimNode> {
  const sim = new FsSimulator({ timeScale: 1 });
  const node = new SimInboundServer(sim);
  const port = await node.listen();
  return {
    port,
    pid: process.pid,
    async close() {
      await node.dropCalls();
      await node.close();
      await sim.close();
      return {};
    },
  };
}

/** How long the child may take to say it listens. */
const START_TIMEOUT_MS = 10_000;

/** The line the child prints once it listens, and the one it prints as it stops. */
const READY = /^bench-api-node pid=(\d+) esl_port=(\d+)$/;
const STOPPED = /^bench-api-node cpu_ms=([\d.]+)$/;

/** Starts the node in a child process (bench-api-node.js, next to this module), once it listens. */
export async function startSimNodeProcess(): Promise<SimNode> {
  const script = new URL('./bench-api-node.js', import.meta.url);
  const child = spawn(process.execPath, [script.pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  try {
    const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the simulated node did not start')), START_TIMEOUT_MS);
      child.once('exit', (code) => reject(new Error(`the simulated node exited (${String(code)})`)));
      lines.on('line', (line) => {
        const match = READY.exec(line);
        if (match === null) return;
        clearTimeout(timer);
        resolve(match);
      });
    });
    let cpuMs: number | undefined;
    lines.on('line', (line) => {
      const match = STOPPED.exec(line);
      if (match !== null) cpuMs = Number(match[1]);
    });
    return {
      pid: Number(ready[1]),
      port: Number(ready[2]),
      async close() {
        // Its stdin closing stops it.
        child.stdin.end();
        await exited;
        lines.close();
        return cpuMs === undefined ? {} : { cpuMs };
      },
    };
  } catch (err) {
    child.kill();
    lines.close();
    throw err;
  }
}
