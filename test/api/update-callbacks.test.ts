/**
 * The callbacks an update gives a call, through Twilio's Node client against a whole server and the FreeSWITCH
 * simulator: `StatusCallback` moves the call's status callbacks (an arriving call, a created call still ringing),
 * a call that had none gets its `completed` there with its duration, and `FallbackUrl` with `Url` is used when the
 * new document fails.
 */
import assert from 'node:assert/strict';
import type twilio from 'twilio';
import { callSidOfUuid } from '../../src/api/sids.js';
import type { SimulatedCall } from '../../src/sim/index.js';
import { startService, type ServiceHarness } from '../ops/service-support.js';
import { apps, appLines, loopbackLookup } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { twiml, type TwimlServer } from '../support/twiml-server.js';
import { ACCOUNT_A, loopbackClient, TOKEN_A } from './api-support.js';
import { callbacks, startCreate, statusOf, until, type CreateHarness } from './create-support.js';

/** The Kazoo account id the simulated calls carry: account A's digits. */
const KAZOO_ACCOUNT = ACCOUNT_A.slice(2);

/** A document that answers, then waits `seconds` of the simulator's time (a hundredth of them on the wall clock). */
function answerThenPause(seconds: number): string {
  return `<Say>Hello.</Say><Pause length="${seconds}"/>`;
}

/** The requests the web app received at `path`. */
function at(web: TwimlServer, path: string): TwimlServer['requests'] {
  return web.requests.filter((r) => r.path === path);
}

