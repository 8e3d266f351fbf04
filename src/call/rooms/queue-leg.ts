/**
 * A `<Dial><Queue>` whose caller waits on another FreeSWITCH node: the taker's call is brought to that node by a leg
 * (remote-reach.ts), and the server of the queued call runs this job on the leg's channel, on behalf of the taker:
 * it offers the meeting to its waiting caller (a private room on its own node), waits for the caller to get there,
 * and joins the room as the taker's side. What it returns tells the taker's server how it went.
 */
import { AppError } from '../../errors.js';
import { joinBridgeRoom, waitForQueued } from './bridge-room.js';
import { createBridgeLink, newBridgeId } from './memory-queue-store.js';
import type { LocalOffers } from './queue-store.js';
import type { LegHandler } from './remote-reach.js';
import { bridgeRoom } from './room-names.js';

/** The kind of the job. */
export const QUEUE_LEG = 'queue-bridge';

/** What the taker's server sends. */
export interface QueueLegJob {
  /** The taken caller (a call of the server at the place). */
  readonly callSid: string;
  /** The `<Queue url>`, already resolved, and its method. */
  readonly url?: string;
  readonly method: 'GET' | 'POST';
}

/** What comes back: whether the caller was still waiting, whether the two met, and for how long. */
export interface QueueLegResult {
  readonly offered: boolean;
  readonly joined: boolean;
  readonly seconds: number;
}

function isJob(value: unknown): value is QueueLegJob {
  const v = value as Partial<QueueLegJob> | null;
  return typeof v === 'object' && v !== null && typeof v.callSid === 'string' && (v.method === 'GET' || v.method === 'POST')
    && (v.url === undefined || typeof v.url === 'string');
}

/** The job's handler on the server of the queued calls, over its store. */
export function queueLegHandler(offers: LocalOffers): LegHandler {
  return async (legCtx, job, origin): Promise<QueueLegResult> => {
    if (!isJob(job)) throw new AppError('ERR_CLUSTER_MESSAGE_INVALID', 'a queue leg\'s job could not be read');
    const link = createBridgeLink();
    const room = bridgeRoom(origin.accountSid, newBridgeId());
    const offered = await offers.offerTaken(job.callSid, { room, dequeuerCallSid: origin.callSid, method: job.method, link,
      ...(job.url !== undefined && { url: new URL(job.url) }) });
    if (!offered) return { offered: false, joined: false, seconds: 0 };
    if (!(await waitForQueued(legCtx, link))) {
      link.markLeft('dequeuer');
      return { offered: true, joined: false, seconds: 0 };
    }
    const stay = await joinBridgeRoom(legCtx, room, link, 'dequeuer');
    return { offered: true, joined: stay.joined, seconds: stay.seconds };
  };
}
