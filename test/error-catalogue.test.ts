import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOGUE, type ErrorCode } from '../src/errors.js';
import { logCode } from '../src/log-code.js';
import { createLogger } from '../src/log.js';
import { ERRORS_DOC_PATH, renderErrorsDoc } from '../scripts/errors-doc.js';
import { LogCapture } from './support/harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('error catalogue', () => {
  it('docs/errors.md is the list generated from the catalogue (run `npm run docs:errors` after changing it)', () => {
    const committed = readFileSync(join(ROOT, ERRORS_DOC_PATH), 'utf8');
    assert.equal(committed, renderErrorsDoc(), `${ERRORS_DOC_PATH} is out of date: run npm run docs:errors`);
  });

  it('the generated list has one row per code, with its Twilio number, level, meaning and advice', () => {
    const doc = renderErrorsDoc();
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
      assert.ok(row, `${code} has a row`);
      assert.ok(row.includes(` | ${entry.level} | `), `${code} shows its level`);
      if ('twilio' in entry) assert.ok(row.includes(`[${entry.twilio}](`), `${code} links Twilio ${entry.twilio}`);
    }
    assert.match(doc, /\| `ERR_WEBHOOK_TIMEOUT` \| \[11200\]\(https:\/\/www\.twilio\.com\/docs\/api\/errors\/11200\) \| warn \|/);
    assert.match(doc, /\| `ERR_TWIML_SKIPPED` \| {2}\| warn \| a Twilio TwiML verb/);
    assert.match(doc, /normal end of a call[^]*logged at info with an `outcome`[^]*and no code/);
    assert.match(doc, /\| `ERR_CALL_HANGUP` \| {2}\| info \| .*never logged as a failure/);
  });

  it('every code tells the operator what to do', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      assert.ok(entry.text.length > 10, `${code} says what it means`);
      assert.ok(entry.action.length > 5, `${code} says what to do`);
    }
  });

  it('the command line reports its own codes from the catalogue', () => {
    const cli: ErrorCode[] = ['ERR_CLI_USAGE', 'ERR_CLI_READ'];
    for (const code of cli) assert.ok(ERROR_CATALOGUE[code].text.includes('pivot-esl'));
  });

  it('no log call in src/ writes a code itself: a code written in the source goes through logCode', () => {
    const src = join(ROOT, 'src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const raw = files.flatMap((file) => [...readFileSync(join(src, file), 'utf8')
      .matchAll(/\.(?:fatal|error|warn|info|debug)\(\{[^}]*'ERR_[A-Z_]+'/g)].map((m) => `${file}: ${m[0]}`));
    assert.ok(files.length > 50);
    assert.deepEqual(raw, []);
  });

  it('logCode logs each code at the catalogue level, with the code and the fields', () => {
    const logs = new LogCapture();
    const log = createLogger('debug', logs);
    const codes: ErrorCode[] = ['ERR_TWIML_SKIPPED', 'ERR_QUEUE_FULL', 'ERR_INTERNAL', 'ERR_ABORTED', 'ERR_SPOOL_UNUSABLE'];
    for (const code of codes) logCode(log, code, { verb: 'Start' }, `reported ${code}`);
    log.flush();
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      assert.deepEqual(logs.lines.map((l) => [l.code, l.level, l['verb'], l.msg]),
        codes.map((code) => [code, ERROR_CATALOGUE[code].level, 'Start', `reported ${code}`]));
    });
  });
});
