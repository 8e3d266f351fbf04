/**
 * What the Calls service asks of the part of the server that places calls through FreeSWITCH (origination): the
 * service checks accounts and states and keeps the registry; placing a call and cancelling one that has not been
 * answered yet are this interface's.
 */
import type { HttpMethod } from '../twiml/index.js';
import type { CallResource, CreateCallRequest } from './calls-service.js';

/** Places created calls and cancels them while they are queued or ringing. */
export interface CallPlacer {
  /**
   * Validates `request` (Twiml included, before anything is dialled), records the call as `queued` in the registry
   * and starts placing it; resolves with the queued call.
   * @throws AppError with Twilio's number for a request that cannot be placed.
   */
  place(request: CreateCallRequest): Promise<CallResource>;
}

/** The created calls that are queued or ringing. */
export interface PendingCalls {
  /**
   * Moves the status callbacks of the created call whose channel uuid is `uuid` to `url` with `method` (a call
   * created without a status callback gets its `completed` there). False when it is not a call of this server's
   * that has not ended.
   */
  moveStatus(uuid: string, url: URL, method: HttpMethod): boolean;
  /**
   * Cancels the created call whose channel uuid is `uuid` while it is queued or ringing: it ends `canceled`.
   * False when it is not pending here (answered already, ended, or not a call this server placed).
   */
  cancel(uuid: string): Promise<boolean>;
}
