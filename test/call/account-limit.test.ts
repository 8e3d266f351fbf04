import assert from 'node:assert/strict';
import { AccountLimiter } from '../../src/call/account-limiter.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { twiml } from '../support/twiml-server.js';

const LONG = 'https://cdn.example.com/long.wav';
const ACCOUNT = 'ecallmgr_Account-ID';

describe('engine: concurrent calls per account', () => {
  let e: EngineHarness;
  beforeEach(async () => {
    e = await startEngine({
      sim: { mediaDurations: { [LONG]: 60_000 } },
      call: { limits: { maxCallsPerAccount: 1, accounts: [{ accountSid: 'ACbig', maxCalls: 2 }, { accountSid: 'ACfree', maxCalls: 0 }] } },
    });
    e.web.route('/voice', twiml(`<Play>${LONG}</Play>`));
    e.web.route('/status', { status: 204, body: '', contentType: 'text/plain' });
  });
  afterEach(async () => { await e.close(); });

  function playing(account: string, variables: Record<string, string> = {}): ReturnType<EngineHarness['call']> {
    const call = e.call({ variables: { [ACCOUNT]: account, ...variables } });
    return call;
  }

  function started(call: ReturnType<EngineHarness['call']>): Promise<void> {
    return new Promise((resolve) => call.on('execute', (app: string) => { if (app === 'playback') resolve(); }));
  }

  it('refuses a call over the limit unanswered, before any request, with ERR_CALL_ACCOUNT_LIMIT', async () => {
    const first = playing('ACone');
    await started(first);
    const second = playing('ACone', { pivot_status_callback: e.web.url('/status') });
    const end = await second.ended;
    assert.equal(end.hangupCause, 'CALL_REJECTED');
    assert.deepEqual(second.executed, [], 'never answered');
    assert.equal(e.web.to('/voice').length, 1, 'no document request for the refused call');
    const [line] = e.h.logs.withCode('ERR_CALL_ACCOUNT_LIMIT');
    assert.equal(line?.['accountSid'], 'ACone');
    assert.equal(line?.['limit'], 1);
    assert.equal(e.web.to('/status')[0]?.params['CallStatus'], 'failed');
    first.hangup();
    await e.finish(first);
  });

  it('other accounts, overrides and calls without an account are counted apart', async () => {
    const calls = [playing('ACone'), playing('ACtwo'), playing('ACbig'), playing('ACbig'), playing('ACfree'), playing('ACfree'),
      e.call()];
    await Promise.all(calls.map(started));
    assert.equal(e.h.logs.withCode('ERR_CALL_ACCOUNT_LIMIT').length, 0);
    const third = playing('ACbig');
    assert.equal((await third.ended).hangupCause, 'CALL_REJECTED');
    for (const call of calls) call.hangup();
    for (const call of calls) await e.finish(call);
  });

  it('gives the slot back on every way a call ends', async () => {
    // Caller hangup, a failed fetch, a Reject, a dropped socket: the account's one slot is free again each time.
    const ends: Array<(call: ReturnType<EngineHarness['call']>) => Promise<void>> = [
      async (call) => { await started(call); call.hangup(); },
      async (call) => { await started(call); call.drop(); },
    ];
    for (const end of ends) {
      const call = playing('ACone');
      await end(call);
      await e.finish(call);
    }
    e.web.route('/voice', { status: 500, body: 'no', contentType: 'text/plain' });
    await e.finish(playing('ACone'));
    e.web.route('/voice', twiml('<Reject/>'));
    await e.finish(playing('ACone'));
    e.web.route('/voice', twiml(`<Play>${LONG}</Play>`));
    const last = playing('ACone');
    await started(last);
    last.hangup();
    await e.finish(last);
    assert.equal(e.h.logs.withCode('ERR_CALL_ACCOUNT_LIMIT').length, 0);
  });

  it('the limiter counts and releases once', async () => {
    const limiter = new AccountLimiter({ maxCallsPerAccount: 2, accounts: new Map([['ACx', 1]]) });
    const a = await limiter.acquire('ACy');
    const b = await limiter.acquire('ACy');
    assert.ok(a && b);
    assert.equal(await limiter.acquire('ACy'), undefined);
    a();
    a();
    assert.equal(limiter.activeCalls('ACy'), 1);
    assert.ok(await limiter.acquire('ACy'));
    assert.ok(await limiter.acquire('ACx'));
    assert.equal(await limiter.acquire('ACx'), undefined);
    assert.ok(await limiter.acquire('') && await limiter.acquire('') && await limiter.acquire(''));
  });
});
