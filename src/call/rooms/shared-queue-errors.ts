/**
 * What a queue verb does when the shared queues cannot be reached (the cluster's Redis is down or too slow): the
 * store rejects with an ERR_CLUSTER_* code; the verb logs ERR_QUEUE_UNAVAILABLE with the call's ids and takes its
 * defined outcome (Enqueue: QueueResult=system-error; Dial Queue: failed).
 */
import { AppError } from '../../errors.js';
import { logCode } from '../../log-code.js';
import type { CallContext } from '../call-context.js';

/** The FreeSWITCH node of the call's channel (`Core-UUID`; '' when FreeSWITCH did not say). */
export function callNode(ctx: CallContext): string {
  return ctx.channel.data.header('Core-UUID') ?? '';
}

/** Whether `err` says that the shared queues could not be reached; if so, it is logged for the call. */
export function queueUnavailable(ctx: CallContext, err: unknown, queueSid: string): boolean {
  if (!(err instanceof AppError) || !err.code.startsWith('ERR_CLUSTER_')) return false;
  logCode(ctx.log, 'ERR_QUEUE_UNAVAILABLE', { queueSid, cause: err.code }, 'the shared queues cannot be reached');
  return true;
}
