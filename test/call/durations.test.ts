import assert from 'node:assert/strict';
import {
  answeredAtUs, bridgedAtUs, eventTimeUs, hungUpAtUs, recordingSeconds, scaledSeconds, wholeSeconds,
} from '../../src/call/durations.js';
import type { EslEvent } from '../../src/esl/event.js';
import { feed } from '../esl/frame-feed.js';
import { fixture } from '../support/frames.js';

/** One captured FreeSWITCH 1.10.12 event of the answered-bridge scenario. */
function captured(file: string): EslEvent {
  const [event] = feed([fixture(`bridge-answered-plain/${file}`)]).messages;
  assert.ok(event?.isEvent, file);
  return event;
}

describe('durations', () => {
  it('reads the answer, bridge and hangup times FreeSWITCH sends', () => {
    const answer = captured('06-channel-answer.txt');
    const bridge = captured('10-channel-bridge.txt');
    const hangup = captured('16-channel-hangup.txt');
    const complete = captured('19-channel-hangup-complete.txt');
    assert.equal(answeredAtUs(answer), 1795464484576905);
    assert.equal(answeredAtUs(hangup), 1795464484576905, 'every later event carries the answer time');
    assert.equal(bridgedAtUs(bridge), 1795464484656932);
    assert.equal(hungUpAtUs(hangup), 1795464487216914, 'CHANNEL_HANGUP has no hangup time yet: its own time');
    assert.equal(hungUpAtUs(complete), 1795464487216914, 'end_uepoch');
    assert.equal(eventTimeUs(captured('11-channel-unbridge.txt')), 1795464486656919);
  });

  it('whole seconds, rounded down: never more than what happened (FreeSWITCH\'s billsec is not)', () => {
    const complete = captured('19-channel-hangup-complete.txt');
    assert.equal(complete.variable('billusec'), '2640009');
    assert.equal(complete.variable('billsec'), '3', 'epoch seconds subtracted');
    assert.equal(wholeSeconds(answeredAtUs(complete), hungUpAtUs(complete)), 2);
    assert.equal(wholeSeconds(bridgedAtUs(captured('10-channel-bridge.txt')), eventTimeUs(captured('11-channel-unbridge.txt'))), 1,
      'a bridge of 1.999987 s');
    assert.equal(wholeSeconds(1_000_000, 2_200_000), 1);
    assert.equal(wholeSeconds(1_000_000, 6_000_000), 5);
    assert.equal(wholeSeconds(undefined, 6_000_000), 0);
    assert.equal(wholeSeconds(6_000_000, 1_000_000), 0);
  });

  it('the server\'s own clock is scaled like its timers and rounded down', () => {
    assert.equal(scaledSeconds(2_999, 1), 2);
    assert.equal(scaledSeconds(26, 0.01), 2);
    assert.equal(scaledSeconds(-5, 1), 0);
  });

  it('a recording is its audio rounded to the nearest second, at least 1', () => {
    assert.equal(recordingSeconds(980), 1, 'a key pressed 1.0 s in gave about 980 ms');
    assert.equal(recordingSeconds(0), 1);
    assert.equal(recordingSeconds(3_960), 4);
    assert.equal(recordingSeconds(4_400), 4);
  });
});
