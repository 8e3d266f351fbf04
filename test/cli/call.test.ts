import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/run-cli.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import { AppError } from '../../src/errors.js';
import { ACCOUNT_A, TOKEN_A, startApi, type ApiHarness } from '../api/api-support.js';

/** What a command printed, and its exit code. */
async function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | undefined; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env };
  const code = await runCli(argv, io);
  return { code, out, err };
}

/**
 * `pivot-esl call` against a Calls API listener over a MemoryCallsService whose call moves to the next scripted
 * status at each fetch, so that every status the command can see is seen.
 */
describe('cli: call', () => {
  let api: ApiHarness;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  const base = (): string[] => ['call', '--to', '+15551230001', '--from', '+15559870002', '--api', api.origin,
    '--account', ACCOUNT_A, '--token', TOKEN_A];

  it('creates the call with --url and --method, prints each status until it completes, exits 0', async () => {
    api.service.progress.push('ringing', 'ringing', 'in-progress', 'in-progress', 'completed');
    const { code, out, err } = await run([...base(), '--url', 'https://app.example.com/voice', '--method', 'GET']);
    assert.deepEqual(err, []);
    assert.equal(code, 0);
    const sid = api.service.created.length === 1 ? [...api.service.calls.values()][0]?.sid : undefined;
    assert.match(sid ?? '', /^CA[0-9a-f]{32}$/);
    assert.deepEqual(out, [`${sid} queued`, `${sid} ringing`, `${sid} in-progress`, `${sid} completed`]);
    assert.equal(api.service.created[0]?.url?.href, 'https://app.example.com/voice');
    assert.equal(api.service.created[0]?.method, 'GET');
  });

  it('--twiml is sent as Twiml; the token may come from PIVOT_AUTH_TOKEN and the account from call.accountSid', async () => {
    api.service.progress.push('completed');
    const { code } = await run(['call', '--to', '+1', '--from', '+2', '--api', api.origin, '--twiml', '<Response><Hangup/></Response>'],
      { PIVOT_AUTH_TOKEN: TOKEN_A, PIVOT_ACCOUNT_SID: ACCOUNT_A.slice(2) });
    assert.equal(code, 0);
    assert.equal(api.service.created[0]?.twiml, '<Response><Hangup/></Response>');
    assert.equal(api.service.created[0]?.accountSid, ACCOUNT_A);
  });

  for (const [status, exit] of [['busy', 4], ['no-answer', 5], ['failed', 6], ['canceled', 7]] as const) {
    it(`a call that ends ${status} exits ${exit}`, async () => {
      api.service.progress.push('ringing', status);
      const { code, out } = await run([...base(), '--url', 'https://app.example.com/voice']);
      assert.equal(code, exit);
      assert.match(out.at(-1) ?? '', new RegExp(` ${status}$`));
    });
  }

  it('a refusal of the API exits 3 with Twilio\'s code and message', async () => {
    api.service.failWith = new AppError('ERR_DIAL_NUMBER_REFUSED', 'The number is not dialable');
    const refused = await run([...base(), '--url', 'https://app.example.com/voice']);
    assert.equal(refused.code, 3);
    assert.match(refused.err.join('\n'), /ERR_CLI_API \(Twilio 13223\): 400: The number is not dialable/);
    const badToken = await run([...base().slice(0, -1), 'wrong', '--url', 'https://app.example.com/voice']);
    assert.equal(badToken.code, 3);
    assert.match(badToken.err.join('\n'), /Twilio 20003/);
  });

  it('an API that cannot be reached exits 1', async () => {
    const address = api.origin;
    await api.close();
    const { code, err } = await run(['call', '--to', '+1', '--from', '+2', '--api', address, '--account', ACCOUNT_A,
      '--token', TOKEN_A, '--url', 'https://app.example.com/voice']);
    assert.equal(code, 1);
    assert.match(err.join('\n'), /cannot be reached/);
  });

  const usage: Array<[string, string[]]> = [
    ['no --to', ['call', '--from', '+2', '--url', 'https://a.example/v', '--token', 't', '--account', ACCOUNT_A]],
    ['both --url and --twiml', ['call', '--to', '+1', '--from', '+2', '--url', 'https://a.example/v', '--twiml', '<Response/>', '--token', 't', '--account', ACCOUNT_A]],
    ['--method without --url', ['call', '--to', '+1', '--from', '+2', '--twiml', '<Response/>', '--method', 'GET', '--token', 't', '--account', ACCOUNT_A]],
    ['a bad --method', ['call', '--to', '+1', '--from', '+2', '--url', 'https://a.example/v', '--method', 'PUT', '--token', 't', '--account', ACCOUNT_A]],
    ['a bad --account', ['call', '--to', '+1', '--from', '+2', '--url', 'https://a.example/v', '--token', 't', '--account', 'ACxyz']],
    ['no token', ['call', '--to', '+1', '--from', '+2', '--url', 'https://a.example/v', '--account', ACCOUNT_A]],
  ];
  for (const [what, argv] of usage) {
    it(`${what}: usage error, exit 2, nothing sent`, async () => {
      const { code, err } = await run(argv);
      assert.equal(code, 2);
      assert.match(err[0] ?? '', /ERR_CLI_USAGE/);
      assert.equal(api.service.created.length, 0);
    });
  }
});
