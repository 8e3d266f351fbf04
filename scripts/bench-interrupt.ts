/**
 * `node --expose-gc dist/scripts/bench-interrupt.js`: what making a call's documents interruptible costs per Event Socket
 * command, in this process alone (no socket, no other party: the figure does not move with the machine's load as
 * whole-call benchmarks on shared cores do). A channel over a connection that answers every command at once runs
 * documents of `--commands` api commands each, given:
 * - `call`: the call's own signal (a call nobody can interrupt);
 * - `any`: `AbortSignal.any([call signal, document point])` per document (interruption through a combined signal);
 * - `scope`: the channel's interruptible scope per document (`openScope`/`closeScope`, see esl/channel.ts).
 * The modes alternate over `--rounds` rounds of `--documents` documents, each after a full collection (with
 * `--expose-gc`), so that none pays for the garbage of the one before; the last line gives each mode's median CPU
 * per command: `interrupt-bench call_ns=<a> any_ns=<b> scope_ns=<c>`.
 */
import { pino } from 'pino';
import type { ChannelData } from '../src/esl/channel-data.js';
import { EslChannel } from '../src/esl/channel.js';
import type { EslEvent } from '../src/esl/event.js';
import type { OutboundConnection } from '../src/esl/outbound-connection.js';

type Mode = 'call' | 'any' | 'scope';
const MODES: readonly Mode[] = ['call', 'any', 'scope'];

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const REPLY = { header: (name: string) => (name === 'Reply-Text' ? '+OK' : undefined), body: '+OK' } as unknown as EslEvent;

/** A channel whose connection answers every command on the next microtask. */
function channel(): EslChannel {
  const answer = (_command: string, _args: unknown, onReply: (reply: EslEvent) => void): void => {
    queueMicrotask(() => onReply(REPLY));
  };
  const conn = { sendRecv: answer, api: answer } as unknown as OutboundConnection;
  const data = { uuid: '00000000-0000-4000-8000-000000000001', answerState: 'answered', headers: {},
    variable: () => undefined } as unknown as ChannelData;
  return new EslChannel(conn, data, pino({ level: 'silent' }), { commandTimeoutMs: 5000, completeGraceMs: 100 });
}

async function runDocument(ch: EslChannel, mode: Mode, commands: number): Promise<void> {
  let signal = ch.signal;
  let done = (): void => {};
  if (mode === 'any') {
    const point = new AbortController();
    signal = AbortSignal.any([ch.signal, point.signal]);
  } else if (mode === 'scope') {
    const scope = ch.openScope();
    signal = scope;
    done = () => ch.closeScope(scope);
  }
  for (let i = 0; i < commands; i++) await ch.api(`uuid_getvar ${ch.uuid} x`, { signal });
  done();
}

/** CPU nanoseconds per command of `documents` documents in `mode`. */
async function measure(mode: Mode, documents: number, commands: number): Promise<number> {
  const ch = channel();
  // What the previous mode left to collect is not this mode's cost.
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.cpuUsage();
  for (let d = 0; d < documents; d++) await runDocument(ch, mode, commands);
  const used = process.cpuUsage(before);
  return ((used.user + used.system) * 1000) / (documents * commands);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const commands = arg('commands', 10);
  const documents = arg('documents', 5000);
  const rounds = arg('rounds', 7);
  for (const mode of MODES) await measure(mode, Math.ceil(documents / 5), commands); // warm-up
  const figures: Record<Mode, number[]> = { call: [], any: [], scope: [] };
  for (let r = 0; r < rounds; r++) {
    for (const mode of MODES) figures[mode].push(await measure(mode, documents, commands));
  }
  for (const mode of MODES) {
    console.log(`${mode.padEnd(5)} ${figures[mode].map((ns) => ns.toFixed(0)).join(' ')} ns per command`);
  }
  const [call, any, scope] = MODES.map((mode) => median(figures[mode]));
  console.log(`interrupt-bench call_ns=${call?.toFixed(0)} any_ns=${any?.toFixed(0)} scope_ns=${scope?.toFixed(0)}`);
}

await main();
