/**
 * The stamps the benchmarks' load writes into what it sends, so that the measured server can time what it adds
 * from the moment a message was written: `process.hrtime.bigint()` (the system's monotonic clock, which every
 * process on the machine reads the same), as 19 digits, in the channel variable `bench_sent_ns` of a replayed event
 * (a placeholder of the same width in the recording, patched in place so no length changes) or in an HTTP header.
 */
export const STAMP_VARIABLE = 'bench_sent_ns';
export const STAMP_WIDTH = 19;
export const STAMP_PLACEHOLDER = '0'.repeat(STAMP_WIDTH);
/** How the stamp appears in a JSON event. */
export const STAMP_MARK = `"variable_${STAMP_VARIABLE}":"`;
export const STAMP_HEADER = 'x-bench-sent-ns';

/** Now, as a stamp. */
export function stampNow(): string {
  return process.hrtime.bigint().toString().padStart(STAMP_WIDTH, '0');
}

/** The stamp at `at` in `text`; undefined when there is none (or only the placeholder). */
export function stampAt(text: string, at: number): bigint | undefined {
  const digits = text.slice(at, at + STAMP_WIDTH);
  return /^\d{19}$/.test(digits) && digits !== STAMP_PLACEHOLDER ? BigInt(digits) : undefined;
}

/**
 * The last stamp in a chunk read from a socket; undefined when it carries none. Only the stamp's digits become a
 * string: the probes run inside the measured server and must not add to its garbage.
 */
export function lastStampIn(chunk: Buffer): bigint | undefined {
  const mark = chunk.lastIndexOf(STAMP_MARK);
  if (mark < 0) return undefined;
  const at = mark + STAMP_MARK.length;
  return stampAt(chunk.toString('latin1', at, at + STAMP_WIDTH), 0);
}

/** Milliseconds since `stamp`. */
export function msSince(stamp: bigint): number {
  return Number(process.hrtime.bigint() - stamp) / 1e6;
}
