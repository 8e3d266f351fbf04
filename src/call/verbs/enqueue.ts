/**
 * `<Enqueue>`: the caller waits in a named queue of its account (rooms/queue-store.ts), hearing its waitUrl
 * documents (rooms/queue-documents.ts), until
 * - another call takes it with `<Dial><Queue>`: the `<Queue url>` document plays to it, both calls meet in a
 *   private room (rooms/bridge-room.ts), and when that ends: QueueResult=bridged;
 * - `<Leave>` runs in a waitUrl document: QueueResult=leave, at once;
 * - it hangs up: it leaves the queue at once; QueueResult=hangup (the action is still requested, its reply not run);
 * - the queue is full (`call.queue.maxSize`): QueueResult=queue-full; a bad name: QueueResult=error;
 * - the shared queues cannot be reached (the cluster's Redis is down): QueueResult=system-error, at once.
 * The action (QueueResult, QueueSid, QueueTime) is requested when there is one; otherwise the next verb runs.
 */
import { AppError } from '../../errors.js';
import type { EnqueueVerb } from '../../twiml/index.js';
import { resolveUrl } from '../../twiml/index.js';
import { onAbort } from '../../util/abort.js';
import { Deferred } from '../../util/deferred.js';
import type { RequestExtras } from '../../webhook/index.js';
import { isCallEnded } from '../call-actions.js';
import type { CallContext } from '../call-context.js';
import { scaledSeconds } from '../durations.js';
import { requestAfterHangup } from '../fetch-document.js';
import { joinBridgeRoom } from '../rooms/bridge-room.js';
import { holdInQueue, playDequeueDocument } from '../rooms/queue-documents.js';
import type { BridgeOffer, QueueStanding } from '../rooms/queue-store.js';
import { queueKey } from '../rooms/room-names.js';
import { callNode, queueUnavailable } from '../rooms/shared-queue-errors.js';
import { CONTINUE, END, navigate, type VerbHandler, type VerbOutcome } from './verb-handler.js';
import { logCode } from '../../log-code.js';

type QueueResult = 'bridged' | 'leave' | 'hangup' | 'error' | 'queue-full' | 'system-error';

/** The reason the hold is stopped with when another call takes the caller. */
class TakenSignal extends AppError {
  constructor() {
    super('ERR_ABORTED', 'taken from the queue');
  }
}

/** Whole seconds of call time since `sinceMs` (epoch milliseconds, as the queue keeps them). */
function secondsSince(ctx: CallContext, sinceMs: number): number {
  return scaledSeconds(Date.now() - sinceMs, ctx.settings.timeScale);
}

async function finish(ctx: CallContext, verb: EnqueueVerb, result: QueueResult, queueSid: string | undefined,
  queueTime: number): Promise<VerbOutcome> {
  ctx.log.info({ verb: 'Enqueue', queueResult: result, queueSid, queueTime }, 'left the queue');
  const extra: Array<readonly [string, string]> = [['QueueResult', result]];
  if (queueSid !== undefined) extra.push(['QueueSid', queueSid]);
  extra.push(['QueueTime', String(queueTime)]);
  const extras: RequestExtras = { extra };
  if (verb.action === undefined) return ctx.signal.aborted ? END : CONTINUE;
  const url = resolveUrl(verb.action, ctx.state.document);
  if (!ctx.signal.aborted) return navigate(url, verb.method, extras);
  await requestAfterHangup(ctx, { url, method: verb.method, extras });
  return END;
}

/** Played the Queue url, then in the bridge room until it ends. Returns the QueueResult. */
async function connect(ctx: CallContext, offer: BridgeOffer, queueSid: string, queueTime: number): Promise<QueueResult> {
  try {
    await ctx.channel.breakMedia();
    if (offer.url !== undefined) {
      await playDequeueDocument(ctx, offer.url, offer.method, { extra: [['QueueSid', queueSid],
        ['QueueTime', String(queueTime)], ['DequeueingCallSid', offer.dequeuerCallSid]] });
    }
    const stay = await joinBridgeRoom(ctx, offer.room, offer.link, 'queued');
    if (stay.joined) return 'bridged';
    return stay.hungUp ? 'hangup' : 'error';
  } catch (err) {
    offer.link.markLeft('queued');
    if (isCallEnded(err)) return 'hangup';
    throw err;
  }
}

