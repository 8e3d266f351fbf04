/**
 * The demo: a complete call with no FreeSWITCH and no network beyond loopback. The sample IVR app, the server
 * and the FreeSWITCH simulator run in this process; the caller presses 1 (sales), then 2 (leave a message),
 * talks, and the call ends after the app has stored the recording.
 */
import { startIvrApp, type IvrRecording, type IvrRequest } from './ivr-app.js';
import { runSimulation, type SimulationResult } from './simulation.js';
import type { LineSink } from './transcript.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Where the output lines go. */
  readonly sink: LineSink;
  /** Simulated time scale (default 0.04: a 40-second call takes under two seconds). */
  readonly timeScale?: number;
}

/** What the demo did. */
export interface DemoResult {
  readonly simulation: SimulationResult;
  /** Requests the sample app received, in order. */
  readonly requests: readonly IvrRequest[];
  readonly recordings: readonly IvrRecording[];
}

/** The keys the demo caller presses: 1 at the main menu, 2 at the sales menu. */
export const DEMO_DIGITS: readonly string[] = ['1', '2'];

/** Runs the demo call and writes its transcript to `sink`. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { sink } = options;
  const timeScale = options.timeScale ?? 0.04;
  const app = await startIvrApp();
  try {
    sink(`pivot-esl demo: a sample IVR app at ${app.url('/ivr')}, the server and a simulated FreeSWITCH, all in`);
    sink(`this process. The caller presses ${DEMO_DIGITS.join(', then ')} and leaves a message. Times are call time`);
    sink(`(simulated ${Math.round(1 / timeScale)} times faster than real time).`);
    sink('');
    const simulation = await runSimulation({
      voiceUrl: app.url('/ivr'),
      from: '+15551230001',
      to: '+15559870002',
      digits: DEMO_DIGITS,
      timeScale,
      sink,
    });
    sink('');
    sink(`The sample app answered ${app.requests.length} requests and stored ${app.recordings.length} recording(s):`);
    for (const r of app.recordings) sink(`  ${r.path} (${r.contentType ?? 'no content type'}, ${r.bytes} bytes)`);
    return { simulation, requests: [...app.requests], recordings: [...app.recordings] };
  } finally {
    await app.close();
  }
}
