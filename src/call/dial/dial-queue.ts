/**
 * `<Dial><Queue>`: takes the first caller of the named queue of this account, as Twilio does:
 * - a queue no call ever entered: the Dial fails (`failed`), with QueueSid;
 * - an empty queue: the Dial waits for the next caller up to its `timeout`, then ends as `no-answer`;
 * - a taken caller first hears the `<Queue url>` document (QueueSid, QueueTime, DequeueingCallSid), then both
 *   calls meet in a private room (rooms/bridge-room.ts); a taken caller that is gone before it gets there is
 *   passed over for the next one.
 * When the two have been connected and one of them leaves, the outcome is `completed` with DialCallSid (the
 * dequeued call), DialCallDuration (seconds connected), QueueSid and QueueTime. With a queue shared by the servers
 * of a cluster, a caller on this node meets here; one on another node (when `cluster.nodes` lets this server reach
 * it) is met there, over a leg (rooms/queue-leg.ts); without `cluster.nodes`, only callers on this node are taken.
 * The shared queues out of reach (the cluster's Redis down): the Dial fails at once (ERR_QUEUE_UNAVAILABLE).
 */
import { AppError } from '../../errors.js';
import type { DialVerb, QueueNoun } from '../../twiml/index.js';
import { resolveUrl } from '../../twiml/index.js';
import type { RequestExtras } from '../../webhook/index.js';
import { ensureAnswered } from '../call-actions.js';
import type { CallContext } from '../call-context.js';
import { scaledSeconds } from '../durations.js';
import { joinBridgeRoom, waitForQueued } from '../rooms/bridge-room.js';
import { createBridgeLink, newBridgeId } from '../rooms/memory-queue-store.js';
import { QUEUE_LEG, type QueueLegJob, type QueueLegResult } from '../rooms/queue-leg.js';
import type { ClusterPlace, RemoteReach } from '../rooms/remote-reach.js';
import { bridgeRoom, queueKey } from '../rooms/room-names.js';
import { callNode, queueUnavailable } from '../rooms/shared-queue-errors.js';
import type { DialOutcome, DialTarget } from './dial-outcome.js';
import { logCode } from '../../log-code.js';

export const dialQueue: DialTarget<QueueNoun> = async (dial, noun, ctx) => {
  let key: string;
  try {
    key = queueKey(ctx.identity.accountSid, noun.name);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    ctx.log.warn({ code: err.code, line: noun.position.line }, err.message);
    return { status: 'failed' };
  }
  const store = ctx.rooms.queues;
  const queueSid = store.sidOf(key);
  try {
    return await takeAndMeet(dial, noun, ctx, key, queueSid);
  } catch (err) {
    if (!queueUnavailable(ctx, err, queueSid)) throw err;
    return { status: 'failed', extras: { extra: [['QueueSid', queueSid]] } };
  }
};

/** Takes callers until one is connected, none comes within the Dial timeout, or this call ends. */
async function takeAndMeet(dial: DialVerb, noun: QueueNoun, ctx: CallContext, key: string,
  queueSid: string): Promise<DialOutcome> {
  const store = ctx.rooms.queues;
  if (!(await store.exists(key))) {
    logCode(ctx.log, 'ERR_QUEUE_NOT_FOUND', { queueSid }, 'no such queue; Dial failed');
    return { status: 'failed', extras: { extra: [['QueueSid', queueSid]] } };
  }
  await ensureAnswered(ctx);
  const deadline = performance.now() + dial.timeout * 1000 * ctx.settings.timeScale;
  const url = noun.url === undefined ? undefined : resolveUrl(noun.url, ctx.state.document);
  // A server that cannot reach other nodes takes the callers on its own node only.
  const reach = ctx.settings.queue.acrossNodes ? ctx.rooms.reach : undefined;
  const node = reach ? undefined : callNode(ctx);
  for (;;) {
    const taken = await store.takeFirst(key, { timeoutMs: Math.max(0, deadline - performance.now()), signal: ctx.signal,
      ...(node !== undefined && { node }) });
    if (taken === undefined) {
      return { status: ctx.signal.aborted ? 'canceled' : 'no-answer', extras: { extra: [['QueueSid', queueSid]] } };
    }
    const queueTime = scaledSeconds(Date.now() - taken.enqueuedAtMs, ctx.settings.timeScale);
    const extras: RequestExtras = { extra: [['QueueSid', queueSid], ['QueueTime', String(queueTime)]] };
    if (reach && taken.place && !reach.sameNode(ctx, taken.place)) {
      const met = await meetOnItsNode(ctx, reach, taken.place, { callSid: taken.callSid, method: noun.method,
        ...(url && { url: url.href }) });
      ctx.log.info({ verb: 'Dial', queueSid, dequeued: taken.callSid, queueTime, node: taken.place.coreUuid, ...met },
        'took a caller from the queue on another node');
      if (ctx.signal.aborted) return { status: 'canceled', callSid: taken.callSid, extras: { extra: [['QueueSid', queueSid]] } };
      if (!met.joined) {
        logCode(ctx.log, 'ERR_QUEUE_BRIDGE_FAILED', { dequeued: taken.callSid }, 'the taken caller could not be met; trying the next');
        continue;
      }
      return { status: 'completed', callSid: taken.callSid, duration: met.seconds, extras };
    }
    const link = createBridgeLink();
    const room = bridgeRoom(ctx.identity.accountSid, newBridgeId());
    const accepted = await taken.offer({ room, dequeuerCallSid: ctx.identity.callSid, method: noun.method, link,
      ...(url ? { url } : {}) });
    ctx.log.info({ verb: 'Dial', queueSid, dequeued: taken.callSid, queueTime, accepted }, 'took a caller from the queue');
    if (!accepted || !(await waitForQueued(ctx, link))) {
      if (ctx.signal.aborted) {
        link.markLeft('dequeuer');
        return { status: 'canceled', callSid: taken.callSid, extras: { extra: [['QueueSid', queueSid]] } };
      }
      logCode(ctx.log, 'ERR_QUEUE_BRIDGE_FAILED', { dequeued: taken.callSid }, 'the taken caller left; trying the next');
      continue;
    }
    const stay = await joinBridgeRoom(ctx, room, link, 'dequeuer');
    return {
      status: stay.joined ? 'completed' : 'failed',
      callSid: taken.callSid,
      duration: stay.seconds,
      extras,
    };
  }
}

/**
 * Brings this call to the queued caller's node (a leg to its server, which offers it the meeting and joins the room
 * there as this call's side): whether they met, and for how long. A leg that never reached that server leaves the
 * caller taken but not offered: its server puts it back in line within two leases.
 */
async function meetOnItsNode(ctx: CallContext, reach: RemoteReach, place: ClusterPlace,
  job: QueueLegJob): Promise<{ joined: boolean; seconds: number }> {
  const leg = await reach.run(ctx, place, QUEUE_LEG, job);
  const result = leg.result as Partial<QueueLegResult> | undefined;
  return { joined: result?.joined === true, seconds: typeof result?.seconds === 'number' ? result.seconds : 0 };
}