describe('Calls API update: StatusCallback and FallbackUrl', function () {
  this.timeout(20_000);

  describe('calls that arrive', () => {
    let s: ServiceHarness;
    let client: twilio.Twilio;
    beforeEach(async () => {
      s = await startService({
        api: { enabled: true, port: 0, host: '127.0.0.1' },
        webhook: { authToken: 'default-token', accountAuthTokens: [{ accountSid: ACCOUNT_A, authToken: TOKEN_A }] },
      }, loopbackLookup);
      client = loopbackClient(`http://127.0.0.1:${s.service.apiAddress?.port ?? 0}`, ACCOUNT_A, TOKEN_A);
      s.web.route('/old', { status: 204, body: '', contentType: null });
      s.web.route('/new', { status: 204, body: '', contentType: null });
    });
    afterEach(async () => {
      await s.close();
    });

    function place(variables: Record<string, string> = {}): SimulatedCall {
      return s.call({ callerIdNumber: '+15550001111', destinationNumber: '+15550002222',
        variables: { 'ecallmgr_Account-ID': KAZOO_ACCOUNT, ...variables } });
    }

    it('a call with a status callback: the events after the update go to the new URL and method, in sequence', async () => {
      s.web.route('/voice', twiml(answerThenPause(600)));
      const call = place({ pivot_status_callback: s.web.url('/old'),
        pivot_status_callback_event: 'initiated ringing answered completed' });
      // The first callback is answered late: the next ones are due, waiting their turn, when the update comes.
      s.web.route('/old', (req) => ({ status: 204, body: '', contentType: null,
        ...(req.params['CallStatus'] === 'initiated' && { delayMs: 1000 }) }));
      await eventually(() => apps(call).includes('sleep'), 5000, 'the pause');
      const sid = callSidOfUuid(call.uuid);
      await client.calls(sid).update({ statusCallback: s.web.url('/new'), statusCallbackMethod: 'GET' });
      assert.equal(at(s.web, '/old').length, 1, 'ringing and answered are still to be sent');
      assert.equal(apps(call).includes('hangup'), false, 'the call goes on');
      await eventually(() => callbacks(s.web, '/old').length === 3, 3000, 'the callbacks due before the update');
      await client.calls(sid).update({ status: 'completed' });
      await call.ended;
      await eventually(() => at(s.web, '/new').length === 1, 3000, 'the completed callback');
      assert.deepEqual(callbacks(s.web, '/old'), ['initiated:0', 'ringing:1', 'in-progress:2']);
      assert.deepEqual(callbacks(s.web, '/new'), ['completed:3']);
      assert.equal(at(s.web, '/new')[0]?.method, 'GET');
    });

    it('a call without one gets `completed` at the URL given, with its duration from the answer', async () => {
      s.web.route('/voice', twiml(answerThenPause(200)));
      const call = place();
      await eventually(() => apps(call).includes('sleep'), 5000, 'the pause');
      await client.calls(callSidOfUuid(call.uuid)).update({ statusCallback: s.web.url('/new') });
      await call.ended;
      await eventually(() => at(s.web, '/new').length === 1, 3000, 'the completed callback');
      const [completed] = at(s.web, '/new');
      assert.equal(completed?.method, 'POST');
      assert.deepEqual([completed?.params['CallStatus'], completed?.params['SequenceNumber']], ['completed', '0']);
      const duration = Number(completed?.params['CallDuration']);
      // FreeSWITCH's clock: the call lasted its 200 s pause (2 s here), answered long before the update.
      assert.ok(duration >= 200 && duration < 230, `CallDuration ${String(duration)}`);
      await until(async () => (await client.calls(call.uuid).fetch()).status === 'completed', 3000, 'the end');
      assert.equal((await client.calls(call.uuid).fetch()).duration, String(duration), 'as fetch reports it');
    });

    it('FallbackUrl with Url: a failing new document falls back to it, in place of the call\'s own fallback', async () => {
      s.web.route('/voice', twiml(answerThenPause(600)));
      s.web.route('/broken', { status: 500, body: 'down' });
      s.web.route('/own-fallback', twiml('<Say>Own fallback.</Say>'));
      s.web.route('/fallback', twiml('<Say>Fallback.</Say><Hangup/>'));
      const call = place({ pivot_fallback_url: s.web.url('/own-fallback') });
      await eventually(() => apps(call).includes('sleep'), 5000, 'the pause');
      await client.calls(callSidOfUuid(call.uuid)).update({ url: s.web.url('/broken'), fallbackUrl: s.web.url('/fallback'),
        fallbackMethod: 'GET' });
      await call.ended;
      const [fallback, ...more] = at(s.web, '/fallback');
      assert.equal(more.length, 0);
      assert.equal(fallback?.method, 'GET');
      assert.equal(fallback?.params['ErrorCode'], '11200');
      assert.equal(fallback?.params['ErrorUrl'], s.web.url('/broken'));
      assert.equal(at(s.web, '/own-fallback').length, 0);
      assert.ok(appLines(call).includes('speak flite|rms|Fallback.'), appLines(call).join('\n'));
    });
  });

  describe('created calls', () => {
    const TO = '+15559870000';
    const FROM = '+15551230000';
    let c: CreateHarness;
    afterEach(async () => { await c.close(); });

    it('ringing: the status callbacks move; a call created without one gets `completed` at the URL given', async () => {
      c = await startCreate({ originate: [{ match: TO, outcome: { type: 'answer', afterMs: 1000 } }] });
      c.web.route('/voice', twiml('<Say>Hi</Say>'));
      for (const path of ['/old', '/new', '/late']) c.web.route(path, { status: 204, body: '', contentType: null });
      const withOne = await c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice'),
        statusCallback: c.web.url('/old'), statusCallbackEvent: ['ringing', 'answered', 'completed'] });
      const without = await c.client.calls.create({ to: TO, from: FROM, url: c.web.url('/voice') });
      await statusOf(c, withOne.sid, 'ringing');
      await statusOf(c, without.sid, 'ringing');
      const moved = await c.client.calls(withOne.sid).update({ statusCallback: c.web.url('/new') });
      assert.equal(moved.status, 'ringing', 'a ringing call takes a StatusCallback alone');
      await c.client.calls(without.sid).update({ statusCallback: c.web.url('/late'), statusCallbackMethod: 'GET' });
      await statusOf(c, withOne.sid, 'completed');
      await statusOf(c, without.sid, 'completed');
      await eventually(() => callbacks(c.web, '/new').length === 2 && callbacks(c.web, '/late').length === 1, 3000,
        'the callbacks');
      assert.deepEqual(callbacks(c.web, '/old'), ['ringing:0']);
      assert.deepEqual(callbacks(c.web, '/new'), ['in-progress:1', 'completed:2']);
      assert.deepEqual(callbacks(c.web, '/late'), ['completed:0']);
      const late = at(c.web, '/late')[0];
      assert.deepEqual([late?.method, late?.params['CallSid']], ['GET', without.sid]);
    });
  });
});
