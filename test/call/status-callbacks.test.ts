import assert from 'node:assert/strict';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import type { ReceivedRequest } from '../support/twiml-server.js';
import { twiml } from '../support/twiml-server.js';

const LONG = 'https://cdn.example.com/long.wav';
const OK = { status: 204, body: '', contentType: 'text/plain' } as const;
const ALL_EVENTS = 'initiated ringing answered completed';
const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

function statuses(requests: readonly ReceivedRequest[]): string[] {
  return requests.map((r) => `${r.params['SequenceNumber']}:${r.params['CallStatus']}`);
}

describe('engine: call status callbacks', () => {
  let e: EngineHarness;
  beforeEach(async () => {
    e = await startEngine({
      sim: { mediaDurations: { [LONG]: 60_000 } },
      webhook: { statusCallbackRetryDelayMs: 1 },
      call: { errorPrompt: '' },
    });
    e.web.route('/status', OK);
  });
  afterEach(async () => { await e.close(); });

  function callWith(variables: Record<string, string>, caller = {}): ReturnType<EngineHarness['call']> {
    return e.call({ variables: { pivot_status_callback: e.web.url('/status'), ...variables }, caller });
  }

  it('sends initiated, ringing, answered and completed in order, with Twilio\'s parameters', async () => {
    e.web.route('/voice', twiml('<Say>Hello</Say><Hangup/>'));
    const call = callWith({ pivot_status_callback_event: ALL_EVENTS, 'ecallmgr_Account-ID': 'AC1234' });
    await e.finish(call);
    const sent = e.web.to('/status');
    assert.deepEqual(statuses(sent), ['0:initiated', '1:ringing', '2:in-progress', '3:completed']);
    for (const r of sent) {
      assert.equal(r.method, 'POST');
      assert.equal(r.params['CallSid'], call.uuid);
      assert.equal(r.params['AccountSid'], 'AC1234');
      assert.equal(r.params['CallbackSource'], 'call-progress-events');
      assert.match(r.params['Timestamp'] ?? '', RFC_2822);
      assert.equal(r.params['ApiVersion'], '2010-04-01');
      assert.equal(r.params['Direction'], 'inbound');
    }
    assert.equal(sent[2]?.params['CallDuration'], undefined, 'no duration before the end');
    assert.match(sent[3]?.params['CallDuration'] ?? '', /^\d+$/);
    assert.match(sent[3]?.params['Duration'] ?? '', /^\d+$/);
  });

  it('sends only completed by default, with GET when asked', async () => {
    e.web.route('/voice', twiml('<Say>Hello</Say>'));
    const call = callWith({ pivot_status_callback_method: 'GET' });
    await e.finish(call);
    const sent = e.web.to('/status');
    assert.deepEqual(statuses(sent), ['0:completed']);
    assert.equal(sent[0]?.method, 'GET');
    assert.equal(sent[0]?.query.get('CallSid'), call.uuid);
  });

  it('completed when the caller hangs up during a prompt', async () => {
    e.web.route('/voice', twiml(`<Play>${LONG}</Play>`));
    const call = callWith({});
    call.on('execute', (app: string) => { if (app === 'playback') call.hangup(); });
    await e.finish(call);
    assert.deepEqual(statuses(e.web.to('/status')), ['0:completed']);
  });

  it('canceled when the caller hangs up before the answer', async () => {
    e.web.route('/voice', twiml('<Pause length="60"/><Say>never</Say>'));
    const call = callWith({ pivot_status_callback_event: ALL_EVENTS });
    call.on('execute', (app: string) => { if (app === 'sleep') call.hangup('ORIGINATOR_CANCEL'); });
    await e.finish(call);
    assert.deepEqual(statuses(e.web.to('/status')), ['0:initiated', '1:ringing', '2:canceled']);
    assert.equal(e.web.to('/status')[2]?.params['CallDuration'], '0');
  });

  it('busy for <Reject reason="busy">, no-answer for <Reject>, never answered', async () => {
    e.web.route('/voice', twiml('<Reject reason="busy"/>'));
    const busy = callWith({ pivot_status_callback_event: ALL_EVENTS });
    await e.finish(busy);
    assert.deepEqual(statuses(e.web.to('/status')), ['0:initiated', '1:ringing', '2:busy']);
    e.web.route('/voice', twiml('<Reject/>'));
    const rejected = callWith({});
    await e.finish(rejected);
    const last = e.web.to('/status').at(-1);
    assert.equal(last?.params['CallSid'], rejected.uuid);
    assert.equal(last?.params['CallStatus'], 'no-answer');
  });

  it('failed when the document cannot be fetched and nothing answered', async () => {
    e.web.route('/voice', { status: 500, body: 'no', contentType: 'text/plain' });
    const call = callWith({});
    await e.finish(call);
    assert.deepEqual(statuses(e.web.to('/status')), ['0:failed']);
  });

  it('failed when a call is refused for want of a voice URL', async () => {
    const call = e.call({ variables: { pivot_voice_url: '', pivot_status_callback: e.web.url('/status') } });
    await e.finish(call);
    assert.deepEqual(statuses(e.web.to('/status')), ['0:failed']);
  });

  it('completed when the Event Socket connection is lost after the answer; failed before it', async () => {
    e.web.route('/voice', twiml(`<Play>${LONG}</Play>`));
    const answered = callWith({});
    answered.on('execute', (app: string) => { if (app === 'playback') answered.drop(); });
    await e.finish(answered);
    assert.deepEqual(statuses(e.web.to('/status')), ['0:completed']);

    e.web.route('/voice', twiml('<Pause length="60"/>'));
    const ringing = callWith({});
    ringing.on('execute', (app: string) => { if (app === 'sleep') ringing.drop(); });
    await e.finish(ringing);
    const last = e.web.to('/status').at(-1);
    assert.equal(last?.params['CallSid'], ringing.uuid);
    assert.equal(last?.params['CallStatus'], 'failed');
  });

  it('uses the configured default URL and events when the channel names none', async () => {
    const q = await startEngine({ call: { statusCallback: { url: e.web.url('/status'), method: 'GET', events: ['answered', 'completed'] } } });
    try {
      q.web.route('/voice', twiml('<Say>Hello</Say>'));
      const call = q.call();
      await q.finish(call);
      const sent = e.web.to('/status');
      assert.deepEqual(statuses(sent), ['0:in-progress', '1:completed']);
      assert.ok(sent.every((r) => r.method === 'GET'));
    } finally {
      await q.close();
    }
  });

  it('retries a failing callback a bounded number of times, then logs ERR_CALL_STATUS_CALLBACK', async () => {
    let replies = 0;
    e.web.route('/flaky', () => (++replies < 3 ? { status: 503, body: 'busy', contentType: 'text/plain' } : OK));
    e.web.route('/down', { status: 500, body: 'no', contentType: 'text/plain' });
    e.web.route('/voice', twiml('<Say>Hello</Say>'));
    const call = callWith({ pivot_status_callback: e.web.url('/flaky') });
    await e.finish(call);
    assert.equal(e.web.to('/flaky').length, 3, 'two retries (the default) after the first failure');
    assert.equal(e.h.logs.withCode('ERR_CALL_STATUS_CALLBACK').length, 0);

    const failing = callWith({ pivot_status_callback: e.web.url('/down') });
    await e.finish(failing);
    assert.equal(e.web.to('/down').length, 3);
    const [line] = e.h.logs.withCode('ERR_CALL_STATUS_CALLBACK');
    assert.equal(line?.['cause'], 'ERR_WEBHOOK_HTTP_STATUS');
    assert.equal(line?.['attempts'], 3);
  });

  it('never holds the call up: the script goes on while a callback gets no reply', async () => {
    const q = await startEngine({ webhook: { statusCallbackTimeoutMs: 200, statusCallbackRetries: 0 } });
    try {
      let statusPending = false;
      q.web.route('/status', () => { statusPending = true; return { hang: true }; });
      q.web.route('/voice', twiml('<Redirect>/next</Redirect>'));
      let nextWhilePending: boolean | undefined;
      q.web.route('/next', () => { nextWhilePending = statusPending; return twiml('<Say>Hi</Say>'); });
      const call = q.call({ variables: { pivot_status_callback: q.web.url('/status'), pivot_status_callback_event: 'initiated completed' } });
      await q.finish(call);
      assert.equal(nextWhilePending, true, 'the next document was requested while the initiated callback hung');
      const lines = q.h.logs.withCode('ERR_CALL_STATUS_CALLBACK');
      assert.deepEqual(lines.map((l) => l['cause']), ['ERR_WEBHOOK_TIMEOUT', 'ERR_WEBHOOK_TIMEOUT']);
    } finally {
      await q.close();
    }
  });
});

describe('engine: CallDuration in real time', () => {
  const CLIP = 'https://cdn.example.com/clip.wav';
  let e: EngineHarness;
  beforeEach(async () => {
    e = await startEngine({ timeScale: 1, sim: { mediaDurations: { [CLIP]: 1200 } } });
    e.web.route('/status', OK);
  });
  afterEach(async () => { await e.close(); });

  it('a call answered for 1.2 s reports CallDuration=1, FreeSWITCH\'s own answer-to-end time rounded down', async () => {
    e.web.route('/voice', twiml(`<Play>${CLIP}</Play><Hangup/>`));
    const call = e.call({ variables: { pivot_status_callback: e.web.url('/status') } });
    await e.finish(call);
    const answered = Number(call.channel.vars.get('answer_uepoch'));
    const ended = Number(call.channel.vars.get('end_uepoch'));
    assert.ok(ended - answered >= 1_200_000 && ended - answered < 2_000_000, `answered for ${(ended - answered) / 1e6} s`);
    const [completed] = e.web.to('/status');
    assert.equal(completed?.params['CallStatus'], 'completed');
    assert.equal(completed?.params['CallDuration'], '1');
    assert.equal(completed?.params['Duration'], '1');
  });
});
