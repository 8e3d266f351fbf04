/**
 * The Calls API as Twilio's own Node client sees it: create (Url and Twiml), fetch, list with filters and paging,
 * update, and every refusal in Twilio's error shape. The service behind the listener is a MemoryCallsService
 * (memory-calls-service.ts): these tests are about the HTTP layer.
 */
import assert from 'node:assert/strict';
import twilio from 'twilio';
import { AppError } from '../../src/errors.js';
import {
  ACCOUNT_A, ACCOUNT_B, ACCOUNT_C, DEFAULT_TOKEN, TOKEN_A, TOKEN_B, basic, formPost, raw, startApi, type ApiHarness,
} from './api-support.js';

const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

/** The RestException a twilio client call rejects with. */
async function restError(promise: Promise<unknown>): Promise<{ status: number; code?: number; moreInfo?: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof twilio.RestException, `a RestException, not ${String(err)}`);
    return err;
  }
  assert.fail('the request succeeded');
}

describe('Calls API through the twilio client', () => {
  let api: ApiHarness;
  let client: twilio.Twilio;
  beforeEach(async () => {
    api = await startApi();
    client = api.client(ACCOUNT_A, TOKEN_A);
  });
  afterEach(() => api.close());

  describe('create', () => {
    it('with Url: 201, status queued, and the service gets every parameter parsed', async () => {
      const call = await client.calls.create({
        to: '+15551230001', from: '+15559870002', url: 'https://app.example.com/voice?x=1', method: 'GET',
        fallbackUrl: 'https://app.example.com/fallback', fallbackMethod: 'GET',
        statusCallback: 'https://app.example.com/status', statusCallbackMethod: 'GET',
        statusCallbackEvent: ['initiated', 'answered'], timeout: 25, sendDigits: 'ww1234#', timeLimit: 90,
        callerId: '+15550000009',
      });
      assert.equal(client.httpClient.lastResponse?.statusCode, 201);
      assert.match(call.sid, /^CA[0-9a-f]{32}$/);
      assert.equal(call.status, 'queued');
      assert.equal(call.accountSid, ACCOUNT_A);
      assert.equal(call.to, '+15551230001');
      assert.equal(call.from, '+15559870002');
      assert.equal(call.direction, 'outbound-api');
      assert.equal(call.apiVersion, '2010-04-01');
      assert.ok(call.dateCreated instanceof Date && !Number.isNaN(call.dateCreated.getTime()));
      assert.equal(call.uri, `/2010-04-01/Accounts/${ACCOUNT_A}/Calls/${call.sid}.json`);
      const [request] = api.service.created;
      assert.ok(request);
      assert.equal(request.accountSid, ACCOUNT_A);
      assert.equal(request.url?.href, 'https://app.example.com/voice?x=1');
      assert.equal(request.method, 'GET');
      assert.equal(request.twiml, undefined);
      assert.equal(request.fallbackUrl?.href, 'https://app.example.com/fallback');
      assert.equal(request.fallbackMethod, 'GET');
      assert.equal(request.statusCallback?.href, 'https://app.example.com/status');
      assert.equal(request.statusCallbackMethod, 'GET');
      assert.deepEqual([...request.statusCallbackEvents].sort(), ['answered', 'initiated']);
      assert.equal(request.timeoutSeconds, 25);
      assert.equal(request.sendDigits, 'ww1234#');
      assert.equal(request.timeLimitSeconds, 90);
      assert.equal(request.callerId, '+15550000009');
    });

    it('with Twiml: the document goes to the service; defaults are Twilio\'s (POST, 60 s, completed only)', async () => {
      const call = await client.calls.create({ to: 'sip:bob@example.com', from: '+15559870002',
        twiml: '<Response><Say>Hi</Say></Response>' });
      assert.equal(call.status, 'queued');
      const [request] = api.service.created;
      assert.equal(request?.twiml, '<Response><Say>Hi</Say></Response>');
      assert.equal(request?.url, undefined);
      assert.equal(request?.method, 'POST');
      assert.equal(request?.timeoutSeconds, 60);
      assert.deepEqual([...(request?.statusCallbackEvents ?? [])], ['completed']);
      assert.equal(request?.sendDigits, undefined);
    });

    const refusals: Array<[string, Record<string, unknown>, number]> = [
      ['neither Url nor Twiml', {}, 21205],
      ['both Url and Twiml', { url: 'https://a.example/v', twiml: '<Response/>' }, 21205],
      ['a Url that is not http(s)', { url: 'ftp://a.example/v' }, 21205],
      ['a relative Url', { url: '/voice' }, 21205],
      ['a StatusCallback that is not a URL', { url: 'https://a.example/v', statusCallback: 'nope' }, 21205],
      ['a bad Method', { url: 'https://a.example/v', method: 'PUT' }, 21200],
      ['a bad StatusCallbackMethod', { url: 'https://a.example/v', statusCallbackMethod: 'DELETE' }, 21200],
      ['a Timeout of 0', { url: 'https://a.example/v', timeout: 0 }, 21200],
      ['a Timeout over 600', { url: 'https://a.example/v', timeout: 601 }, 21200],
      ['a bad StatusCallbackEvent', { url: 'https://a.example/v', statusCallbackEvent: ['initiated', 'bogus'] }, 21200],
      ['bad SendDigits', { url: 'https://a.example/v', sendDigits: '12;x' }, 21200],
      ['Record, which this server does not do', { url: 'https://a.example/v', record: true }, 21200],
      ['an ApplicationSid', { applicationSid: `AP${'0'.repeat(32)}` }, 21200],
    ];
    for (const [what, params, code] of refusals) {
      it(`${what}: 400 with Twilio's ${code}, and the service is not asked`, async () => {
        const err = await restError(client.calls.create({ to: '+15551230001', from: '+15559870002', ...params }));
        assert.equal(err.status, 400);
        assert.equal(err.code, code);
        assert.equal(err.moreInfo, `https://www.twilio.com/docs/errors/${code}`);
        assert.equal(api.service.created.length, 0);
      });
    }

    it('an error the service throws with Twilio\'s number is answered with it', async () => {
      api.service.failWith = new AppError('ERR_DIAL_NUMBER_REFUSED', 'The number +1;x is not dialable');
      const err = await restError(client.calls.create({ to: '+1;x', from: '+15559870002', url: 'https://a.example/v' }));
      assert.equal(err.status, 400);
      assert.equal(err.code, 13223);
      assert.equal(err.message, 'The number +1;x is not dialable');
    });

    it('a fault of the service is a 500 with Twilio\'s 20500 and no detail; the log has it as ERR_INTERNAL', async () => {
      api.service.failWith = new Error('secret internal detail');
      const err = await restError(client.calls.create({ to: '+1555', from: '+1666', url: 'https://a.example/v' }));
      assert.equal(err.status, 500);
      assert.equal(err.code, 20500);
      assert.ok(!err.message.includes('secret'));
      const line = api.logs.withCode('ERR_INTERNAL')[0];
      assert.equal(line?.['status'], 500);
      assert.equal(line?.['path'], `/2010-04-01/Accounts/${ACCOUNT_A}/Calls.json`);
    });

    it('an outage (503 with no Twilio number: the cluster\'s Redis down) is Twilio\'s 20503 with no detail', async () => {
      api.service.failWith = new AppError('ERR_CLUSTER_REDIS_UNAVAILABLE', 'redis read call: connect ECONNREFUSED 10.0.0.9:6379');
      const err = await restError(client.calls(`CA${'1'.repeat(32)}`).fetch());
      assert.equal(err.status, 503);
      assert.equal(err.code, 20503);
      assert.equal(err.message, 'Service Unavailable');
      assert.equal(api.logs.withCode('ERR_CLUSTER_REDIS_UNAVAILABLE')[0]?.['status'], 503);
    });

    it('a 5xx the catalogue gives Twilio\'s number is answered with it and its message', async () => {
      api.service.failWith = new AppError('ERR_API_CALL_OWNER_TIMEOUT', 'The server that runs the call did not answer');
      const err = await restError(client.calls(`CA${'1'.repeat(32)}`).update({ status: 'completed' }));
      assert.equal(err.status, 504);
      assert.equal(err.code, 20503);
      assert.equal(err.message, 'The server that runs the call did not answer');
    });
  });

  describe('fetch', () => {
    it('a call of the account, by its CA sid, in Twilio\'s form: RFC 2822 dates, duration as a string', async () => {
      const added = api.service.add({ accountSid: ACCOUNT_A, status: 'completed', direction: 'inbound',
        startTime: new Date('2026-03-01T12:00:05Z'), endTime: new Date('2026-03-01T12:01:10Z'), duration: 65,
        parentCallSid: `CA${'9'.repeat(32)}`, callerName: 'Bob', forwardedFrom: '+15550000001' });
      const call = await client.calls(added.sid).fetch();
      assert.equal(call.sid, added.sid);
      assert.equal(call.status, 'completed');
      assert.equal(call.direction, 'inbound');
      assert.equal(call.duration, '65');
      assert.equal(call.startTime.toISOString(), '2026-03-01T12:00:05.000Z');
      assert.equal(call.parentCallSid, `CA${'9'.repeat(32)}`);
      assert.equal(call.callerName, 'Bob');
      assert.equal(call.forwardedFrom, '+15550000001');
      const { status, json } = await raw(api.origin, `/2010-04-01/Accounts/${ACCOUNT_A}/Calls/${added.sid}.json`,
        { headers: { authorization: basic(ACCOUNT_A, TOKEN_A) } });
      assert.equal(status, 200);
      assert.deepEqual(Object.keys(json).sort(), ['account_sid', 'answered_by', 'api_version', 'caller_name',
        'date_created', 'date_updated', 'direction', 'duration', 'end_time', 'forwarded_from', 'from', 'from_formatted',
        'group_sid', 'parent_call_sid', 'phone_number_sid', 'price', 'price_unit', 'queue_time', 'sid', 'start_time',
        'status', 'subresource_uris', 'to', 'to_formatted', 'trunk_sid', 'uri']);
      assert.match(String(json['date_created']), RFC_2822);
      assert.equal(json['start_time'], 'Sun, 01 Mar 2026 12:00:05 +0000');
      assert.equal(json['end_time'], 'Sun, 01 Mar 2026 12:01:10 +0000');
      assert.equal(json['duration'], '65');
      assert.equal(json['price'], null);
    });

    it('a call not yet answered has no start_time, end_time or duration (null)', async () => {
      const added = api.service.add({ accountSid: ACCOUNT_A, status: 'ringing' });
      const { json } = await raw(api.origin, `/2010-04-01/Accounts/${ACCOUNT_A}/Calls/${added.sid}.json`,
        { headers: { authorization: basic(ACCOUNT_A, TOKEN_A) } });
      assert.equal(json['start_time'], null);
      assert.equal(json['end_time'], null);
      assert.equal(json['duration'], null);
    });

    it('a call of another account is 404 (20404), even with that account\'s sid known', async () => {
      const other = api.service.add({ accountSid: ACCOUNT_B });
      const err = await restError(client.calls(other.sid).fetch());
      assert.equal(err.status, 404);
      assert.equal(err.code, 20404);
      const mine = await api.client(ACCOUNT_B, TOKEN_B).calls(other.sid).fetch();
      assert.equal(mine.sid, other.sid);
    });

    it('an unknown call is 404 (20404); a sid of no known form is 404 before the service is asked', async () => {
      assert.equal((await restError(client.calls(`CA${'0'.repeat(32)}`).fetch())).code, 20404);
      assert.equal((await restError(client.calls('CAnot-a-sid').fetch())).code, 20404);
    });
  });

  describe('list', () => {
    it('filters by To, From, Status and StartTime>, newest first', async () => {
      api.service.add({ accountSid: ACCOUNT_A, to: '+1001', status: 'completed', startTime: new Date('2026-03-01T10:00:00Z') });
      const b = api.service.add({ accountSid: ACCOUNT_A, to: '+1002', status: 'in-progress', startTime: new Date('2026-03-01T11:00:00Z') });
      const c = api.service.add({ accountSid: ACCOUNT_A, to: '+1002', status: 'completed', from: '+2002', startTime: new Date('2026-03-01T12:00:00Z') });
      api.service.add({ accountSid: ACCOUNT_B, to: '+1002', status: 'completed' });
      assert.deepEqual((await client.calls.list({ to: '+1002' })).map((x) => x.sid), [c.sid, b.sid]);
      assert.deepEqual((await client.calls.list({ from: '+2002' })).map((x) => x.sid), [c.sid]);
      assert.deepEqual((await client.calls.list({ status: 'in-progress' })).map((x) => x.sid), [b.sid]);
      assert.deepEqual((await client.calls.list({ startTimeAfter: new Date('2026-03-01T10:30:00Z') })).map((x) => x.sid),
        [c.sid, b.sid]);
      const last = api.service.lists.at(-1);
      assert.equal(last?.filter.startTime?.op, 'after');
      assert.equal(last?.filter.startTime?.day, false);
      assert.equal(last?.filter.startTime?.value.toISOString(), '2026-03-01T10:30:00.000Z');
      await client.calls.list({ startTime: new Date('2026-03-01T00:00:00Z') });
      assert.equal(api.service.lists.at(-1)?.filter.startTime?.op, 'on');
    });

    it('pages: the client follows next_page_uri (PageSize, Page, PageToken) until its limit', async () => {
      const added = Array.from({ length: 7 }, () => api.service.add({ accountSid: ACCOUNT_A, to: '+1003' }));
      const calls = await client.calls.list({ to: '+1003', pageSize: 3, limit: 7 });
      assert.deepEqual(calls.map((c) => c.sid), added.reverse().map((c) => c.sid));
      assert.deepEqual(api.service.lists.map((l) => [l.page, l.pageSize, l.filter.to]), [[0, 3, '+1003'], [1, 3, '+1003'], [2, 3, '+1003']]);
      const limited = await client.calls.list({ pageSize: 2, limit: 3 });
      assert.equal(limited.length, 3);
    });

    it('the envelope: calls, page, page_size, start, end and the URIs of this, the first, the next and the previous page', async () => {
      for (let i = 0; i < 5; i += 1) api.service.add({ accountSid: ACCOUNT_A });
      const path = `/2010-04-01/Accounts/${ACCOUNT_A}/Calls.json`;
      const { status, json } = await raw(api.origin, `${path}?Status=queued&PageSize=2&Page=1&PageToken=PT1`,
        { headers: { authorization: basic(ACCOUNT_A, TOKEN_A) } });
      assert.equal(status, 200);
      assert.equal((json['calls'] as unknown[]).length, 2);
      assert.equal(json['page'], 1);
      assert.equal(json['page_size'], 2);
      assert.equal(json['start'], 2);
      assert.equal(json['end'], 3);
      assert.equal(json['uri'], `${path}?Status=queued&PageSize=2&Page=1&PageToken=PT1`);
      assert.equal(json['first_page_uri'], `${path}?Status=queued&PageSize=2&Page=0`);
      assert.equal(json['next_page_uri'], `${path}?Status=queued&PageSize=2&Page=2&PageToken=PT2`);
      assert.equal(json['previous_page_uri'], `${path}?Status=queued&PageSize=2&Page=0`);
      const lastPage = await raw(api.origin, `${path}?PageSize=2&Page=2`, { headers: { authorization: basic(ACCOUNT_A, TOKEN_A) } });
      assert.equal(lastPage.json['next_page_uri'], null);
      const defaults = await raw(api.origin, path, { headers: { authorization: basic(ACCOUNT_A, TOKEN_A) } });
      assert.equal(defaults.json['page_size'], 50);
      assert.equal(defaults.json['previous_page_uri'], null);
    });

    const badQueries: Array<[string, string]> = [
      ['PageSize over 1000', 'PageSize=1001'], ['PageSize 0', 'PageSize=0'], ['a negative Page', 'Page=-1'],
      ['an unknown Status', 'Status=ended'], ['a StartTime that is no date', 'StartTime=yesterday'],
      ['two StartTime filters', 'StartTime%3E=2026-03-01&StartTime%3C=2026-03-02'],
      ['an EndTime filter (not supported)', 'EndTime=2026-03-01'], ['a malformed PageToken', 'PageToken=%3Cx%3E'],
    ];
    for (const [what, query] of badQueries) {
      it(`${what}: 400 with 21200`, async () => {
        const { status, json } = await raw(api.origin, `/2010-04-01/Accounts/${ACCOUNT_A}/Calls.json?${query}`,
          { headers: { authorization: basic(ACCOUNT_A, TOKEN_A) } });
        assert.equal(status, 400);
        assert.equal(json['code'], 21200);
        assert.equal(api.service.lists.length, 0);
      });
    }
  });

  describe('update', () => {
    it('Url on an in-progress call: 200, and the service gets the redirect', async () => {
      const live = api.service.add({ accountSid: ACCOUNT_A, status: 'in-progress' });
      const call = await client.calls(live.sid).update({ url: 'https://a.example/next', method: 'GET' });
      assert.equal(client.httpClient.lastResponse?.statusCode, 200);
      assert.equal(call.sid, live.sid);
      const [update] = api.service.updates;
      assert.equal(update?.callSid, live.sid);
      assert.equal(update?.request.url?.href, 'https://a.example/next');
      assert.equal(update?.request.method, 'GET');
      assert.equal(update?.request.status, undefined);
    });

    it('Twiml, Status=completed and StatusCallback reach the service; completed hangs up', async () => {
      const live = api.service.add({ accountSid: ACCOUNT_A, status: 'in-progress' });
      await client.calls(live.sid).update({ twiml: '<Response><Hangup/></Response>' });
      assert.equal(api.service.updates[0]?.request.twiml, '<Response><Hangup/></Response>');
      const ended = await client.calls(live.sid).update({ status: 'completed', statusCallback: 'https://a.example/s' });
      assert.equal(ended.status, 'completed');
      assert.equal(api.service.updates[1]?.request.statusCallback?.href, 'https://a.example/s');
    });

    it('a call that is not in progress: 400 with 21220 from the service', async () => {
      const ended = api.service.add({ accountSid: ACCOUNT_A, status: 'completed' });
      const err = await restError(client.calls(ended.sid).update({ url: 'https://a.example/next' }));
      assert.equal(err.status, 400);
      assert.equal(err.code, 21220);
    });

    it('another account\'s call: 404', async () => {
      const other = api.service.add({ accountSid: ACCOUNT_B, status: 'in-progress' });
      assert.equal((await restError(client.calls(other.sid).update({ status: 'completed' }))).code, 20404);
    });

    it('a Status other than completed or canceled, or both Url and Twiml: refused before the service is asked', async () => {
      const live = api.service.add({ accountSid: ACCOUNT_A, status: 'in-progress' });
      assert.equal((await restError(client.calls(live.sid).update({ status: 'in-progress' as never }))).code, 21200);
      assert.equal((await restError(client.calls(live.sid).update({ url: 'https://a.example/v', twiml: '<Response/>' }))).code, 21205);
      assert.equal((await restError(client.calls(live.sid).update({ url: 'https://a.example/v', method: 'PATCH' }))).code, 21200);
      assert.equal(api.service.updates.length, 0);
    });
  });

  describe('authentication', () => {
    it('a wrong token is 401 with 20003, and the service is not asked', async () => {
      const err = await restError(api.client(ACCOUNT_A, 'wrong').calls.create({ to: '+1', from: '+2', url: 'https://a.example/v' }));
      assert.equal(err.status, 401);
      assert.equal(err.code, 20003);
      assert.equal(api.service.created.length, 0);
    });

    it('another account\'s token is 401; an account listed as a bare Kazoo id uses its own token', async () => {
      assert.equal((await restError(api.client(ACCOUNT_A, TOKEN_B).calls.list())).status, 401);
      assert.deepEqual(await api.client(ACCOUNT_B, TOKEN_B).calls.list(), []);
      assert.equal((await restError(api.client(ACCOUNT_B, DEFAULT_TOKEN).calls.list())).status, 401);
    });

    it('an account without a token of its own uses the default token', async () => {
      assert.deepEqual(await api.client(ACCOUNT_C, DEFAULT_TOKEN).calls.list(), []);
      assert.equal((await restError(api.client(ACCOUNT_C, TOKEN_A).calls.list())).status, 401);
    });
  });
});

