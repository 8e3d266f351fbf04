/**
 * `pivot-esl call` against a whole server whose calls are placed on a simulated node: the operator's way to try the
 * Calls API sees the call go from queued to its end, and the call's TwiML runs.
 */
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/run-cli.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import { twiml } from '../support/twiml-server.js';
import { ACCOUNT_A, TOKEN_A, startCreate, type CreateHarness } from '../api/create-support.js';

async function run(argv: string[]): Promise<{ code: number | undefined; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env: {} };
  const code = await runCli(argv, io);
  return { code, out, err };
}

describe('cli: call, through a server and a simulated node', function () {
  this.timeout(20_000);
  let c: CreateHarness;
  afterEach(async () => { await c.close(); });

  const base = (): string[] => ['call', '--to', '+15559870000', '--from', '+15551230000',
    '--api', `http://127.0.0.1:${c.service.apiAddress?.port ?? 0}`, '--account', ACCOUNT_A, '--token', TOKEN_A];

  it('a call that is answered runs its Url, and the command prints it from queued to completed, exit 0', async () => {
    c = await startCreate({ originate: [{ match: /./, outcome: { type: 'answer', afterMs: 300 } }] });
    c.web.route('/voice', twiml('<Say>Hello</Say>'));
    const { code, out, err } = await run([...base(), '--url', c.web.url('/voice')]);
    assert.deepEqual(err, []);
    assert.equal(code, 0);
    const statuses = out.map((line) => line.split(' ')[1]);
    assert.equal(statuses[0], 'queued');
    assert.equal(statuses.at(-1), 'completed');
    assert.ok(statuses.includes('in-progress'), out.join('\n'));
    assert.equal(c.web.requests.filter((r) => r.path === '/voice').length, 1);
  });

  it('a busy callee: the command ends with busy, exit 4', async () => {
    c = await startCreate({ originate: [{ match: /./, outcome: { type: 'busy' } }] });
    const { code, out } = await run([...base(), '--twiml', '<Response><Say>never</Say></Response>']);
    assert.equal(code, 4);
    assert.match(out.at(-1) ?? '', / busy( \(0 s\))?$/);
  });
});
