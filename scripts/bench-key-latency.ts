/**
 * Key latency through a `<Gather>`, driven by the FreeSWITCH simulator at real time: from the moment the caller
 * presses a key to the moment the Gather's action URL is requested, on the simulator's clock. Two cases, as
 * measured on a real switch: the key pressed after the prompt has ended (the input window's wait), and during the
 * prompt. The simulator reports a key that reaches an idle channel (the socket application's park loop) 80 ms
 * late, as the real switch did (70-95 ms), and a key an input application reads at once.
 *
 * Usage: node dist/scripts/bench-key-latency.js [--calls N] [--concurrency C]
 * Everything runs in this process, on 127.0.0.1.
 */
import type { SimulatedCall } from '../src/sim/index.js';
import { startEngine } from '../test/support/engine-harness.js';
import { onPromptEnd, onPromptStart } from '../test/support/prompt-events.js';
import { twiml } from '../test/support/twiml-server.js';
import { benchArgs } from './bench-args.js';

const PROMPT = 'https://cdn.example.com/menu.wav';
const PROMPT_MS = 300;
/** How long after the prompt's start or end the key is pressed. */
const KEY_DELAY_MS = 100;

type Case = 'after the prompt' | 'during the prompt';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

async function measure(which: Case, calls: number, concurrency: number): Promise<number[]> {
  const e = await startEngine({ timeScale: 1, sim: { mediaDurations: { [PROMPT]: PROMPT_MS } } });
  const pressedAt = new Map<string, { call: SimulatedCall; ms: number }>();
  const latencies: number[] = [];
  e.web.route('/voice', twiml(`<Gather action="/choice" numDigits="1"><Play>${PROMPT}</Play></Gather>`));
  e.web.route('/choice', (req) => {
    const sid = req.params['CallSid'] ?? '';
    const pressed = pressedAt.get(sid);
    if (pressed) latencies.push(pressed.call.nowMs() - pressed.ms);
    return twiml('<Hangup/>');
  });
  const one = async (): Promise<void> => {
    const call = e.call();
    const press = (): void => {
      setTimeout(() => {
        pressedAt.set(call.uuid, { call, ms: call.nowMs() });
        call.pressDigits('1');
      }, KEY_DELAY_MS);
    };
    if (which === 'after the prompt') onPromptEnd(call, press);
    else onPromptStart(call, press);
    await call.ended;
  };
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < calls) {
      started++;
      await one();
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await e.close();
  }
  return latencies.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const { calls, concurrency } = benchArgs(process.argv.slice(2), { integers: { calls: 100, concurrency: 10 } });
  console.log(`key to action request, simulator at real time, ${calls} calls, ${concurrency} at a time`);
  for (const which of ['after the prompt', 'during the prompt'] as const) {
    const l = await measure(which, calls, concurrency);
    console.log(`${which}: samples ${l.length}, p50 ${percentile(l, 0.5).toFixed(1)} ms, p99 ${percentile(l, 0.99).toFixed(1)} ms, ` +
      `max ${(l.at(-1) ?? NaN).toFixed(1)} ms`);
  }
}

await main();
