import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** True while a process with `pid` exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * bench:api with `--node-process` places its calls on a simulated node in a process of its own, which is gone once
 * the run is over; the last line keeps its machine-readable form. Counts only: nothing here is timed.
 */
describe('bench:api --node-process', () => {
  it('runs the simulated node in a child process and reports every call', async () => {
    const script = fileURLToPath(new URL('../../scripts/bench-api.js', import.meta.url));
    const { stdout } = await run(process.execPath, [script, '--calls', '3', '--concurrency', '1', '--node-process'],
      { timeout: 15_000 });
    const lines = stdout.trim().split('\n');
    const node = /simulated node in a process of its own \(pid (\d+)\)/.exec(lines[0] ?? '');
    assert.ok(node, lines[0]);
    assert.equal(alive(Number(node[1])), false, 'the node stopped with the run');
    assert.match(lines.at(-1) ?? '', /^api-bench calls=3 first_request_p50_ms=[\d.]+ first_request_p95_ms=[\d.]+ created_p50_ms=[\d.]+ created_p95_ms=[\d.]+ calls_per_s=\d+$/);
  });
});
