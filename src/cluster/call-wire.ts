/**
 * Calls and updates of calls as JSON, between the servers of a cluster: a call (CallResource) as the shared registry
 * stores it and as a forwarded update answers it, and an update request (UpdateCallRequest) as it is forwarded to
 * the server that runs the call. Dates and URLs travel as strings and are read back here; a message that does not
 * have the expected shape is refused with ERR_CLUSTER_MESSAGE_INVALID.
 */
import type { CallResource, UpdateCallRequest } from '../api/calls-service.js';
import { AppError } from '../errors.js';
import type { HttpMethod } from '../twiml/index.js';

/** A call as JSON has it: its dates as ISO strings. */
type WireCall = Omit<CallResource, 'dateCreated' | 'dateUpdated' | 'startTime' | 'endTime'> & {
  dateCreated: string; dateUpdated: string; startTime?: string; endTime?: string;
};

/** An update as JSON has it: its URLs as strings. */
interface WireUpdate {
  readonly url?: string;
  readonly method: HttpMethod;
  readonly twiml?: string;
  readonly status?: 'completed' | 'canceled';
  readonly fallbackUrl?: string;
  readonly fallbackMethod: HttpMethod;
  readonly statusCallback?: string;
  readonly statusCallbackMethod: HttpMethod;
}

function invalid(what: string): AppError {
  return new AppError('ERR_CLUSTER_MESSAGE_INVALID', `not a ${what} between servers of the cluster`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function dateOf(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The call `value` (a CallResource that went through JSON) stands for. */
export function callFromWire(value: unknown): CallResource {
  if (!isObject(value) || typeof value['sid'] !== 'string' || typeof value['accountSid'] !== 'string') {
    throw invalid('call');
  }
  const { dateCreated, dateUpdated, startTime, endTime, ...rest } = value as unknown as WireCall;
  const created = dateOf(dateCreated);
  const updated = dateOf(dateUpdated);
  if (created === undefined || updated === undefined) throw invalid('call');
  const start = dateOf(startTime);
  const end = dateOf(endTime);
  return {
    ...rest, dateCreated: created, dateUpdated: updated,
    ...(start !== undefined && { startTime: start }), ...(end !== undefined && { endTime: end }),
  };
}

/** The call stored as a JSON text; {@link callFromWire} of its parse gives it back. */
export function callToJson(call: CallResource): string {
  return JSON.stringify(call);
}

/** `request` as JSON can carry it. */
export function updateToWire(request: UpdateCallRequest): WireUpdate {
  return {
    ...(request.url !== undefined && { url: request.url.href }),
    method: request.method,
    ...(request.twiml !== undefined && { twiml: request.twiml }),
    ...(request.status !== undefined && { status: request.status }),
    ...(request.fallbackUrl !== undefined && { fallbackUrl: request.fallbackUrl.href }),
    fallbackMethod: request.fallbackMethod,
    ...(request.statusCallback !== undefined && { statusCallback: request.statusCallback.href }),
    statusCallbackMethod: request.statusCallbackMethod,
  };
}

function methodOf(value: unknown): HttpMethod {
  if (value === 'GET' || value === 'POST') return value;
  throw invalid('call update');
}

function urlOf(value: unknown): URL | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !URL.canParse(value)) throw invalid('call update');
  return new URL(value);
}

/** The update `value` (from {@link updateToWire}, through JSON) stands for. */
export function updateFromWire(value: unknown): UpdateCallRequest {
  if (!isObject(value)) throw invalid('call update');
  const { twiml, status } = value;
  if (twiml !== undefined && typeof twiml !== 'string') throw invalid('call update');
  if (status !== undefined && status !== 'completed' && status !== 'canceled') throw invalid('call update');
  const url = urlOf(value['url']);
  const fallbackUrl = urlOf(value['fallbackUrl']);
  const statusCallback = urlOf(value['statusCallback']);
  return {
    ...(url !== undefined && { url }),
    method: methodOf(value['method']),
    ...(twiml !== undefined && { twiml }),
    ...(status !== undefined && { status }),
    ...(fallbackUrl !== undefined && { fallbackUrl }),
    fallbackMethod: methodOf(value['fallbackMethod']),
    ...(statusCallback !== undefined && { statusCallback }),
    statusCallbackMethod: methodOf(value['statusCallbackMethod']),
  };
}
