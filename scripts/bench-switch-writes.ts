/**
 * What FreeSWITCH wrote on the Event Socket of one call: its bytes, and its event frames by name. Computed from the
 * simulator's own writes (SimulatedCall transcript), so it is what the switch must build, serialise and send.
 */
import { toDomainEvent } from '../src/esl/channel-events.js';
import { FrameParser } from '../src/esl/frame-parser.js';

/** Event frames of one name: how many, and their bytes on the wire (outer frame headers included). */
export interface EventTally {
  count: number;
  bytes: number;
}

export interface SwitchWrites {
  /** The bytes themselves, in order. */
  readonly written: Buffer;
  /** Every byte written: the connect reply, command replies, api responses, events, disconnect notices. */
  readonly bytes: number;
  /** Event frames (`text/event-*`). */
  readonly events: number;
  /** Bytes of those event frames. */
  readonly eventBytes: number;
  /** Per event name (`CUSTOM <subclass>` for custom events), in order of first appearance. */
  readonly byEvent: ReadonlyMap<string, EventTally>;
}

const EVENT_NAME = /"Event-Name":"([^"]+)"|^Event-Name: (\S+)$/m;
const SUBCLASS = /"Event-Subclass":"([^"]+)"|^Event-Subclass: (\S+)$/m;

function headerValue(block: string, name: string): string | undefined {
  const at = block.search(new RegExp(`^${name}: `, 'm'));
  if (at < 0) return undefined;
  const start = at + name.length + 2;
  const end = block.indexOf('\n', start);
  return block.slice(start, end < 0 ? undefined : end);
}

/** Walks the frames of `out` (everything the switch wrote, in order) and tallies them. */
export function switchWritesOf(out: readonly Buffer[]): SwitchWrites {
  const all = Buffer.concat(out);
  const byEvent = new Map<string, EventTally>();
  let events = 0;
  let eventBytes = 0;
  let at = 0;
  while (at < all.length) {
    const end = all.indexOf('\n\n', at);
    if (end < 0) break;
    const head = all.toString('latin1', at, end);
    const length = Number(headerValue(head, 'Content-Length') ?? 0);
    const next = end + 2 + length;
    if (headerValue(head, 'Content-Type')?.startsWith('text/event-')) {
      const body = all.toString('utf8', end + 2, next);
      const nameMatch = EVENT_NAME.exec(body);
      const name = nameMatch?.[1] ?? nameMatch?.[2] ?? '?';
      const subclassMatch = name === 'CUSTOM' ? SUBCLASS.exec(body) : null;
      const key = subclassMatch ? `CUSTOM ${subclassMatch[1] ?? subclassMatch[2] ?? ''}` : name;
      const tally = byEvent.get(key) ?? { count: 0, bytes: 0 };
      tally.count += 1;
      tally.bytes += next - at;
      byEvent.set(key, tally);
      events += 1;
      eventBytes += next - at;
    }
    at = next;
  }
  return { written: all, bytes: all.length, events, eventBytes, byEvent };
}

/** `NAME count×avg` for each event name, for a report line. */
export function describeEvents(writes: SwitchWrites): string {
  return [...writes.byEvent].map(([name, t]) => `${name} ${t.count}x${Math.round(t.bytes / t.count)}`).join(', ');
}

/**
 * The server's CPU, in microseconds per call, to read what the switch wrote for one call: the frames parsed as the
 * connection parses them, each turned into its domain event with the headers a channel reads (Unique-ID, and for a
 * completion a variable), `iterations` times over (after as many to warm up), the bytes fed in 1,400-byte reads.
 */
export function readCpuUsPerCall(all: Buffer, iterations: number): number {
  const reads: Buffer[] = [];
  for (let at = 0; at < all.length; at += 1400) reads.push(all.subarray(at, at + 1400));
  let seen = 0;
  const parser = new FrameParser((message) => {
    seen += message.header('Unique-ID') === undefined ? 0 : 1;
    const domain = toDomainEvent(message);
    if (domain?.[0] === 'executeComplete') seen += message.variable('record_ms') === undefined ? 0 : 1;
  }, (err) => { throw err; });
  const run = (): void => { for (const read of reads) parser.push(read); };
  for (let i = 0; i < iterations; i++) run();
  const before = process.cpuUsage();
  for (let i = 0; i < iterations; i++) run();
  const used = process.cpuUsage(before);
  if (seen === 0) throw new Error('no event was read');
  return (used.user + used.system) / iterations;
}
