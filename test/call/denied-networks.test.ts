import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import type { ErrorCode } from '../../src/errors.js';
import type { SimulatedCall } from '../../src/sim/index.js';
import type { LookupFunction } from '../../src/webhook/index.js';
import { apiLines, appLines, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { TwimlServer, twiml } from '../support/twiml-server.js';

/**
 * `webhook.deniedNetworks` for every customer URL: the ones this server requests (voice URL, action) and the ones
 * FreeSWITCH fetches itself (Play, Gather's Play, conference hold audio). The customer's server listens on
 * 127.0.0.2, reached through host names that an injected resolver maps to it; only loopback addresses are used.
 */

const ERROR_PROMPT = 'speak flite|rms|An application error has occurred. Goodbye.';
const DENIED_HOST = '127.0.0.2';

/** Stands for a resolver that never answers. */
const NO_ANSWER = 'no answer';

/** A resolver with a fixed table that counts what it is asked; unknown names fail with ENOTFOUND. */
function countingLookup(table: Readonly<Record<string, string>>): LookupFunction & { readonly asked: string[] } {
  const asked: string[] = [];
  const fn = async (hostname: string): Promise<readonly LookupAddress[]> => {
    asked.push(hostname);
    const address = table[hostname];
    if (address === NO_ANSWER) return new Promise<never>(() => undefined);
    if (address === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }
    return [{ address, family: 4 }];
  };
  return Object.assign(fn, { asked });
}

describe('engine: webhook.deniedNetworks', () => {
  let e: EngineHarness;
  let app: TwimlServer;
  let lookup: ReturnType<typeof countingLookup>;

  async function start(deniedNetworks: string[]): Promise<void> {
    app = await TwimlServer.start(DENIED_HOST);
    lookup = countingLookup({ 'app.test': DENIED_HOST, 'media.test': DENIED_HOST, 'silent.test': NO_ANSWER });
    e = await startEngine({ webhook: { deniedNetworks, retryCount: 0 }, lookup });
    app.route('/status', { status: 204, body: '', contentType: 'text/plain' });
  }

  afterEach(async () => {
    await e.close();
    await app.close();
  });

  /** What the log lines with `code` say. */
  function logged(code: ErrorCode): Array<Record<string, unknown>> {
    return e.h.logs.withCode(code);
  }

  function assertNoError(): void {
    assert.deepEqual(e.h.logs.lines.filter((l) => l.level === 'error'), []);
  }

  describe('with 127.0.0.2 on the list', () => {
    beforeEach(async () => { await start([`${DENIED_HOST}/32`]); });

    it('refuses a voice URL whose host resolves there: ERR_WEBHOOK_BLOCKED_ADDRESS, the error prompt, a hangup', async () => {
      app.route('/voice', twiml('<Say>never heard</Say>'));
      const call = e.call({ variables: { pivot_voice_url: app.url('/voice', 'app.test') } });
      await e.finish(call);
      const failures = e.h.logs.failedRequests();
      assert.deepEqual(failures.map((l) => l.code), ['ERR_WEBHOOK_BLOCKED_ADDRESS']);
      assert.deepEqual(appLines(call), [ERROR_PROMPT]);
      assert.equal((await call.ended).hangupCause, 'NORMAL_CLEARING');
      assert.deepEqual(lookup.asked, ['app.test']);
      assert.equal(app.requests.length, 0, 'nothing reached the denied address');
      assertNoError();
    });

    it('refuses an action URL there the same way, after the document that named it ran', async () => {
      e.web.route('/voice', twiml(`<Gather timeout="1" actionOnEmptyResult="true" action="${app.url('/action', 'app.test')}">` +
        '<Say>Press a key</Say></Gather>'));
      app.route('/action', twiml('<Say>never heard</Say>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(e.h.logs.failedRequests().map((l) => l.code),
        ['ERR_WEBHOOK_BLOCKED_ADDRESS']);
      assert.deepEqual(appLines(call), ["play_and_get_digits 0 127 1 1000 #D 'tts://flite|rms|Press a key'", ERROR_PROMPT]);
      assert.equal(app.requests.length, 0);
      assertNoError();
    });

    it('refuses a Play URL there: ERR_CALL_MEDIA_DENIED, the Play is skipped and the call goes on', async () => {
      e.web.route('/voice', twiml(`<Play loop="3">${app.url('/a.wav', 'media.test')}</Play><Say>after</Say>`));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ['speak flite|rms|after'], 'FreeSWITCH never got the URL');
      const denied = logged('ERR_CALL_MEDIA_DENIED');
      assert.equal(denied.length, 1, 'one refusal, and the loop stops');
      assert.equal(denied[0]?.['address'], DENIED_HOST);
      assert.equal(denied[0]?.['host'], 'media.test');
      assert.deepEqual(lookup.asked, ['media.test']);
      assertNoError();
    });

    it('refuses a literal address on the list without asking the resolver', async () => {
      e.web.route('/voice', twiml(`<Play>${app.url('/a.wav')}</Play><Say>after</Say>`));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ['speak flite|rms|after']);
      assert.equal(logged('ERR_CALL_MEDIA_DENIED').length, 1);
      assert.deepEqual(lookup.asked, []);
    });

    it('skips a refused Play nested in Gather; the other prompts play and the Gather still runs to its action', async () => {
      e.web.route('/voice', twiml(`<Gather timeout="1" actionOnEmptyResult="true" action="/choice">` +
        `<Play>${app.url('/p.wav', 'media.test')}</Play><Say>Press 1</Say></Gather>`));
      e.web.route('/choice', twiml('<Say>chosen</Say>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ["play_and_get_digits 0 127 1 1000 #D 'tts://flite|rms|Press 1'",
        'speak flite|rms|chosen'], 'FreeSWITCH never got the URL');
      assert.equal(logged('ERR_CALL_MEDIA_DENIED').length, 1);
      assert.equal(e.web.to('/choice')[0]?.params['Digits'], '');
    });

    it('gives a conference the configured hold music instead of waitUrl audio there', async () => {
      e.web.route('/room', twiml(`<Dial><Conference waitUrl="${app.url('/hold.mp3', 'media.test')}">lobby</Conference></Dial>`));
      const call = e.call({ variables: { pivot_voice_url: e.web.url('/room'), 'ecallmgr_Account-ID': 'acct0001' } });
      await eventually(() => appLines(call).some((l) => l.startsWith('conference ')), 3000, 'the caller in the room');
      call.hangup();
      await e.finish(call);
      const moh = apiLines(call).find((l) => l.includes(' conference_moh_sound '))?.split(' ')[3];
      assert.equal(moh, 'local_stream://moh');
      assert.equal(logged('ERR_CALL_MEDIA_DENIED').length, 1);
      assert.deepEqual(logged('ERR_CONFERENCE_WAIT_URL').map((l) => l['cause']), ['ERR_CALL_MEDIA_DENIED']);
    });
    it('plays the hold music, not waitUrl audio there, to a member waiting for the conference to start', async () => {
      const hold = app.url('/hold.mp3', 'media.test');
      e.web.route('/room', twiml(`<Dial><Conference startConferenceOnEnter="false" waitUrl="${hold}">lobby</Conference></Dial>`));
      const call = e.call({ variables: { pivot_voice_url: e.web.url('/room'), 'ecallmgr_Account-ID': 'acct0001' } });
      await eventually(() => apiLines(call).some((l) => / play local_stream:\/\/moh \d+$/.test(l)), 3000, 'the hold music played to the member');
      call.hangup();
      await e.finish(call);
      assert.ok(!apiLines(call).some((l) => l.includes('media.test')), 'the refused URL never reaches FreeSWITCH');
      assert.equal(logged('ERR_CALL_MEDIA_DENIED').length, 1);
      assert.equal(logged('ERR_CONFERENCE_WAIT_URL').length, 1);
    });
  });

  describe('with an empty list', () => {
    beforeEach(async () => { await start([]); });

    it('requests the voice URL and the action there, and hands the Play URL to FreeSWITCH', async () => {
      app.route('/voice', twiml('<Gather timeout="1" actionOnEmptyResult="true" action="/action"><Say>Press a key</Say></Gather>'));
      app.route('/action', twiml(`<Play>${app.url('/a.wav', 'media.test')}</Play>`));
      const call = e.call({ variables: { pivot_voice_url: app.url('/voice', 'app.test') } });
      await e.finish(call);
      assert.deepEqual(app.requests.map((r) => r.path), ['/voice', '/action']);
      assert.deepEqual(appLines(call), ["play_and_get_digits 0 127 1 1000 #D 'tts://flite|rms|Press a key'",
        `playback ${app.url('/a.wav', 'media.test')}`]);
      assert.deepEqual(logged('ERR_CALL_MEDIA_DENIED'), []);
      assert.deepEqual(logged('ERR_WEBHOOK_BLOCKED_ADDRESS'), []);
      assertNoError();
    });

    it('resolves a media host once per call, and again for the next call', async () => {
      const verbs = twiml(`<Play>${app.url('/a.wav', 'media.test')}</Play><Play loop="2">${app.url('/b.wav', 'media.test')}</Play>`);
      e.web.route('/voice', verbs);
      const calls: SimulatedCall[] = [e.call(), e.call()];
      for (const call of calls) await e.finish(call);
      for (const call of calls) {
        assert.deepEqual(appLines(call).filter((l) => l.startsWith('playback ')).length, 3);
      }
      assert.deepEqual(lookup.asked, ['media.test', 'media.test'], 'one lookup per call, none shared between calls');
    });

    it('a Play URL whose name does not resolve: ERR_CALL_MEDIA_DNS, the Play is skipped and the call goes on', async () => {
      e.web.route('/voice', twiml('<Play>http://nowhere.test/a.wav</Play><Say>after</Say>'));
      const call = e.call();
      await e.finish(call);
      assert.deepEqual(appLines(call), ['speak flite|rms|after']);
      const failed = logged('ERR_CALL_MEDIA_DNS');
      assert.equal(failed.length, 1);
      assert.equal(failed[0]?.['host'], 'nowhere.test');
      assert.deepEqual(lookup.asked, ['nowhere.test']);
      assertNoError();
    });

    it('a caller hanging up while a media host is being resolved ends the call at once', async () => {
      e.web.route('/voice', twiml('<Play>http://silent.test/a.wav</Play><Say>never heard</Say>'));
      const call = e.call({ caller: { hangupAtMs: 5000 } });
      await e.finish(call);
      assert.deepEqual(appLines(call), []);
      assert.deepEqual(lookup.asked, ['silent.test']);
      assert.deepEqual(logged('ERR_CALL_MEDIA_DNS'), []);
      assertNoError();
    });
  });
});
