import assert from 'node:assert/strict';
import pino from 'pino';
import {
  CallRequests, WebhookError, type CallWebhook, type NotifyOutcome, type WebhookDebugRecord, type WebhookRequest,
} from '../../src/webhook/index.js';
import { LogCapture } from '../support/harness.js';

const URL_A = new URL('http://127.0.0.1:9/cb?x=1');

function record(req: { readonly url: URL }): WebhookDebugRecord {
  return { method: 'POST', url: req.url.href, params: [], attempts: 1, redirects: [],
    timing: { totalMs: 0 } } as unknown as WebhookDebugRecord;
}

/** A client that records what it was asked and answers `outcome` to callbacks. */
class FakeClient {
  readonly sent: Array<WebhookRequest | { readonly url: URL; readonly authToken?: string }> = [];
  outcome: NotifyOutcome = { ok: true, status: 204, error: undefined, debug: record({ url: URL_A }) };
  release: (() => void) | undefined;

  readonly client: CallWebhook = {
    fetchTwiml: async (req) => {
      this.sent.push(req);
      req.onDebug?.(record(req));
      return { url: req.url, status: 200, contentType: 'text/xml', body: '<Response/>', timing: { totalMs: 0 },
        debug: record(req) } as unknown as Awaited<ReturnType<CallWebhook['fetchTwiml']>>;
    },
    notify: async (req) => {
      this.sent.push(req);
      req.onDebug?.(record(req));
      if (this.release === undefined) await new Promise<void>((resolve) => { this.release = resolve; });
      return this.outcome;
    },
    put: async (req) => {
      this.sent.push(req);
      return { status: 201, debug: record(req) };
    },
  };
}

function requestsWith(fake: FakeClient, options: { authToken?: string; accountSid?: string; logs?: LogCapture;
  debug?: (r: WebhookDebugRecord) => void } = {}): CallRequests {
  return new CallRequests({
    client: fake.client, authToken: options.authToken, format: 'twilio', accountSid: options.accountSid ?? 'AC1',
    log: pino({ level: 'debug' }, options.logs ?? new LogCapture()),
    now: () => new Date(0),
    ...(options.debug && { debug: options.debug }),
  });
}

describe('webhook: the requests of one call', () => {
  it('signs documents, callbacks and uploads with the call\'s token, and none without one', async () => {
    const fake = new FakeClient();
    fake.release = () => undefined;
    const signed = requestsWith(fake, { authToken: 'tok-1' });
    await signed.fetchDocument({ url: URL_A, method: 'POST', params: [] }, new AbortController().signal);
    await signed.notify({ url: URL_A, method: 'POST', params: [] });
    await signed.put({ url: URL_A, body: 'RIFF' }, new AbortController().signal);
    assert.deepEqual(fake.sent.map((r) => r.authToken), ['tok-1', 'tok-1', 'tok-1']);
    const unsigned = requestsWith(fake);
    await unsigned.notify({ url: URL_A, method: 'GET', params: [] });
    assert.equal('authToken' in fake.sent[3]!, false);
  });

  it('leaves the account parameter out, in both namings, when the call has no account', async () => {
    const fake = new FakeClient();
    fake.release = () => undefined;
    const params = [['CallSid', 'c'], ['AccountSid', ''], ['Account-ID', ''], ['From', 'f']] as const;
    await requestsWith(fake, { accountSid: '' }).notify({ url: URL_A, method: 'POST', params });
    assert.deepEqual((fake.sent[0] as WebhookRequest).params, [['CallSid', 'c'], ['From', 'f']]);
    await requestsWith(fake, { accountSid: 'AC9' }).notify({ url: URL_A, method: 'POST',
      params: [['AccountSid', 'AC9']] });
    assert.deepEqual((fake.sent[1] as WebhookRequest).params, [['AccountSid', 'AC9']]);
  });

  it('builds the call\'s parameters in its own naming', () => {
    const kazoo = new CallRequests({ client: new FakeClient().client, authToken: undefined, format: 'kazoo',
      accountSid: 'AC1', log: pino({ level: 'silent' }) });
    const params = kazoo.callParams({ callSid: 'c', accountSid: 'AC1', from: 'f', to: 't', direction: 'inbound',
      callStatus: 'ringing' });
    assert.deepEqual(params.slice(0, 2), [['Call-ID', 'c'], ['Account-ID', 'AC1']]);
  });

  it('tracks callbacks: settled waits for them, and for those tracked while they were under way', async () => {
    const fake = new FakeClient();
    const requests = requestsWith(fake);
    requests.sendCallback({ url: URL_A, method: 'POST', params: [] }, { msg: 'failed' });
    let late = false;
    let settled = false;
    const waiting = requests.settled().then(() => { settled = true; });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'the callback is still under way');
    requests.track(new Promise<void>((resolve) => setImmediate(() => { late = true; resolve(); })));
    fake.release?.();
    await waiting;
    assert.equal(late, true);
  });

  it('logs a failed callback with the code it is given and the request\'s code as its cause', async () => {
    const fake = new FakeClient();
    fake.release = () => undefined;
    const failure = new WebhookError('ERR_WEBHOOK_HTTP_STATUS', URL_A.href, { status: 500 });
    fake.outcome = { ok: false, status: 500, error: failure, debug: record({ url: URL_A }) };
    const logs = new LogCapture();
    const requests = requestsWith(fake, { logs });
    requests.sendCallback({ url: URL_A, method: 'POST', params: [] },
      { code: 'ERR_DIAL_LEG_CALLBACK', fields: { event: 'initiated' }, msg: 'leg status callback failed' });
    requests.sendCallback({ url: URL_A, method: 'POST', params: [] }, { msg: 'recording status callback failed' });
    await requests.settled();
    const [leg] = logs.withCode('ERR_DIAL_LEG_CALLBACK');
    assert.deepEqual([leg?.['cause'], leg?.['status'], leg?.['event']], ['ERR_WEBHOOK_HTTP_STATUS', 500, 'initiated']);
    assert.equal(logs.withCode('ERR_WEBHOOK_HTTP_STATUS').length, 1);
    assert.equal(logs.withCode('ERR_WEBHOOK_HTTP_STATUS')[0]?.['cause'], undefined);
  });

  it('hands the debug record of every request to the call\'s debug sink', async () => {
    const fake = new FakeClient();
    fake.release = () => undefined;
    const seen: string[] = [];
    const requests = requestsWith(fake, { debug: (r) => seen.push(r.url) });
    await requests.fetchDocument({ url: URL_A, method: 'POST', params: [] }, new AbortController().signal);
    await requests.notify({ url: URL_A, method: 'POST', params: [] });
    assert.deepEqual(seen, [URL_A.href, URL_A.href]);
  });

  it('stamps callbacks with the call\'s clock', () => {
    assert.equal(requestsWith(new FakeClient()).now().getTime(), 0);
  });
});
