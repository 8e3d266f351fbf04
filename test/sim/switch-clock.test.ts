/** The switch's clock: channel timestamps and event times run at the simulated speed. */
import assert from 'node:assert/strict';
import { SwitchClock } from '../../src/sim/util/clock.js';
import { SimSession } from './helpers/sim-session.js';

describe('switch clock', () => {
  it('runs 1/timeScale times real time from the real time it started, and never goes back', async () => {
    const realStartUs = (performance.timeOrigin + performance.now()) * 1000;
    const clock = new SwitchClock(0.01);
    const first = clock.nowUs();
    assert.ok(Math.abs(first - realStartUs) < 1_000_000, 'starts at the real time');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const later = clock.nowUs();
    assert.ok(later - first >= 1_900_000, `20 ms of real time are about 2 s of switch time, not ${(later - first) / 1e6} s`);
    clock.reach(later + 5_000_000);
    assert.equal(clock.nowUs(), later + 5_000_000, 'a timer that fired has its time passed');
    assert.ok(clock.nowUs() >= later + 5_000_000);
  });

  it('sched_hangup +2 returns at once and hangs up when the clock reaches the epoch second plus 2', async () => {
    const s = await SimSession.ready({}, { timeScale: 0.1 });
    try {
      await s.execute('answer');
      await s.complete('answer');
      while (s.sim.clock.nowUs() % 1e6 < 300_000 || s.sim.clock.nowUs() % 1e6 > 500_000) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await s.execute('sched_hangup', '+2');
      const ran = Number((await s.complete('sched_hangup')).get('Event-Date-Timestamp'));
      const hangup = await s.until((m) => m.type === 'CHANNEL_HANGUP');
      assert.equal(hangup.get('Hangup-Cause'), 'ALLOTTED_TIMEOUT');
      const at = Number(hangup.get('Event-Date-Timestamp'));
      const due = (Math.floor(ran / 1e6) + 2) * 1e6;
      assert.ok(at >= due && at < due + 200_000, `${(at - due) / 1e6} s after the epoch second plus 2`);
      assert.ok(at - ran < 1_800_000, `hung up ${(at - ran) / 1e6} s after it ran, not 2 s`);
    } finally {
      await s.close();
    }
  });

  it('a 3 s playback at a 0.01 time scale is 3 s apart in the events, answer and end times as FreeSWITCH sees them', async () => {
    const s = await SimSession.ready({}, { timeScale: 0.01, mediaDurations: { '/sounds/three.wav': 3000 } });
    try {
      await s.execute('answer');
      await s.execute('playback', '/sounds/three.wav');
      const start = Number((await s.until((m) => m.type === 'PLAYBACK_START')).get('Event-Date-Timestamp'));
      const stop = Number((await s.until((m) => m.type === 'PLAYBACK_STOP')).get('Event-Date-Timestamp'));
      assert.ok(stop - start >= 3_000_000 && stop - start < 4_000_000, `${(stop - start) / 1e6} s apart`);
      await s.execute('hangup');
      const hangup = await s.until((m) => m.type === 'CHANNEL_HANGUP');
      const complete = await s.until((m) => m.type === 'CHANNEL_HANGUP_COMPLETE');
      assert.equal(complete.get('variable_end_uepoch'), hangup.get('Event-Date-Timestamp'), 'the end is the hangup');
      assert.equal(complete.get('Caller-Channel-Hangup-Time'), hangup.get('Event-Date-Timestamp'));
      const billed = Number(complete.get('variable_billusec'));
      assert.equal(billed, Number(complete.get('variable_end_uepoch')) - Number(complete.get('variable_answer_uepoch')));
      assert.ok(billed >= 3_000_000, `billed ${billed / 1e6} s`);
    } finally {
      await s.close();
    }
  });
});
