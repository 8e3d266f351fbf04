import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** dist/src/cli.js, from dist/test/cli. */
export const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
/** dist/src/demo/main.js, from dist/test/cli. */
export const DEMO = fileURLToPath(new URL('../../src/demo/main.js', import.meta.url));

/** How a child process ended. */
export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node <script> ...args` without blocking this process's event loop (so that a web server in the test can
 * answer it); rejects when it takes longer than `timeoutMs`. `input`, when given, is written to its standard input,
 * which is then closed.
 */
export function runNode(script: string, args: readonly string[], timeoutMs = 15_000,
  env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '' }, input?: string): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [script, ...args], { timeout: timeoutMs, env }, (err, stdout, stderr) => {
      if (err && err.killed) {
        reject(new Error(`node ${script} ${args.join(' ')} did not end within ${timeoutMs} ms\n${stdout}\n${stderr}`));
        return;
      }
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs the compiled `pivot-esl` executable. */
export function runCliProcess(args: readonly string[], timeoutMs?: number): Promise<ProcessResult> {
  return runNode(CLI, args, timeoutMs);
}

/** Runs the compiled `pivot-esl` executable with `input` on its standard input. */
export function runCliWithInput(args: readonly string[], input: string): Promise<ProcessResult> {
  return runNode(CLI, args, undefined, undefined, input);
}

/** Transcript lines without their time column, with runs of spaces collapsed: `http POST http://…`. */
export function untimed(output: string | readonly string[]): string[] {
  const lines = typeof output === 'string' ? output.split('\n') : output;
  return lines.map((line) => line.replace(/^\s*\d+\.\d\ds(?=\s)/, '').replace(/\s+/g, ' ').trim()).filter((l) => l !== '');
}

/**
 * Asserts that `lines` contain a line matching each of `expected`, in that order (a string matches a line that
 * contains it). Returns nothing; throws with the missing step and the lines.
 */
export function assertInOrder(lines: readonly string[], expected: ReadonlyArray<string | RegExp>): void {
  let at = 0;
  for (const want of expected) {
    const found = lines.findIndex((line, i) => i >= at && (typeof want === 'string' ? line.includes(want) : want.test(line)));
    if (found < 0) {
      throw new Error(`no line matching ${String(want)} after line ${at}:\n${lines.map((l, i) => `${i}: ${l}`).join('\n')}`);
    }
    at = found + 1;
  }
}
