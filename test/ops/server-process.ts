import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** dist/src/main.js (what `npm start` runs), from dist/test/ops. */
const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

type Line = Record<string, unknown> & { msg?: string; level?: string; code?: string };

/** How the server is started: by default `node dist/src/main.js` as this user. */
export interface ServerProcessOptions {
  /** Another command line that starts it (e.g. `npm start`); non-JSON output lines are kept as `{ msg }`. */
  readonly command?: readonly string[];
  readonly cwd?: string;
  /** More environment variables (PATH and PIVOT_CONFIG are always set). */
  readonly env?: NodeJS.ProcessEnv;
  /** The user and group to run it as (the tests must run as root to give them). */
  readonly uid?: number;
  readonly gid?: number;
}

/** The server in a child process, its JSON log lines as they come, and its exit. */
export class ServerProcess {
  readonly child: ChildProcess;
  readonly lines: Line[] = [];
  readonly exited: Promise<number | null>;
  #pending = '';
  #waiters: Array<{ match: (l: Line) => boolean; resolve: (l: Line) => void }> = [];

  constructor(configFile: string, options: ServerProcessOptions = {}) {
    const [file, ...args] = options.command ?? [process.execPath, MAIN];
    this.child = spawn(file ?? process.execPath, args, {
      env: { PATH: process.env['PATH'] ?? '', ...(options.env ?? {}), PIVOT_CONFIG: configFile },
      stdio: ['ignore', 'pipe', 'inherit'],
      ...(options.cwd !== undefined && { cwd: options.cwd }),
      ...(options.uid !== undefined && { uid: options.uid }),
      ...(options.gid !== undefined && { gid: options.gid }),
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.stdout?.on('data', (chunk: Buffer) => this.#onData(chunk.toString('utf8')));
  }

  /** Resolves with the first line (already seen or to come) that matches; rejects after `timeoutMs`. */
  waitFor(match: (l: Line) => boolean, timeoutMs = 10_000, what = 'a log line'): Promise<Line> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out waiting for ${what}:\n${this.lines.map((l) => JSON.stringify(l)).join('\n')}`));
      }, timeoutMs);
      const done = (l: Line): void => {
        clearTimeout(timer);
        resolve(l);
      };
      this.#waiters.push({ match, resolve: done });
    });
  }

  /** Waits for the listening lines; resolves with the outbound socket and admin ports. */
  async ports(): Promise<{ esl: number; admin: number }> {
    const esl = await this.waitFor((l) => l.msg === 'event socket server listening', 10_000, 'the listening line');
    const admin = await this.waitFor((l) => l.msg === 'admin server listening', 10_000, 'the admin line');
    return { esl: Number(esl['port']), admin: Number(admin['port']) };
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  /** Ends the process if a test left it running. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  #onData(text: string): void {
    this.#pending += text;
    let nl;
    while ((nl = this.#pending.indexOf('\n')) >= 0) {
      const raw = this.#pending.slice(0, nl);
      this.#pending = this.#pending.slice(nl + 1);
      if (raw.trim() === '') continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        line = { msg: raw };
      }
      this.lines.push(line);
      for (const w of [...this.#waiters]) {
        if (w.match(line)) {
          this.#waiters = this.#waiters.filter((x) => x !== w);
          w.resolve(line);
        }
      }
    }
  }
}
