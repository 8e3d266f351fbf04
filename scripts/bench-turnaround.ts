/**
 * Measures, inside a server process, the time from a chunk carrying CHANNEL_EXECUTE_COMPLETE reaching the
 * socket's data handlers to the next `sendmsg` being written on that socket: the latency the server adds, free of
 * the load generator's own scheduling. Sockets are seen through Node's `net.server.socket` diagnostics channel, so
 * nothing in the server is changed for it. The event loop's delay (time a ready socket waits before its handler
 * runs) is measured beside it.
 */
import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface TurnaroundFigures {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  loopDelayP99Ms: number;
}

export class TurnaroundProbe {
  #samples: number[] = [];
  #loop = monitorEventLoopDelay({ resolution: 1 });

  constructor() {
    diagnostics.subscribe('net.server.socket', (message) => this.#watch((message as { socket: Socket }).socket));
    this.#loop.enable();
  }

  /** Starts a new measurement window. */
  reset(): void {
    this.#samples = [];
    this.#loop.reset();
  }

  figures(): TurnaroundFigures {
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
    return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[sorted.length - 1] ?? NaN,
      loopDelayP99Ms: this.#loop.percentile(99) / 1e6 };
  }

  #watch(socket: Socket): void {
    let completedAt = 0;
    socket.prependListener('data', (chunk: Buffer) => {
      if (chunk.includes('CHANNEL_EXECUTE_COMPLETE')) completedAt = performance.now();
    });
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((data: unknown, ...rest: unknown[]): boolean => {
      const sendmsg = typeof data === 'string' ? data.startsWith('sendmsg')
        : Buffer.isBuffer(data) && data.subarray(0, 7).toString('latin1') === 'sendmsg';
      if (completedAt > 0 && sendmsg) {
        this.#samples.push(performance.now() - completedAt);
        completedAt = 0;
      }
      return write(data, ...rest);
    }) as Socket['write'];
  }
}
