import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { jsonEvent } from '../support/frames.js';
import { appLines, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { twiml } from '../support/twiml-server.js';

/** Faults of FreeSWITCH: a socket reset, events duplicated, out of order, unknown, or missing after a hangup. */

const isComplete = (frame: string, app: string): boolean =>
  frame.includes('"Event-Name":"CHANNEL_EXECUTE_COMPLETE"') && frame.includes(`"Application":"${app}"`);
const isExecute = (frame: string, app: string): boolean =>
  frame.includes('"Event-Name":"CHANNEL_EXECUTE"') && frame.includes(`"Application":"${app}"`);

/**
 * The call's script was cut short: exactly these lines say so with the outcome; a hangup is a normal end (no error
 * code on any line), a lost connection carries its code.
 */
function assertEndedBy(e: EngineHarness, outcome: 'hangup' | 'disconnected',
  messages: readonly string[] = ['call ended during its script', 'call ended']): void {
  const lines = e.h.logs.lines.filter((l) => l['outcome'] === outcome);
  assert.deepEqual(lines.map((l) => l.msg), messages, JSON.stringify(lines));
  const code = outcome === 'disconnected' ? 'ERR_ESL_DISCONNECTED' : undefined;
  assert.deepEqual(lines.map((l) => l.code), messages.map(() => code));
  if (outcome === 'hangup') assert.deepEqual(e.h.logs.withCode('ERR_CALL_HANGUP'), []);
}

const TWO_SAYS = twiml('<Say>one</Say><Say>two</Say>');
const NORMAL = ['speak flite|rms|one', 'speak flite|rms|two'];

describe('faults: FreeSWITCH', () => {
  let e: EngineHarness;
  beforeEach(async () => {
    e = await startEngine();
    e.web.route('/voice', TWO_SAYS);
  });
  afterEach(async () => { await e.close(); });

  /** Lines at warn level or above. */
  const problems = (): unknown[] => e.h.logs.lines.filter((l) => ['warn', 'error', 'fatal'].includes(String(l.level)) ||
    (typeof l.level === 'number' && l.level >= 40));

  it('the socket reset in the middle of a Say: the call ends, one ERR_ESL_DISCONNECTED line', async () => {
    const call = e.call();
    call.on('execute', (app: string, arg: string) => { if (app === 'speak' && arg.endsWith('one')) call.drop(); });
    await e.finish(call);
    assert.deepEqual(appLines(call), ['speak flite|rms|one']);
    assertEndedBy(e, 'disconnected');
    assert.equal(e.web.requests.length, 1);
  });

  it('a CHANNEL_EXECUTE_COMPLETE sent twice: the duplicate is ignored and the script goes on', async () => {
    const call = e.call({ rewriteOutput: (frame) => (isComplete(frame, 'speak') ? [frame, frame] : [frame]) });
    await e.finish(call);
    assert.deepEqual(appLines(call), NORMAL);
    assert.equal((await call.ended).hangupCause, 'NORMAL_CLEARING');
    assert.deepEqual(problems(), []);
  });

  it('a completion for an Application-UUID never sent: ignored, the Say still waits for its own', async () => {
    const order: string[] = [];
    const call = e.call();
    call.on('execute', (app: string, arg: string) => {
      order.push(`start ${arg}`);
      if (app === 'speak' && arg.endsWith('one')) {
        call.sendRaw(jsonEvent({ 'Event-Name': 'CHANNEL_EXECUTE_COMPLETE', 'Unique-ID': call.uuid,
          Application: 'speak', 'Application-Data': 'flite|rms|one', 'Application-UUID': randomUUID() }));
      }
    });
    call.on('complete', (_app: string, arg: string) => order.push(`end ${arg}`));
    await e.finish(call);
    assert.deepEqual(appLines(call), NORMAL);
    assert.deepEqual(order.slice(0, 4), ['start flite|rms|one', 'end flite|rms|one', 'start flite|rms|two', 'end flite|rms|two']);
    assert.deepEqual(problems(), []);
  });

  it('the completion overtaking its CHANNEL_EXECUTE: the script goes on', async () => {
    let held: string | undefined;
    const call = e.call({
      rewriteOutput: (frame) => {
        if (isExecute(frame, 'speak')) {
          held = frame;
          return [];
        }
        if (isComplete(frame, 'speak') && held !== undefined) {
          const late = held;
          held = undefined;
          return [frame, late];
        }
        return [frame];
      },
    });
    await e.finish(call);
    assert.deepEqual(appLines(call), NORMAL);
    assert.deepEqual(problems(), []);
  });

  it('a hangup whose application never completes: the call still ends, one hangup line', async () => {
    let hungUp = false;
    const call = e.call({ rewriteOutput: (frame) => (hungUp && isComplete(frame, 'speak') ? [] : [frame]) });
    call.on('execute', (app: string) => {
      if (app !== 'speak') return;
      hungUp = true;
      call.hangup();
    });
    await e.finish(call);
    assert.deepEqual(appLines(call), ['speak flite|rms|one']);
    assertEndedBy(e, 'hangup');
    assert.deepEqual(problems(), []);
  });

  it('every event showing the hangup sent twice: one end, one hangup line', async () => {
    const call = e.call({ rewriteOutput: (frame) => (frame.includes('"Answer-State":"hangup"') ? [frame, frame] : [frame]) });
    call.on('execute', (app: string) => { if (app === 'speak') call.hangup(); });
    await e.finish(call);
    assertEndedBy(e, 'hangup');
    assert.deepEqual(problems(), []);
  });
});

describe('faults: a hangup racing every verb', () => {
  let e: EngineHarness;
  beforeEach(async () => {
    e = await startEngine();
    e.web.route('/voice', twiml('<Say>hello</Say><Play>tone_stream://%(100,0,400)</Play><Pause length="1"/>' +
      '<Gather numDigits="1" timeout="1"><Say>choose</Say></Gather><Record maxLength="2" timeout="0" ' +
      'playBeep="false" action="/recorded"/>'));
    e.web.route('/recorded', twiml('<Redirect>/last</Redirect>'));
    e.web.route('/last', twiml('<Say>bye</Say><Hangup/>'));
  });
  afterEach(async () => { await e.close(); });

  // The applications of the whole script, in order (the call is answered with an api, not an application): speak,
  // playback, sleep, play_and_get_digits (the Gather), record, speak (after the Redirect). The caller hangs up as
  // the n-th of them starts.
  for (let n = 0; n < 6; n++) {
    it(`hangs up as application #${n + 1} starts: the call ends cleanly with one hangup line`, async () => {
      let started = 0;
      const call = e.call({ caller: { speech: [{ atMs: 0, durationMs: 60_000 }] } });
      e.web.route(`/recorded/call_recording_${call.uuid}_1.wav`, { status: 201, body: '' });
      call.on('execute', () => {
        if (started++ === n) call.hangup();
      });
      await e.finish(call);
      assert.equal(call.executed.length, n + 1, appLines(call).join(', '));
      if (call.executed[n]?.app === 'record') {
        // A recording cut as it starts is empty: no upload, no action request; the script ends by itself.
        assert.deepEqual(e.web.requests.map((r) => r.path), ['/voice']);
        assertEndedBy(e, 'hangup', ['call ended']);
      } else assertEndedBy(e, 'hangup');
      assert.deepEqual(e.h.logs.lines.filter((l) => l.level === 'error' || (typeof l.level === 'number' && l.level >= 50)), []);
    });
  }

  it('hangs up while the first document is being fetched: no application runs', async () => {
    e.web.route('/voice', { delayMs: 100, body: twiml('<Say>late</Say>') });
    const call = e.call();
    void e.web.waitForRequests(1).then(() => call.hangup());
    await e.finish(call);
    assert.deepEqual(appLines(call), []);
    assertEndedBy(e, 'hangup', ['request aborted: the call ended', 'call ended during its script', 'call ended']);
  });
});
