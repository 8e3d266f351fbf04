/**
 * The simulated caller: presses keys shortly after each Gather begins (or at fixed times), talks into each
 * recording so that it is not silent, and hangs up when told to. Every action is written to the transcript.
 */
import type { CallerScript, ParsedCommand, SimulatedCall } from '../sim/index.js';

/** What the caller does. Times are FreeSWITCH milliseconds. */
export interface CallerPlan {
  /** Key groups, pressed in order: each one shortly after a Gather begins, or at `digitsAtMs` when given. */
  readonly digits: readonly string[];
  /** When given, one time per group of `digits`, counted from the moment the call reaches the server. */
  readonly digitsAtMs?: readonly number[];
  /** Hang up at this time (counted like `digitsAtMs`). */
  readonly hangupAtMs?: number;
  /** How long the caller talks when a recording starts (then falls silent). */
  readonly speechMs: number;
  /** Delay between the start of a Gather and the keys. */
  readonly gatherDelayMs: number;
}

/** Where the caller reports what it does. */
export interface CallerTrace {
  caller(text: string): void;
}

type Span = { atMs: number; durationMs: number };

/** Drives one simulated call as its caller. */
export class ScriptedCaller {
  /**
   * The script to give the simulator. Its speech list grows when a recording starts: the simulator reads it as
   * the recording begins, so the caller is heard from then on for `speechMs`.
   */
  readonly script: CallerScript;
  readonly #plan: CallerPlan;
  readonly #timeScale: number;
  readonly #trace: CallerTrace;
  readonly #speech: Span[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #call: SimulatedCall | undefined;
  #connectedAt: number | undefined;
  #nextGroup = 0;
  #over = false;

  constructor(plan: CallerPlan, timeScale: number, trace: CallerTrace) {
    this.#plan = plan;
    this.#timeScale = timeScale;
    this.#trace = trace;
    this.script = { speech: this.#speech };
  }

  /** Follows `call`: its `connect` starts the clock of timed actions, its `record` applications make it talk. */
  attach(call: SimulatedCall): void {
    this.#call = call;
    call.on('command', (cmd: ParsedCommand) => {
      if (cmd.command === 'connect' && this.#connectedAt === undefined) this.#start();
    });
    call.on('execute', (app: string) => {
      if (app === 'record') this.#talk();
    });
    call.once('hangup', () => { this.#over = true; });
    call.once('end', () => this.dispose());
  }

  /** A Gather began: the next key group is pressed shortly after, unless keys are timed. */
  gatherStarted(): void {
    if (this.#plan.digitsAtMs !== undefined) return;
    const digits = this.#plan.digits[this.#nextGroup++];
    if (digits !== undefined) this.#after(this.#plan.gatherDelayMs, () => this.#press(digits));
  }

  /** The caller hangs up now. */
  hangUp(why: string): void {
    if (this.#over || !this.#call) return;
    this.#over = true;
    this.#trace.caller(`hangs up (${why})`);
    this.#call.hangup();
  }

  /** Cancels whatever is still planned. */
  dispose(): void {
    this.#over = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #start(): void {
    this.#connectedAt = performance.now();
    const { digitsAtMs, digits, hangupAtMs } = this.#plan;
    digitsAtMs?.forEach((atMs, i) => {
      const group = digits[i];
      if (group !== undefined) this.#after(atMs, () => this.#press(group));
    });
    if (hangupAtMs !== undefined) this.#after(hangupAtMs, () => this.hangUp(`at ${hangupAtMs} ms`));
  }

  #press(digits: string): void {
    if (this.#over || !this.#call) return;
    this.#trace.caller(`presses ${digits}`);
    this.#call.pressDigits(digits);
  }

  #talk(): void {
    if (this.#over || this.#plan.speechMs <= 0) return;
    const since = this.#connectedAt ?? performance.now();
    const nowMs = (performance.now() - since) / this.#timeScale;
    this.#speech.push({ atMs: 0, durationMs: Math.ceil(nowMs) + this.#plan.speechMs });
    this.#trace.caller(`talks for ${(this.#plan.speechMs / 1000).toFixed(1)}s, then falls silent`);
  }

  /** Runs `fn` after `fsMs` FreeSWITCH milliseconds. */
  #after(fsMs: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, Math.max(0, fsMs * this.#timeScale));
    this.#timers.add(timer);
  }
}
