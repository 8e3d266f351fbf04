import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { CliIo } from '../../src/cli/cli-io.js';
import { runCli } from '../../src/cli/run-cli.js';
import { simulationOptions } from '../../src/cli/simulate-command.js';
import { runCliProcess } from './cli-process.js';

/** The package.json of the project, from dist/test/cli. */
const PACKAGE = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Runs the CLI in this process with captured output. */
async function cli(...argv: string[]): Promise<{ code: number | undefined; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env: {} };
  const code = await runCli(argv, io);
  return { code, out, err };
}

/** Arguments, help, version and usage errors of the executable. */
describe('cli: arguments', () => {
  it('version prints the version of package.json (as a process too)', async () => {
    assert.deepEqual(await cli('version'), { code: 0, out: [PACKAGE.version], err: [] });
    assert.deepEqual(await cli('--version'), { code: 0, out: [PACKAGE.version], err: [] });
    const run = await runCliProcess(['version']);
    assert.deepEqual(run, { code: 0, stdout: `${PACKAGE.version}\n`, stderr: '' });
  });

  it('--help for the executable and for each command, exit 0', async () => {
    for (const argv of [['--help'], ['help'], ['serve', '--help'], ['simulate', '--help'], ['check', '-h'], ['version', '--help']]) {
      const { code, out, err } = await cli(...argv);
      assert.equal(code, 0, argv.join(' '));
      assert.deepEqual(err, []);
      const command = argv[0]?.startsWith('-') || argv[0] === 'help' ? '<command>' : argv[0];
      assert.match(out.join('\n'), new RegExp(`^Usage: pivot-esl ${command}`), argv.join(' '));
    }
  });

  it('no command prints the help on stderr, exit 2', async () => {
    const { code, out, err } = await cli();
    assert.equal(code, 2);
    assert.deepEqual(out, []);
    assert.match(err.join('\n'), /^Usage: pivot-esl <command>/);
  });

  const usageErrors: ReadonlyArray<readonly [string[], RegExp]> = [
    [['frobnicate'], /^pivot-esl: error ERR_CLI_USAGE: unknown command "frobnicate"$/],
    [['simulate'], /^pivot-esl simulate: error ERR_CLI_USAGE: --url <voice url> is required$/],
    [['simulate', '--url', 'not a url'], /--url must be an absolute http\(s\) URL, not "not a url"/],
    [['simulate', '--url', 'ftp://h/x'], /--url must be an http\(s\) URL/],
    [['simulate', '--url', 'http://h/', '--digits', '12x'], /--digits takes DTMF keys \(0-9, \*, #, A-D\), not "12x"/],
    [['simulate', '--url', 'http://h/', '--digits', '1', '--digits-at-ms', '5', '--digits-at-ms', '9'],
      /give one --digits-at-ms per --digits \(1 --digits, 2 --digits-at-ms\)/],
    [['simulate', '--url', 'http://h/', '--digits', '1', '--digits-at-ms', 'soon'], /--digits-at-ms must be a whole number, not "soon"/],
    [['simulate', '--url', 'http://h/', '--hangup-at-ms=-5'], /--hangup-at-ms must be a whole number, not "-5"/],
    [['simulate', '--url', 'http://h/', '--method', 'PUT'], /--method must be GET or POST, not "PUT"/],
    [['simulate', '--url', 'http://h/', '--format', 'json'], /--format must be twiml or kazoo, not "json"/],
    [['simulate', '--url', 'http://h/', '--time-scale', '0'], /--time-scale must be a number above 0/],
    [['simulate', '--url', 'http://h/', '--time-scale', 'fast'], /--time-scale must be a number above 0/],
    [['simulate', '--url', 'http://h/', '--from', 'a b'], /--from must be a number or user name/],
    [['simulate', '--url', 'http://h/', '--colour', 'red'], /Unknown option '--colour'/],
    [['simulate', '--url', 'http://h/', 'extra'], /Unexpected argument 'extra'/],
    [['check'], /^pivot-esl check: error ERR_CLI_USAGE: give the TwiML file or http\(s\) URL to check, or - for standard input$/],
    [['check', 'a.xml', 'b.xml'], /check takes one file or URL, not 2/],
    [['check', 'a.xml', '--base-url', 'nope'], /--base-url must be an absolute http\(s\) URL, not "nope"/],
    [['check', 'a.xml', '--method', 'DELETE'], /--method must be GET or POST/],
    [['serve', '--port', '1'], /Unknown option '--port'/],
    [['version', 'now'], /Unexpected argument 'now'/],
  ];
  for (const [argv, message] of usageErrors) {
    it(`usage error, exit 2: ${argv.join(' ') || '(nothing)'}`, async () => {
      const { code, out, err } = await cli(...argv);
      assert.equal(code, 2);
      assert.deepEqual(out, []);
      assert.match(err[0] ?? '', message);
      assert.match(err[0] ?? '', /ERR_CLI_USAGE/);
      assert.match(err[1] ?? '', /^Run 'pivot-esl .*--help' for/);
    });
  }

  it('a bad argument given to the executable: the message on stderr, exit 2, nothing started', async () => {
    const run = await runCliProcess(['simulate', '--url', 'http://127.0.0.1:9/', '--time-scale=-1']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^pivot-esl simulate: error ERR_CLI_USAGE: --time-scale must be a number above 0 and at most 100, not "-1"\n/);
  });

  it('simulate options: defaults and every option read', () => {
    assert.deepEqual(simulationOptions(['--url', 'http://h/v']), {
      voiceUrl: 'http://h/v', digits: [], method: 'POST', format: 'twiml', timeScale: 1,
    });
    assert.deepEqual(simulationOptions(['--url', 'https://h/v?a=1', '--digits', '12#', '--digits', '*9', '--digits-at-ms', '3000',
      '--digits-at-ms', '9000', '--hangup-at-ms', '20000', '--speech-ms', '500', '--from', '+15550001', '--to', '7001',
      '--method', 'get', '--format', 'KAZOO', '--time-scale', '0.25']), {
      voiceUrl: 'https://h/v?a=1', digits: ['12#', '*9'], digitsAtMs: [3000, 9000], hangupAtMs: 20000, speechMs: 500,
      from: '+15550001', to: '7001', method: 'GET', format: 'kazoo', timeScale: 0.25,
    });
    assert.equal(simulationOptions(['-h']), 'help');
  });
});
