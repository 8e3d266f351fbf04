import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugLogLine } from '../../src/webhook/index.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { twiml } from '../support/twiml-server.js';

describe('engine: per-call debug log (pivot_debug)', () => {
  let e: EngineHarness;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pivot-debug-'));
    e = await startEngine({ webhook: { debugDir: dir, authToken: 'tok-SECRET-1', debugBodyBytes: 4096 }, call: { errorPrompt: '' } });
  });
  afterEach(async () => {
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function readLog(callSid: string): DebugLogLine[] {
    return readFileSync(join(dir, `${callSid}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DebugLogLine);
  }

  it('keeps every request and response of the call, in order, with secrets redacted', async () => {
    e.web.route('/voice', twiml('<Set><Variable key="sip_password" value="p4ss-SECRET-2"/><Variable key="team" value="blue"/></Set>' +
      '<Redirect>/next</Redirect>'));
    e.web.route('/next', twiml('<Dial><Sip username="bob" password="hunter-SECRET-3">sip:bob@example.com</Sip></Dial>' +
      '<Redirect>/broken</Redirect>'));
    e.web.route('/broken', { status: 500, body: 'oops', contentType: 'text/plain' });
    e.web.route('/status', { status: 204, body: '', contentType: 'text/plain' });
    const voiceUrl = e.web.url('/voice?token=q-SECRET-4&page=1').replace('http://', 'http://alice:pw-SECRET-5@');
    const call = e.call({ variables: { pivot_voice_url: voiceUrl, pivot_debug: 'yes', pivot_status_callback: e.web.url('/status') } });
    await e.finish(call);

    const text = readFileSync(join(dir, `${call.uuid}.jsonl`), 'utf8');
    assert.deepEqual(text.match(/.{40}SECRET.{20}/g) ?? [], [], 'no token, password, signature or credential in the file');
    const lines = readLog(call.uuid);
    assert.deepEqual(lines.map((l) => `${l.sequence} ${l.method} ${new URL(l.url).pathname} ${l.status ?? '-'}`),
      ['1 POST /voice 200', '2 POST /next 200', '3 POST /broken 500', '4 POST /status 204']);
    const [first, second, third] = lines;
    assert.equal(first?.callSid, call.uuid);
    assert.equal(new URL(first?.url ?? '').searchParams.get('token'), '[redacted]');
    assert.equal(new URL(first?.url ?? '').searchParams.get('page'), '1');
    assert.equal(first?.requestHeaders?.['x-twilio-signature'], '[redacted]');
    assert.equal(first?.requestHeaders?.['authorization'], '[redacted]');
    assert.equal(first?.requestHeaders?.['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(first?.params.find(([name]) => name === 'CallSid'), ['CallSid', call.uuid]);
    assert.match(first?.responseHeaders?.['content-type'] ?? '', /text\/xml/);
    assert.match(first?.bodyExcerpt ?? '', /<Redirect>\/next<\/Redirect>/);
    assert.equal(typeof first?.timing.totalMs, 'number');
    assert.deepEqual(second?.params.find(([name]) => name === 'sip_password'), ['sip_password', '[redacted]']);
    assert.deepEqual(second?.params.find(([name]) => name === 'team'), ['team', 'blue']);
    assert.match(second?.bodyExcerpt ?? '', /password="\[redacted\]"/);
    assert.equal(third?.errorCode, 'ERR_WEBHOOK_HTTP_STATUS');
    assert.equal(third?.twilioCode, 11200);
    assert.equal(third?.bodyExcerpt, 'oops');
  });

  it('keeps nothing for a call without pivot_debug, or with it false', async () => {
    e.web.route('/voice', twiml('<Say>Hi</Say>'));
    const plain = e.call();
    await e.finish(plain);
    const off = e.call({ variables: { pivot_debug: 'false' } });
    await e.finish(off);
    assert.equal(existsSync(join(dir, `${plain.uuid}.jsonl`)), false);
    assert.equal(existsSync(join(dir, `${off.uuid}.jsonl`)), false);
  });

  it('a directory that cannot be written is logged with ERR_WEBHOOK_DEBUG_LOG; the call goes on', async () => {
    const notADir = join(dir, 'a-file');
    writeFileSync(notADir, 'x');
    const q = await startEngine({ webhook: { debugDir: join(notADir, 'debug') } });
    try {
      q.web.route('/voice', twiml('<Say>Hi</Say>'));
      const call = q.call({ variables: { pivot_debug: '1' } });
      await q.finish(call);
      assert.equal(q.h.logs.withCode('ERR_WEBHOOK_DEBUG_LOG').length, 1);
      assert.deepEqual(call.executed.map((x) => x.app), ['speak']);
    } finally {
      await q.close();
    }
  });
});
