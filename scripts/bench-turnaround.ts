/**
 * Measures, inside a server process, the time from a chunk carrying CHANNEL_EXECUTE_COMPLETE reaching the
 * socket's data handlers to the next `sendmsg` being written on that socket: the latency the server adds, free of
 * the load generator's own scheduling. Sockets are seen through Node's `net.server.socket` diagnostics channel, so
 * nothing in the server is changed for it. The event loop's delay (time a ready socket waits before its handler
 * runs) is measured beside it.
 *
 * It also measures what the server adds in full: from the moment the load wrote the completion (the stamp the
 * load puts in it, read on the system's monotonic clock that both processes share) to the next `sendmsg` written.
 * That includes loopback, the time the completion waited in the socket while the server was busy with other calls
 * or collecting garbage, and the handling itself; the load generator's own delays are not in it.
 */
import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { lastStampIn, msSince } from './bench-stamp.js';

export interface TurnaroundFigures {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  loopDelayP99Ms: number;
  /** From the load writing the completion to the next sendmsg written (samples, p50, p99, max). */
  sinceSent: { samples: number; p50Ms: number; p99Ms: number; maxMs: number };
}

function percentiles(samples: number[]): { samples: number; p50Ms: number; p99Ms: number; maxMs: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[sorted.length - 1] ?? NaN };
}

export class TurnaroundProbe {
  #samples: number[] = [];
  #sinceSent: number[] = [];
  #loop = monitorEventLoopDelay({ resolution: 1 });

  constructor() {
    diagnostics.subscribe('net.server.socket', (message) => this.#watch((message as { socket: Socket }).socket));
    this.#loop.enable();
  }

  /** Starts a new measurement window. */
  reset(): void {
    this.#samples = [];
    this.#sinceSent = [];
    this.#loop.reset();
  }

  figures(): TurnaroundFigures {
    return { ...percentiles(this.#samples), loopDelayP99Ms: this.#loop.percentile(99) / 1e6,
      sinceSent: percentiles(this.#sinceSent) };
  }

  #watch(socket: Socket): void {
    let completedAt = 0;
    let sentNs = 0n;
    socket.prependListener('data', (chunk: Buffer) => {
      if (!chunk.includes('CHANNEL_EXECUTE_COMPLETE')) return;
      completedAt = performance.now();
      sentNs = lastStampIn(chunk) ?? 0n;
    });
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((data: unknown, ...rest: unknown[]): boolean => {
      const sendmsg = typeof data === 'string' ? data.startsWith('sendmsg')
        : Buffer.isBuffer(data) && data.subarray(0, 7).toString('latin1') === 'sendmsg';
      if (completedAt > 0 && sendmsg) {
        this.#samples.push(performance.now() - completedAt);
        if (sentNs > 0n) this.#sinceSent.push(msSince(sentNs));
        completedAt = 0;
        sentNs = 0n;
      }
      return write(data, ...rest);
    });
  }
}
