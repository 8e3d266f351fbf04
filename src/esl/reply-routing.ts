/**
 * How a connection over modesl hands on a parsed message: a `command/reply` or an `api/response` goes to the oldest
 * callback waiting in modesl's queue for one (replies come in the order the commands went out); anything else is not
 * a reply, and the caller routes it.
 */
import type { EslEvent } from './event.js';
import { ContentType } from './protocol.js';

/** modesl's reply queues, as a connection holds them. */
export interface ReplyQueues {
  cmdCallbackQueue: Array<((...args: unknown[]) => void) | undefined>;
  apiCallbackQueue: Array<((...args: unknown[]) => void) | undefined>;
}

/** Gives `message` to the callback waiting for it: true when it was a reply. */
export function routeReply(queues: ReplyQueues, message: EslEvent): boolean {
  if (message.contentType === ContentType.CommandReply) {
    queues.cmdCallbackQueue.shift()?.(message);
    return true;
  }
  if (message.contentType === ContentType.ApiResponse) {
    queues.apiCallbackQueue.shift()?.(message);
    return true;
  }
  return false;
}
