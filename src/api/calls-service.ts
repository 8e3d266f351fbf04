/**
 * The Calls resource of Twilio's REST API as this server serves it: what the HTTP layer (calls-api-server.ts)
 * hands to the service that places, finds and controls calls, and what it gets back. The HTTP layer owns the wire
 * (paths, Basic authentication, form bodies, Twilio's JSON and error shapes, paging); the service owns the calls
 * (validation of what is dialled and run, origination, interruption of live calls, the registry of calls).
 *
 * Errors: the service throws AppError codes from the catalogue (src/errors.ts) that carry Twilio's number and
 * HTTP status; the HTTP layer turns any of them into `{"code","message","more_info","status"}`.
 */
import type { HttpMethod } from '../twiml/index.js';

/** Twilio's call statuses, as the Calls resource reports them. */
export type ApiCallStatus =
  | 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';

/** How a call came to be: it arrived, it was created through this API, or it is a leg a `<Dial>` placed. */
export type ApiCallDirection = 'inbound' | 'outbound-api' | 'outbound-dial';

/** The status callback events a created call may ask for. */
export type StatusCallbackEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

/** One call as the API shows it. Times are absent until they happen. */
export interface CallResource {
  /** The CallSid of the call's webhooks: the FreeSWITCH uuid of a call that arrived, `CA` + 32 hex of a created one. */
  readonly sid: string;
  /** `AC` + 32 hex digits (a Kazoo account id is shown as `AC<id>`). */
  readonly accountSid: string;
  readonly to: string;
  readonly from: string;
  readonly status: ApiCallStatus;
  readonly direction: ApiCallDirection;
  readonly parentCallSid?: string;
  readonly callerName?: string;
  readonly forwardedFrom?: string;
  readonly dateCreated: Date;
  readonly dateUpdated: Date;
  /** When the call was answered (Twilio: when it started). */
  readonly startTime?: Date;
  readonly endTime?: Date;
  /** Whole seconds from answer to end, once ended. */
  readonly duration?: number;
}

/** A create request (POST Calls.json), parsed and checked for form by the HTTP layer. */
export interface CreateCallRequest {
  readonly accountSid: string;
  readonly to: string;
  readonly from: string;
  /** Exactly one of `url` and `twiml`. */
  readonly url?: URL;
  readonly method: HttpMethod;
  readonly twiml?: string;
  readonly fallbackUrl?: URL;
  readonly fallbackMethod: HttpMethod;
  readonly statusCallback?: URL;
  readonly statusCallbackMethod: HttpMethod;
  /** Default: `completed` only, as Twilio has it. */
  readonly statusCallbackEvents: ReadonlySet<StatusCallbackEvent>;
  /** Ring seconds before no-answer (Twilio: default 60, at most 600). */
  readonly timeoutSeconds: number;
  /** Digits sent once the call is answered (`w` waits half a second), before the TwiML runs. */
  readonly sendDigits?: string;
  /** The longest the call may last once answered, in seconds. */
  readonly timeLimitSeconds?: number;
  /** Caller id shown to the callee in place of `from`. */
  readonly callerId?: string;
}

/** An update request (POST Calls/{Sid}.json). */
export interface UpdateCallRequest {
  readonly url?: URL;
  readonly method: HttpMethod;
  readonly twiml?: string;
  readonly status?: 'completed' | 'canceled';
  /** With `url` or `twiml`: the call's fallback from then on, the new document's included. */
  readonly fallbackUrl?: URL;
  readonly fallbackMethod: HttpMethod;
  /** Where the call's status callbacks go from then on (a call that had none: its `completed`). */
  readonly statusCallback?: URL;
  readonly statusCallbackMethod: HttpMethod;
}

/** The filters of a list request (GET Calls.json), as Twilio names them. */
export interface CallListFilter {
  readonly to?: string;
  readonly from?: string;
  readonly status?: ApiCallStatus;
  readonly parentCallSid?: string;
  /** `StartTime`, `StartTime<` and `StartTime>`: a day (YYYY-MM-DD, UTC) or a moment. */
  readonly startTime?: { readonly op: 'on' | 'before' | 'after'; readonly value: Date; readonly day: boolean };
}

/** One page of a list: newest first (by dateCreated). */
export interface CallPage {
  readonly calls: readonly CallResource[];
  /** True when a further page exists. */
  readonly more: boolean;
}

/** What the HTTP layer asks of the calls. Every method is scoped to one account: another account's call is absent. */
export interface CallsService {
  /** Validates, registers the call as `queued` and starts placing it; resolves once it is queued (not answered). */
  create(request: CreateCallRequest): Promise<CallResource>;
  /** The call, or undefined when this account has no such call here. `callSid` may be the uuid or `CA` + 32 hex. */
  fetch(accountSid: string, callSid: string): Promise<CallResource | undefined>;
  /** `pageSize` calls from `page` (0-based) of those that match. */
  list(accountSid: string, filter: CallListFilter, page: number, pageSize: number): Promise<CallPage>;
  /**
   * Redirects (url/twiml) or ends (status) a call, and moves its status callbacks (statusCallback); resolves with
   * the call as it is after the change.
   * @throws AppError with Twilio's number: not found (20404), not in progress (21220), ...
   */
  update(accountSid: string, callSid: string, request: UpdateCallRequest): Promise<CallResource>;
}
