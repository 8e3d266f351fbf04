/**
 * The load side of `npm run bench:calls` and `npm run soak`: calls that replay the FreeSWITCH simulator's bytes of
 * one recorded IVR call (bench-calls-template.ts) instead of running the full simulator, which on two cores would
 * saturate before the server does (see bench-esl-load.ts). Each command the server sends is checked against the
 * recording (a different command counts as a mismatch and drops the call); FreeSWITCH's reply is written at once,
 * the application's events `paceMs` ± 50 % later (0: at once), the caller's key another pace later. A `record`
 * command writes the recorded WAV file where the command says, as FreeSWITCH would, before its completion is sent.
 *
 * With the IVR web app's observer it times what the server adds (the load generator's own scheduling included),
 * on the same intervals as the server's probe (bench-calls-probe.ts): from the latest events written to a call
 * (command replies start nothing) or HTTP response, to the call's first HTTP request and first command after it:
 * - eslToHttp: events written -> the call's HTTP request received (a recording's completion -> its upload);
 * - httpToEsl: an HTTP response written -> the call's next command received;
 * - dtmfToAction: the key's DTMF event (and the input application's completion it brings) written -> the Gather
 *   action request received;
 * - httpToHttp: an HTTP response written -> the call's next HTTP request (after an upload, after a Redirect).
 */
import { writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { commandKey, type Burst, type CallTemplate, UUID_LENGTH } from './bench-calls-template.js';
import type { WebObserver } from './bench-calls-web.js';
import { stampNow } from './bench-stamp.js';

export type LatencyKind = 'eslToHttp' | 'httpToEsl' | 'dtmfToAction' | 'httpToHttp';
export const LATENCY_KINDS: readonly LatencyKind[] = ['eslToHttp', 'httpToEsl', 'dtmfToAction', 'httpToHttp'];

export interface ReplayOptions {
  readonly host: string;
  readonly port: number;
  /** How long an application "runs" before its events are sent: 0 = at once; otherwise pace ± 50 %. */
  readonly paceMs: number;
  /** Applications whose completion is never sent (the call stays parked until it is dropped). */
  readonly holdApps?: readonly string[];
}

/** How one replayed call went. */
export interface CallOutcome {
  /** Every recorded step was played and the call was closed as recorded. */
  readonly completed: boolean;
  readonly mismatch?: string;
}

/** The latest start of an interval: events written (`esl`, `dtmf` with a key) or an HTTP response (`http`). */
interface Since {
  readonly at: number;
  readonly from: 'esl' | 'dtmf' | 'http';
  timedHttp: boolean;
  timedEsl: boolean;
}

interface CallState {
  readonly uuid: string;
  readonly socket: Socket;
  since: Since | undefined;
}

const MAX_CONNECTING = 64;

/** Replays calls from one template; start as many as wanted; each reports its outcome once closed. */
export class ReplayLoad {
  readonly samples: Record<LatencyKind, number[]> = { eslToHttp: [], httpToEsl: [], dtmfToAction: [], httpToHttp: [] };
  measuring = false;
  started = 0;
  ended = 0;
  completed = 0;
  mismatches = 0;
  /** Calls parked in a held application. */
  held = 0;
  lastMismatch = '';
  /** Called when a call has closed. */
  onEnd: ((outcome: CallOutcome) => void) | undefined;
  readonly #template: CallTemplate;
  readonly #options: ReplayOptions;
  readonly #calls = new Map<string, CallState>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #waiting: Array<() => void> = [];
  readonly #prefix: string;
  #connecting = 0;
  #serial = 0;

  constructor(template: CallTemplate, options: ReplayOptions) {
    this.#template = template;
    this.#options = options;
    this.#prefix = `${template.uuid.slice(0, 24)}${process.pid.toString(16).padStart(4, '0').slice(-4)}`;
  }

  /** Calls open now. */
  get openCalls(): number {
    return this.#calls.size;
  }

  /** Timing hooks for the IVR web app. */
  readonly observer: WebObserver = {
    request: (callSid) => {
      const since = this.#calls.get(callSid)?.since;
      if (!since || since.timedHttp) return;
      since.timedHttp = true;
      const kind = since.from === 'http' ? 'httpToHttp' : since.from === 'dtmf' ? 'dtmfToAction' : 'eslToHttp';
      if (this.measuring) this.samples[kind].push(performance.now() - since.at);
    },
    responded: (callSid) => {
      const call = this.#calls.get(callSid);
      if (call) call.since = { at: performance.now(), from: 'http', timedHttp: false, timedEsl: false };
    },
  };

  /** Places one call (connections are opened at most 64 at a time, as FreeSWITCH's socket app would queue). */
  start(): void {
    this.started++;
    const uuid = `${this.#prefix}${(this.#serial++).toString(16).padStart(8, '0')}`;
    if (uuid.length !== UUID_LENGTH) throw new Error('bad uuid length');
    if (this.#connecting < MAX_CONNECTING) this.#open(uuid);
    else this.#waiting.push(() => this.#open(uuid));
  }

  /** Drops every open call and forgets pending work. */
  close(): void {
    this.#waiting.length = 0;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const call of this.#calls.values()) call.socket.destroy();
  }

  #open(uuid: string): void {
    this.#connecting++;
    const socket = connect({ host: this.#options.host, port: this.#options.port, noDelay: true });
    const call: CallState = { uuid, socket, since: undefined };
    this.#calls.set(uuid, call);
    let connected = false;
    const connectDone = (): void => {
      if (connected) return;
      connected = true;
      this.#connecting--;
      this.#waiting.shift()?.();
    };
    socket.once('connect', connectDone);
    socket.on('error', () => undefined);
    let step = 0;
    let finished = false;
    let mismatch: string | undefined;
    socket.on('close', () => {
      connectDone();
      // Whichever side closed the socket first (the server after its `exit`, or FreeSWITCH), a call that got every
      // command of the recording has run its whole script.
      if (mismatch === undefined && step === this.#template.steps.length) finished = true;
      this.#calls.delete(uuid);
      this.ended++;
      if (finished) this.completed++;
      this.onEnd?.(mismatch === undefined ? { completed: finished } : { completed: false, mismatch });
    });
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
      for (;;) {
        let start = 0;
        while (pending[start] === 10) start++;
        const end = pending.indexOf('\n\n', start);
        if (end < 0) break;
        const head = pending.toString('latin1', start, end);
        const lengthAt = head.indexOf('Content-Length: ');
        const length = lengthAt < 0 ? 0 : Number.parseInt(head.slice(lengthAt + 16), 10);
        if (pending.length < end + 2 + length) break;
        const text = length > 0 ? `${head}\n\n${pending.toString('latin1', end + 2, end + 2 + length)}` : head;
        pending = pending.subarray(end + 2 + length);
        const expected = this.#template.steps[step];
        const key = commandKey(text);
        if (!expected || expected.key !== key) {
          mismatch = `command #${step}: expected ${expected?.key ?? 'nothing'}, got ${key}`;
          this.mismatches++;
          this.lastMismatch = mismatch;
          socket.destroy();
          return;
        }
        step++;
        const since = call.since;
        if (since && !since.timedEsl) {
          since.timedEsl = true;
          if (this.measuring && since.from === 'http') this.samples.httpToEsl.push(performance.now() - since.at);
        }
        this.#answer(call, expected.bursts, text, expected.key, () => {
          if (!expected.closeAfter) return;
          finished = true;
          socket.end();
        });
      }
    });
  }

  /** Writes a step's bursts: the first now, each next one a pace later (after the recording file, if any). */
  #answer(call: CallState, bursts: readonly Burst[], command: string, key: string, done: () => void): void {
    const appUuid = /Event-UUID: (\S+)/.exec(command)?.[1] ?? '';
    const write = (burst: Burst): void => {
      if (call.socket.destroyed) return;
      call.socket.write(patch(burst, call.uuid, appUuid));
      // Events (stamped, as the server's probe sees them) start an interval; a command's reply does not.
      if (burst.stampAt.length > 0) {
        call.since = { at: performance.now(), from: burst.dtmf ? 'dtmf' : 'esl', timedHttp: false, timedEsl: false };
      }
    };
    const [first, ...later] = bursts;
    if (first) write(first);
    const held = this.#options.holdApps?.some((app) => key === `sendmsg ${app}`) ?? false;
    if (held) {
      this.held++;
      return;
    }
    const sendLater = (index: number): void => {
      const burst = later[index];
      if (!burst) {
        done();
        return;
      }
      if (this.#options.paceMs === 0) {
        write(burst);
        sendLater(index + 1);
        return;
      }
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        write(burst);
        sendLater(index + 1);
      }, this.#options.paceMs * (0.5 + Math.random()));
      this.#timers.add(timer);
    };
    if (key === 'sendmsg record') {
      const path = /execute-app-arg: (\S+)/.exec(command)?.[1] ?? '';
      void writeFile(path, this.#template.wav).catch(() => undefined).then(() => sendLater(0));
    } else sendLater(0);
  }
}

/** A copy of the burst with this call's uuid and Application-UUID written in their places. */
function patch(burst: Burst, uuid: string, appUuid: string): Buffer {
  const bytes = Buffer.allocUnsafe(burst.bytes.length);
  burst.bytes.copy(bytes);
  for (const at of burst.uuidAt) bytes.write(uuid, at, 'latin1');
  if (appUuid.length === UUID_LENGTH) for (const at of burst.appUuidAt) bytes.write(appUuid, at, 'latin1');
  if (burst.stampAt.length > 0) {
    const now = stampNow();
    for (const at of burst.stampAt) bytes.write(now, at, 'latin1');
  }
  return bytes;
}