describe('Calls API over raw HTTP', () => {
  let api: ApiHarness;
  afterEach(() => api.close());

  const callsPath = `/2010-04-01/Accounts/${ACCOUNT_A}/Calls.json`;

  it('no credentials, or credentials for another account than the path\'s: 401, 20003, with the Basic challenge', async () => {
    api = await startApi();
    const none = await raw(api.origin, callsPath);
    assert.equal(none.status, 401);
    assert.deepEqual(none.json, { code: 20003, message: none.json['message'], more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
    assert.equal(none.headers.get('www-authenticate'), 'Basic realm="pivot-esl"');
    const crossed = await raw(api.origin, `/2010-04-01/Accounts/${ACCOUNT_B}/Calls.json`, { headers: { authorization: basic(ACCOUNT_A, TOKEN_A) } });
    assert.equal(crossed.status, 401);
    assert.equal(crossed.json['code'], 20003);
    const notBasic = await raw(api.origin, callsPath, { headers: { authorization: `Bearer ${TOKEN_A}` } });
    assert.equal(notBasic.status, 401);
    const bareUser = await raw(api.origin, callsPath, { headers: { authorization: basic(ACCOUNT_A.slice(2), TOKEN_A) } });
    assert.equal(bareUser.status, 401, 'the username is the AccountSid, AC + 32 hex');
  });

  it('an account with no token at all (none of its own, no default) cannot use the API', async () => {
    api = await startApi({ webhook: { authToken: '', accountAuthTokens: [{ accountSid: ACCOUNT_A, authToken: TOKEN_A }] } });
    const c = await raw(api.origin, `/2010-04-01/Accounts/${ACCOUNT_C}/Calls.json`, { headers: { authorization: basic(ACCOUNT_C, '') } });
    assert.equal(c.status, 401);
    const a = await raw(api.origin, callsPath, { headers: { authorization: basic(ACCOUNT_A, TOKEN_A) } });
    assert.equal(a.status, 200);
  });

  it('Calls.json POST: missing To is 21201, missing From 21213; StatusCallbackEvent may be space-separated', async () => {
    api = await startApi();
    const noTo = await raw(api.origin, callsPath, formPost('From=%2B1555&Url=https%3A%2F%2Fa.example%2Fv'));
    assert.deepEqual([noTo.status, noTo.json['code']], [400, 21201]);
    const noFrom = await raw(api.origin, callsPath, formPost('To=%2B1555&Url=https%3A%2F%2Fa.example%2Fv'));
    assert.deepEqual([noFrom.status, noFrom.json['code']], [400, 21213]);
    const created = await raw(api.origin, callsPath,
      formPost('To=%2B1&From=%2B2&Url=https%3A%2F%2Fa.example%2Fv&StatusCallbackEvent=initiated+ringing&StatusCallbackEvent=completed'));
    assert.equal(created.status, 201);
    assert.deepEqual([...(api.service.created[0]?.statusCallbackEvents ?? [])].sort(), ['completed', 'initiated', 'ringing']);
  });

  it('a body over api.maxBodyBytes is 413 and the connection is not reused', async () => {
    api = await startApi({ maxBodyBytes: 1024 });
    const big = `To=%2B1&From=%2B2&Twiml=${'x'.repeat(2000)}`;
    const res = await raw(api.origin, callsPath, formPost(big));
    assert.equal(res.status, 413);
    assert.equal(res.json['status'], 413);
    assert.equal(res.headers.get('connection'), 'close');
    assert.equal(api.service.created.length, 0);
    assert.equal(api.logs.withCode('ERR_API_BODY_TOO_LARGE').length, 1);
    const fits = await raw(api.origin, callsPath, formPost(`To=%2B1&From=%2B2&Twiml=${'x'.repeat(500)}`));
    assert.equal(fits.status, 201);
  });

  it('a body that is not form-encoded (JSON, no type, not UTF-8) is 400 in Twilio\'s shape', async () => {
    api = await startApi();
    const json = await raw(api.origin, callsPath, { method: 'POST', body: JSON.stringify({ To: '+1', From: '+2', Url: 'https://a.example/v' }),
      headers: { authorization: basic(ACCOUNT_A, TOKEN_A), 'content-type': 'application/json' } });
    assert.equal(json.status, 400);
    assert.deepEqual(Object.keys(json.json).sort(), ['code', 'message', 'more_info', 'status']);
    assert.equal(api.logs.withCode('ERR_API_BODY_INVALID').length, 1);
    const untyped = await raw(api.origin, callsPath, { method: 'POST', body: 'To=%2B1',
      headers: { authorization: basic(ACCOUNT_A, TOKEN_A), 'content-type': '' } });
    assert.equal(untyped.status, 400);
    const latin = await raw(api.origin, callsPath, { method: 'POST', body: Buffer.from([0x54, 0x6f, 0x3d, 0xe9]),
      headers: { authorization: basic(ACCOUNT_A, TOKEN_A), 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(latin.status, 400);
    assert.equal(api.service.created.length, 0);
  });

  it('an unknown path or an account sid of another form is 404 (20404); another method is 405 (20004) with Allow', async () => {
    api = await startApi();
    const auth = { authorization: basic(ACCOUNT_A, TOKEN_A) };
    for (const path of ['/', '/2010-04-01/Accounts.json', `/2010-04-01/Accounts/${ACCOUNT_A}/Calls`,
      `/2010-04-01/Accounts/${ACCOUNT_A.slice(2)}/Calls.json`, `/2010-04-01/Accounts/${ACCOUNT_A}/Recordings.json`,
      `/2010-04-01/Accounts/${ACCOUNT_A}/Calls/%E0%A4%A.json`]) {
      const res = await raw(api.origin, path, { headers: auth });
      assert.deepEqual([res.status, res.json['code'], res.json['more_info']], [404, 20404, 'https://www.twilio.com/docs/errors/20404'], path);
    }
    const del = await raw(api.origin, callsPath, { method: 'DELETE', headers: auth });
    assert.deepEqual([del.status, del.json['code']], [405, 20004]);
    assert.equal(del.headers.get('allow'), 'GET, POST');
  });

  it('one log line per request with method, path (no query), status, ms and accountSid; no credential in any line', async () => {
    api = await startApi();
    await raw(api.origin, `${callsPath}?To=%2B1555&PageSize=5`, { headers: { authorization: basic(ACCOUNT_A, TOKEN_A) } });
    await raw(api.origin, callsPath, { headers: { authorization: basic(ACCOUNT_A, 'a-wrong-secret') } });
    const lines = api.logs.lines.filter((l) => l['path'] !== undefined);
    assert.equal(lines.length, 2);
    const [ok, refused] = lines;
    assert.equal(ok?.level, 'info');
    assert.deepEqual([ok?.['method'], ok?.['path'], ok?.['status'], ok?.['accountSid']], ['GET', callsPath, 200, ACCOUNT_A]);
    assert.equal(typeof ok?.['ms'], 'number');
    assert.equal(refused?.code, 'ERR_API_AUTH');
    assert.equal(refused?.level, 'warn');
    assert.equal(refused?.['status'], 401);
    const text = JSON.stringify(api.logs.lines);
    for (const secret of [TOKEN_A, 'a-wrong-secret', basic(ACCOUNT_A, TOKEN_A).slice(6), '+1555']) {
      assert.ok(!text.includes(secret), `the log holds ${secret}`);
    }
  });

  it('close() ends keep-alive connections too', async () => {
    api = await startApi();
    const { Agent, request } = await import('undici');
    const agent = new Agent({ keepAliveTimeout: 60_000 });
    const res = await request(`${api.origin}${callsPath}`, { dispatcher: agent, headers: { authorization: basic(ACCOUNT_A, TOKEN_A) } });
    await res.body.text();
    assert.equal(res.statusCode, 200);
    const started = Date.now();
    await api.server.close();
    assert.ok(Date.now() - started < 1000, 'close does not wait for the idle connection to time out');
    await agent.close();
  });
});
