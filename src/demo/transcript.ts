/**
 * The readable transcript of a simulated call: the HTTP requests (method, URL, parameters) and their replies, the
 * verbs as the engine runs them, the FreeSWITCH commands the server sends, and what the caller does, each line
 * stamped with the call time (FreeSWITCH time, so a call simulated faster still reads in real seconds).
 */
import type { ParsedCommand } from '../sim/index.js';
import type { TwimlDocument, Verb } from '../twiml/index.js';
import type { Params } from '../webhook/index.js';
import { describeVerb } from './verb-summary.js';

/** Receives each finished line (e.g. writes it to stdout). */
export type LineSink = (line: string) => void;

/** Options of a {@link Transcript}. */
export interface TranscriptOptions {
  /** Where lines go as they are written; they are also kept in {@link Transcript.lines}. */
  readonly sink?: LineSink;
  /** The simulator's time scale: times are shown as call time (real time divided by the scale). */
  readonly timeScale: number;
  /** Lines are wrapped at this width (default 110). */
  readonly width?: number;
}

/** The kinds of line, shown in the second column. */
export type TranscriptTag = 'call' | 'http' | 'verb' | 'fs' | 'caller' | 'note';

const TAG_WIDTH = 7;
const TIME_WIDTH = 9;

/** Writes a call transcript. One instance per call. */
export class Transcript {
  /** Every line written so far. */
  readonly lines: string[] = [];
  readonly #sink: LineSink | undefined;
  readonly #timeScale: number;
  readonly #width: number;
  #t0 = performance.now();
  #uuid: string | undefined;
  #verbs: readonly Verb[] = [];
  #nextVerb = 0;

  constructor(options: TranscriptOptions) {
    this.#sink = options.sink;
    this.#timeScale = options.timeScale > 0 ? options.timeScale : 1;
    this.#width = options.width ?? 110;
  }

  /** Call time elapsed since the transcript started, in milliseconds. */
  get elapsedMs(): number {
    return (performance.now() - this.#t0) / this.#timeScale;
  }

  /** Counts time from now on (e.g. from the moment the call is placed). */
  startClock(): void {
    this.#t0 = performance.now();
  }

  /** A line about the call as a whole. `uuid` is shortened in the FreeSWITCH lines that follow. */
  call(text: string, uuid?: string): void {
    if (uuid !== undefined) this.#uuid = uuid;
    this.#emit('call', text);
  }

  /** An HTTP request the server makes, with its parameters (`detail` describes a body that is not a form). */
  request(method: string, url: string, params: Params, detail?: string): void {
    this.#emit('http', `${method} ${url}${detail === undefined ? '' : `  (${detail})`}`);
    if (params.length > 0) this.#emit(undefined, params.map(([name, value]) => `${name}=${shown(value)}`).join('  '), 2);
  }

  /** The outcome of the last request. */
  reply(text: string): void {
    this.#emit('http', `<- ${text}`);
  }

  /** The document that the verbs to come belong to (undefined: none will run). */
  document(doc: TwimlDocument | undefined): void {
    this.#verbs = doc?.verbs ?? [];
    this.#nextVerb = 0;
  }

  /** The engine starts a verb of the current document: `kind` at `line`. */
  verb(kind: string, line: number | undefined): void {
    let found: Verb | undefined;
    for (let i = this.#nextVerb; i < this.#verbs.length; i++) {
      const candidate = this.#verbs[i];
      if (candidate?.kind === kind && (line === undefined || candidate.position.line === line)) {
        found = candidate;
        this.#nextVerb = i + 1;
        break;
      }
    }
    const where = line === undefined ? '' : `  (line ${line})`;
    this.#emit('verb', `${found ? describeVerb(found) : kind}${where}`);
  }

  /** A command the server sent to FreeSWITCH. */
  command(cmd: ParsedCommand): void {
    this.#emit('fs', this.#short(commandText(cmd)));
  }

  /** Something FreeSWITCH reports about the channel. */
  channel(text: string): void {
    this.#emit('fs', `* ${this.#short(text)}`);
  }

  /** What the simulated caller does. */
  caller(text: string): void {
    this.#emit('caller', text);
  }

  /** A warning or error the server logged, with its code. */
  problem(level: string, code: string, message: string): void {
    this.#emit('note', `${level} ${code}: ${message}`);
  }

  /** Any other remark. */
  note(text: string): void {
    this.#emit('note', text);
  }

  #short(text: string): string {
    const uuid = this.#uuid;
    return uuid === undefined ? text : text.split(uuid).join(`${uuid.slice(0, 8)}…`);
  }

  /** Writes `text` wrapped to the width; `tag` undefined continues the previous entry, indented by `indent`. */
  #emit(tag: TranscriptTag | undefined, text: string, indent = 0): void {
    const time = tag === undefined ? '' : `${(this.elapsedMs / 1000).toFixed(2)}s`;
    const head = `${time.padStart(TIME_WIDTH)}  ${(tag ?? '').padEnd(TAG_WIDTH)} ${' '.repeat(indent)}`;
    const pad = ' '.repeat(head.length);
    const room = Math.max(20, this.#width - head.length);
    wrap(text, room).forEach((part, i) => this.#write(`${i === 0 ? head : pad}${part}`.trimEnd()));
  }

  #write(line: string): void {
    this.lines.push(line);
    this.#sink?.(line);
  }
}

/** A parameter value as shown: quoted when empty or when it has spaces. */
function shown(value: string): string {
  return value === '' || /\s|"/.test(value) ? JSON.stringify(value) : value;
}

/** A command as one line: `execute <app> <arg>` for sendmsg execute, the command line otherwise. */
export function commandText(cmd: ParsedCommand): string {
  if (cmd.command !== 'sendmsg' && !cmd.command.startsWith('sendmsg ')) return cmd.command;
  const header = (name: string): string | undefined => {
    const key = Object.keys(cmd.headers).find((k) => k.toLowerCase() === name);
    return key === undefined ? undefined : cmd.headers[key];
  };
  const what = header('call-command') ?? '';
  if (what === 'execute') {
    const arg = header('execute-app-arg') ?? cmd.body ?? '';
    const loops = header('loops');
    return `execute ${header('execute-app-name') ?? ''}${arg === '' ? '' : ` ${arg}`}${loops === undefined ? '' : ` (loops ${loops})`}`;
  }
  if (what === 'hangup') return `hangup ${header('hangup-cause') ?? ''}`.trimEnd();
  return `sendmsg ${what}`.trimEnd();
}

/**
 * Splits `text` at spaces into lines of at most `width` characters. A word longer than that (a URL) stays whole,
 * next to a short word before it (`PUT <url>`).
 */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const [, sep = '', word = ''] of paragraph.matchAll(/( *)([^ ]+)/g)) {
      if (line === '') line = word;
      else if (line.length + sep.length + word.length <= width || line.length < width / 4) line += sep + word;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  return out;
}
