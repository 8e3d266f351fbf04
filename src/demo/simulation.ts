/**
 * One simulated call, end to end and in one process: the Event Socket server with the TwiML engine on a free
 * loopback port, the FreeSWITCH simulator placing a call to it, a scripted caller, and a transcript of it all.
 * Only the voice URL's server (and the URLs its TwiML names) are contacted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../log.js';
import { FsSimulator, type CallEnd, type ParsedCommand } from '../sim/index.js';
import { createCallServer } from '../server/compose.js';
import { createWebhookDispatcher, webhookDispatcherOptions } from '../webhook/index.js';
import { calleeOutcome, type CalleePlan } from './callee.js';
import { createLogTap } from './log-tap.js';
import { ScriptedCaller } from './scripted-caller.js';
import { TracingWebhookClient } from './traced-webhook.js';
import { Transcript, type LineSink } from './transcript.js';

/** A call to simulate. Times are FreeSWITCH milliseconds. */
export interface SimulationOptions {
  /** The first document's URL (the channel variable `pivot_voice_url`). */
  readonly voiceUrl: string;
  /** `pivot_voice_method` (default POST). */
  readonly method?: 'GET' | 'POST';
  /** `pivot_req_format`: Twilio parameter names (default) or Kazoo's. */
  readonly format?: 'twiml' | 'kazoo';
  /** Caller number (default 5551234). */
  readonly from?: string;
  /** Dialled number (default 7001). */
  readonly to?: string;
  /** Key groups, one per Gather (or per time in `digitsAtMs`). */
  readonly digits?: readonly string[];
  readonly digitsAtMs?: readonly number[];
  readonly hangupAtMs?: number;
  /** How long the caller talks into each recording (default 3000). */
  readonly speechMs?: number;
  /** Delay between the start of a Gather and the keys (default 1500). */
  readonly gatherDelayMs?: number;
  /** What the callee of every `<Dial>` does (default: answers at once and hangs up 2 s later). */
  readonly callee?: CalleePlan;
  /** FreeSWITCH and engine time scale: 1 is real time, 0.05 runs twenty times faster (default 1). */
  readonly timeScale?: number;
  /** Environment the configuration is read from (default: none, so only conf/default.json applies). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where transcript lines go as they are written. */
  readonly sink?: LineSink;
  /** Aborting it makes the caller hang up. */
  readonly signal?: AbortSignal;
}

/** A warning or error the server logged during the call, with its code. */
export interface LoggedProblem {
  readonly level: string;
  readonly code: string;
  readonly message: string;
}

/** How the simulated call went. */
export interface SimulationResult {
  readonly end: CallEnd;
  /** Every transcript line. */
  readonly lines: readonly string[];
  /** Every warning or error with a code the server logged, in order (a fetch that failed, invalid TwiML, ...). */
  readonly problems: readonly LoggedProblem[];
}

/** Resolves once `check` holds or `timeoutMs` has passed. */
async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}

/**
 * Runs one call from its first request to its end and resolves when every part has stopped (no timer, socket or
 * file is left behind).
 * @throws ConfigError when the configuration (conf/ and `env`) is invalid
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const timeScale = options.timeScale ?? 1;
  const transcript = new Transcript({ timeScale, ...(options.sink ? { sink: options.sink } : {}) });
  const spoolDir = mkdtempSync(join(tmpdir(), 'pivot-esl-sim-'));
  const problems: LoggedProblem[] = [];
  try {
    const config = loadConfig({
      file: undefined,
      env: options.env ?? {},
      overrides: {
        esl: { host: '127.0.0.1', port: 0, allowedSources: ['127.0.0.1/32', '::1/128'] },
        call: { record: { spoolDir } },
        log: { level: 'debug' },
      },
    });
    const caller = new ScriptedCaller({
      digits: options.digits ?? [],
      ...(options.digitsAtMs ? { digitsAtMs: options.digitsAtMs } : {}),
      ...(options.hangupAtMs === undefined ? {} : { hangupAtMs: options.hangupAtMs }),
      speechMs: options.speechMs ?? 3000,
      gatherDelayMs: options.gatherDelayMs ?? 1500,
    }, timeScale, transcript);
    const log = createLogger('debug', createLogTap({
      verb: (kind, line) => {
        transcript.verb(kind, line);
        if (kind === 'Gather') caller.gatherStarted();
      },
      problem: (level, code, message) => {
        problems.push({ level, code, message });
        transcript.problem(level, code, message);
      },
    }));
    const dispatcher = createWebhookDispatcher(webhookDispatcherOptions(config));
    const webhook = new TracingWebhookClient(config, dispatcher, transcript);
    const server = createCallServer({ config, log, webhook, timeScale });
    const sim = new FsSimulator({ timeScale, recordTranscript: false });
    try {
      const { port } = await server.listen();
      const method = options.method ?? 'POST';
      transcript.startClock();
      const call = sim.call({
        host: '127.0.0.1',
        port,
        callerIdNumber: options.from ?? '5551234',
        destinationNumber: options.to ?? '7001',
        variables: {
          pivot_voice_url: options.voiceUrl,
          pivot_voice_method: method,
          pivot_req_format: options.format ?? 'twiml',
        },
        caller: caller.script,
        ...(options.callee === undefined ? {} : { bridge: [{ match: /./, outcome: calleeOutcome(options.callee) }] }),
      });
      transcript.call(`${options.from ?? '5551234'} calls ${options.to ?? '7001'}: FreeSWITCH hands call ${call.uuid} ` +
        `to pivot-esl on 127.0.0.1:${port}; voice URL ${method} ${options.voiceUrl}`, call.uuid);
      call.on('command', (cmd: ParsedCommand) => transcript.command(cmd));
      call.on('hangup', (cause: string) => transcript.channel(`channel hung up: ${cause}`));
      caller.attach(call);
      const onAbort = (): void => caller.hangUp('interrupted');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted) onAbort();
      const end = await call.ended;
      options.signal?.removeEventListener('abort', onAbort);
      caller.dispose();
      // The engine may still owe requests after the socket closed (a recording's action): let it finish them.
      await until(() => server.activeCalls === 0, config.esl.handlerGraceMs + 1000);
      transcript.call(`ended${end.hangupCause === undefined ? '' : `: ${end.hangupCause}`}` +
        `${end.error === undefined ? '' : ` (${end.error})`}`);
      return { end, lines: transcript.lines, problems };
    } finally {
      await sim.close();
      await server.close(0);
      await dispatcher.close();
    }
  } finally {
    rmSync(spoolDir, { recursive: true, force: true });
  }
}