async function runEnqueue(verb: EnqueueVerb, ctx: CallContext): Promise<VerbOutcome> {
  let key: string;
  try {
    key = queueKey(ctx.identity.accountSid, verb.name);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    ctx.log.warn({ code: err.code, line: verb.position.line }, err.message);
    return finish(ctx, verb, 'error', undefined, 0);
  }
  const store = ctx.rooms.queues;
  const queueSid = store.sidOf(key);
  const callSid = ctx.identity.callSid;
  const enqueuedAtMs = Date.now();
  const offered = new Deferred<BridgeOffer>();
  const stop = new AbortController();
  const maxSize = ctx.settings.queue.maxSize;
  let queued: boolean;
  try {
    queued = await store.enqueue(key, { callSid, enqueuedAtMs, coreUuid: callNode(ctx) }, maxSize, (offer) => {
      offered.resolve(offer);
      stop.abort(new TakenSignal());
    });
  } catch (err) {
    if (!queueUnavailable(ctx, err, queueSid)) throw err;
    return finish(ctx, verb, 'system-error', queueSid, 0);
  }
  if (!queued) {
    logCode(ctx.log, 'ERR_QUEUE_FULL', { queueSid, maxSize }, 'queue full');
    return finish(ctx, verb, 'queue-full', queueSid, 0);
  }
  let left = false;
  const offHangup = onAbort(ctx.signal, () => void store.remove(key, callSid).catch(() => undefined));
  let known: QueueStanding | undefined;
  ctx.state.queueWait = { leave: () => { left = true; } };
  const hold: CallContext = { ...ctx, signal: AbortSignal.any([ctx.signal, stop.signal]) };
  try {
    await holdInQueue(hold, {
      waitUrl: verb.waitUrl === undefined ? undefined : resolveUrl(verb.waitUrl, ctx.state.document),
      method: verb.waitUrlMethod,
      hasLeft: () => left,
      params: async () => {
        // While the shared queues cannot say, the caller hears where it last stood.
        const standing = known = await store.standing(key, callSid).catch(() => known);
        return { extra: [['QueuePosition', String(standing?.position ?? 0)], ['QueueSid', queueSid],
          ['QueueTime', String(secondsSince(ctx, enqueuedAtMs))],
          ['AvgQueueTime', String(scaledSeconds(standing?.averageWaitMs ?? 0, ctx.settings.timeScale))],
          ['CurrentQueueSize', String(standing?.size ?? 0)], ['MaxQueueSize', String(maxSize)]] };
      },
    });
  } catch (err) {
    if (!(stop.signal.aborted && !ctx.signal.aborted) && !isCallEnded(err)) throw err;
  } finally {
    offHangup();
    ctx.state.queueWait = undefined;
  }
  const queueTime = secondsSince(ctx, enqueuedAtMs);
  if (ctx.signal.aborted && !stop.signal.aborted) return finish(ctx, verb, 'hangup', queueSid, queueTime);
  if (left && (await store.remove(key, callSid))) return finish(ctx, verb, 'leave', queueSid, queueTime);
  // Taken (perhaps while leaving or hanging up): the taker is told either way.
  const offer = await offered.promise;
  if (ctx.signal.aborted) {
    offer.link.markLeft('queued');
    return finish(ctx, verb, 'hangup', queueSid, queueTime);
  }
  return finish(ctx, verb, await connect(ctx, offer, queueSid, queueTime), queueSid, queueTime);
}

/** The `<Enqueue>` handler. */
export const enqueue: VerbHandler<EnqueueVerb> = {
  needsAnswer: true,
  run: runEnqueue,
};
