/**
 * The two ends of a leg between servers as the engine runs them, against the simulator: the receiving end
 * (rooms/leg-arrival.ts) with an in-process source of jobs in place of Redis, and the sending end's bridge
 * (rooms/leg-bridge.ts) with scripted leg outcomes. Nothing is left on the channels afterwards.
 */
import assert from 'node:assert/strict';
import { type ArrivedLeg, type LegArrivals, type LegBridgeReport, type LegSender, bridgeLeg, type VerbRegistry, VERBS }
  from '../../src/call/index.js';
import { CONTINUE } from '../../src/call/verbs/index.js';
import { AppError, type ErrorCode } from '../../src/errors.js';
import type { ChannelData } from '../../src/esl/index.js';
import type { BLegOutcome } from '../../src/sim/index.js';
import { apps, startEngine, switchSteps, type EngineHarness } from '../support/engine-harness.js';
import { eventually } from '../support/harness.js';
import { twiml } from '../support/twiml-server.js';

const TOKEN = 'pivot-leg-' + 'ef'.repeat(16);
const SENDER: LegSender = {
  identity: { callSid: 'CA-sender', accountSid: 'AC-sender', from: '+15550001111', to: '+15550002222', direction: 'inbound' },
  format: 'twilio',
  source: { voiceUrl: 'http://127.0.0.1:9/voice', method: 'POST' },
  document: 'http://127.0.0.1:9/voice',
};

/** Jobs as a test gives them: `take` answers with `arrive()`'s result, replies are kept. */
class TestArrivals implements LegArrivals {
  readonly replies: Array<{ result?: unknown; error?: ErrorCode }> = [];
  constructor(readonly arrive: () => Omit<ArrivedLeg, 'reply'>) {}
  isLeg(data: ChannelData): boolean {
    return data.destinationNumber === TOKEN;
  }
  take(): Promise<ArrivedLeg> {
    return Promise.resolve().then(() => ({ ...this.arrive(), reply: async (o) => { this.replies.push(o); } }));
  }
}

describe('cluster legs in the engine', () => {
  let e: EngineHarness | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  describe('the receiving end', () => {
    it('runs the job on the leg on behalf of the sender, sends the result back and hangs the leg up', async () => {
      const seen: Array<{ callSid: string; accountSid: string; answered: boolean }> = [];
      const arrivals = new TestArrivals(() => ({ kind: 'k', job: { n: 2 }, sender: SENDER,
        handler: async (ctx, job, origin) => {
          seen.push({ callSid: ctx.identity.callSid, accountSid: origin.accountSid, answered: ctx.channel.answered });
          return { doubled: (job as { n: number }).n * 2 };
        } }));
      e = await startEngine({ legs: arrivals });
      const call = e.call({ destinationNumber: TOKEN });
      await e.finish(call);
      assert.deepEqual(seen, [{ callSid: 'CA-sender', accountSid: 'AC-sender', answered: true }]);
      assert.deepEqual(arrivals.replies, [{ result: { doubled: 4 } }]);
      assert.deepEqual(switchSteps(call), ['uuid_answer']);
      assert.equal((await call.ended).hangupCause, 'NORMAL_CLEARING');
      assert.equal(e.web.requests.length, 0, 'no script is fetched for a leg');
    });

    it('a handler that fails: its code goes back to the sender, and the leg is hung up', async () => {
      const arrivals = new TestArrivals(() => ({ kind: 'k', job: {}, sender: SENDER,
        handler: () => Promise.reject(new AppError('ERR_CONFERENCE_FULL', 'full')) }));
      e = await startEngine({ legs: arrivals });
      const call = e.call({ destinationNumber: TOKEN });
      await e.finish(call);
      assert.deepEqual(arrivals.replies, [{ error: 'ERR_CONFERENCE_FULL' }]);
      assert.equal((await call.ended).hangupCause, 'NORMAL_CLEARING');
    });

    it('Redis down when the leg arrives: hung up unanswered with NORMAL_TEMPORARY_FAILURE (a 503 for the sender)', async () => {
      const arrivals = new TestArrivals(() => { throw new AppError('ERR_CLUSTER_REDIS_UNAVAILABLE', 'down'); });
      e = await startEngine({ legs: arrivals });
      const call = e.call({ destinationNumber: TOKEN });
      await e.finish(call);
      assert.equal((await call.ended).hangupCause, 'NORMAL_TEMPORARY_FAILURE');
      assert.equal(switchSteps(call).includes('uuid_answer'), false);
      assert.equal(e.h.logs.withCode('ERR_CLUSTER_REDIS_UNAVAILABLE').length, 1);
    });

    it('a channel that is not a leg runs its script as usual', async () => {
      const arrivals = new TestArrivals(() => { throw new Error('not a leg'); });
      e = await startEngine({ legs: arrivals });
      e.web.route('/voice', twiml('<Hangup/>'));
      const call = e.call({ destinationNumber: '7001' });
      await e.finish(call);
      assert.equal(e.web.requests.length, 1);
    });
  });

  describe('the sending end', () => {
    let reports: LegBridgeReport[] = [];
    const verbs: VerbRegistry = { ...VERBS, Pause: { needsAnswer: true, async run(_verb, ctx) {
      reports.push(await bridgeLeg(ctx, { endpoint: `loopback/${TOKEN}/pivot-cluster`, vars: [['sip_h_X-Pivot-Leg-Socket', '127.0.0.1:1']] }, 3));
      return CONTINUE;
    } } };
    beforeEach(() => {
      reports = [];
    });

    async function send(outcome: BLegOutcome): Promise<LegBridgeReport> {
      e = await startEngine({ verbs, sim: {} });
      e.web.route('/voice', twiml('<Pause/><Say>after</Say>'));
      const before = reports.length;
      const call = e.call({ bridge: [{ match: 'pivot-leg', outcome }] });
      await eventually(() => reports.length > before, 5000, 'the leg to end');
      await eventually(() => apps(call).includes('speak'), 5000, 'the call to go on');
      call.hangup();
      await e.finish(call);
      const bridge = call.executed.find((x) => x.app === 'bridge');
      assert.match(bridge?.arg ?? '', /^\{originate_timeout=3\}\[origination_uuid=[0-9a-f-]{36},sip_h_X-Pivot-Leg-Socket=127\.0\.0\.1:1\]loopback\/pivot-leg-(ef){16}\/pivot-cluster$/);
      return reports[before]!;
    }

    it('answered: completed, with the cause the leg ended with', async () => {
      const report = await send({ type: 'answer', hangupAfterMs: 100 });
      assert.equal(report.outcome, 'completed');
      assert.equal(report.cause, 'NORMAL_CLEARING');
    });

    it('busy, unanswered, refused: the outcome a Dial would report', async () => {
      assert.equal((await send({ type: 'busy' })).outcome, 'busy');
      await e?.close();
      assert.equal((await send({ type: 'no-answer' })).outcome, 'no-answer');
      await e?.close();
      const refused = await send({ type: 'reject', cause: 'CALL_REJECTED' });
      assert.deepEqual([refused.outcome, refused.cause], ['failed', 'CALL_REJECTED']);
    });
  });
});
