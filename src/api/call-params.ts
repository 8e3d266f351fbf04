/**
 * The parameters of the Calls API, checked for form before the service is asked: what is missing or malformed is
 * refused here with Twilio's number (To 21201, From 21213, Url/Twiml 21205, any other value 21200); what only the
 * service can judge (the number dialled, the TwiML, the call's state) is left to it.
 */
import { AppError } from '../errors.js';
import type { HttpMethod } from '../twiml/index.js';
import type {
  ApiCallStatus, CallListFilter, CreateCallRequest, StatusCallbackEvent, UpdateCallRequest,
} from './calls-service.js';
import type { FormParams } from './form-params.js';

const STATUS_CALLBACK_EVENTS: readonly StatusCallbackEvent[] = ['initiated', 'ringing', 'answered', 'completed'];
const CALL_STATUSES: readonly ApiCallStatus[] = [
  'queued', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled'];

/** Twilio's default and largest ring time of a created call, in seconds. */
const DEFAULT_TIMEOUT_SECONDS = 60;
const MAX_TIMEOUT_SECONDS = 600;
/** The longest TimeLimit accepted: a day, in seconds. */
const MAX_TIME_LIMIT_SECONDS = 86_400;
/** Twilio's default and largest page size. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/**
 * Create parameters of Twilio's that this server does not carry out: asking for them is refused rather than
 * silently ignored (a recording or machine detection that never happens would mislead).
 */
const UNSUPPORTED_CREATE = ['ApplicationSid', 'MachineDetection', 'SipAuthUsername', 'SipAuthPassword', 'Byoc',
  'CallToken', 'ClientNotificationUrl'] as const;
/** Flags of Twilio's that this server does not carry out, refused when true. */
const UNSUPPORTED_CREATE_FLAGS = ['Record', 'AsyncAmd'] as const;

/** The create request of account `accountSid` from its form. */
export function createCallRequest(accountSid: string, form: FormParams): CreateCallRequest {
  refuseUnsupported(form);
  const to = nonEmpty(form.get('To'));
  if (to === undefined) throw new AppError('ERR_API_TO_MISSING', "A 'To' phone number is required.");
  const from = nonEmpty(form.get('From'));
  if (from === undefined) throw new AppError('ERR_API_FROM_MISSING', "A 'From' phone number is required.");
  const document = documentOf(form, true);
  const callerId = nonEmpty(form.get('CallerId'));
  const sendDigits = nonEmpty(form.get('SendDigits'));
  if (sendDigits !== undefined && !/^[0-9*#wW]{1,32}$/.test(sendDigits)) {
    throw paramError('SendDigits', sendDigits, 'digits 0-9, * and #, and w to wait half a second (at most 32)');
  }
  const timeLimit = form.get('TimeLimit');
  return {
    accountSid, to, from, ...document,
    ...callbacks(form),
    statusCallbackEvents: statusCallbackEvents(form),
    timeoutSeconds: wholeNumber(form, 'Timeout', 1, MAX_TIMEOUT_SECONDS) ?? DEFAULT_TIMEOUT_SECONDS,
    ...(sendDigits !== undefined && { sendDigits }),
    ...(timeLimit !== undefined && { timeLimitSeconds: wholeNumber(form, 'TimeLimit', 1, MAX_TIME_LIMIT_SECONDS) }),
    ...(callerId !== undefined && { callerId }),
  };
}

/** The update request from its form. */
export function updateCallRequest(form: FormParams): UpdateCallRequest {
  if (form.has('TimeLimit')) throw unsupported('TimeLimit');
  const statusText = form.get('Status');
  if (statusText !== undefined && statusText !== 'completed' && statusText !== 'canceled') {
    throw paramError('Status', statusText, 'completed or canceled');
  }
  const document = documentOf(form, false);
  return {
    ...document,
    ...(statusText !== undefined && { status: statusText }),
    ...callbacks(form),
  };
}

/** A list request: its filters, as given (for the paging URIs) and parsed, and the page asked for. */
export interface ListRequest {
  readonly filter: CallListFilter;
  readonly filters: ReadonlyArray<readonly [string, string]>;
  readonly page: number;
  readonly pageSize: number;
}

const START_TIME_FILTERS = [['StartTime', 'on'], ['StartTime<', 'before'], ['StartTime>', 'after']] as const;

/** The filters and page of a list request from its query. */
export function listCallsRequest(query: FormParams): ListRequest {
  for (const name of ['EndTime', 'EndTime<', 'EndTime>']) if (query.has(name)) throw unsupported(name);
  const filters: Array<readonly [string, string]> = [];
  const text = (name: string): string | undefined => {
    const value = nonEmpty(query.get(name));
    if (value !== undefined) filters.push([name, value]);
    return value;
  };
  const to = text('To');
  const from = text('From');
  const status = text('Status');
  if (status !== undefined && !(CALL_STATUSES as readonly string[]).includes(status)) {
    throw paramError('Status', status, CALL_STATUSES.join(', '));
  }
  const parentCallSid = text('ParentCallSid');
  const startTimes = START_TIME_FILTERS.flatMap(([name, op]) => {
    const value = text(name);
    return value === undefined ? [] : [{ op, ...moment(name, value) }];
  });
  if (startTimes.length > 1) throw paramError('StartTime', filters.map(([, v]) => v).join(' '), 'one of StartTime, StartTime< and StartTime>');
  const pageSize = wholeNumber(query, 'PageSize', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE;
  const page = wholeNumber(query, 'Page', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const token = query.get('PageToken');
  if (token !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(token)) throw paramError('PageToken', token, 'the token of a next_page_uri');
  return {
    filter: {
      ...(to !== undefined && { to }),
      ...(from !== undefined && { from }),
      ...(status !== undefined && { status: status as ApiCallStatus }),
      ...(parentCallSid !== undefined && { parentCallSid }),
      ...(startTimes[0] !== undefined && { startTime: startTimes[0] }),
    },
    filters, page, pageSize,
  };
}

/** A StartTime value: a day (YYYY-MM-DD, UTC) or a moment (ISO 8601 or RFC 2822). */
function moment(name: string, value: string): { value: Date; day: boolean } {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(day ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) throw paramError(name, value, 'a day (YYYY-MM-DD) or a date and time');
  return { value: date, day };
}

/** Url and Method, or Twiml: exactly one of Url and Twiml when `required`, at most one otherwise. */
function documentOf(form: FormParams, required: boolean): { url?: URL; twiml?: string; method: HttpMethod } {
  const urlText = nonEmpty(form.get('Url'));
  const twiml = nonEmpty(form.get('Twiml'));
  if (urlText !== undefined && twiml !== undefined) {
    throw new AppError('ERR_API_URL_INVALID', 'Give either Url or Twiml, not both.');
  }
  if (required && urlText === undefined && twiml === undefined) {
    throw new AppError('ERR_API_URL_INVALID', 'A Url or Twiml parameter is required.');
  }
  const method = httpMethod(form, 'Method');
  if (twiml !== undefined) return { twiml, method };
  return urlText === undefined ? { method } : { url: httpUrl('Url', urlText), method };
}

/** FallbackUrl, StatusCallback and their methods. */
function callbacks(form: FormParams): { fallbackUrl?: URL; fallbackMethod: HttpMethod; statusCallback?: URL;
  statusCallbackMethod: HttpMethod } {
  const fallback = nonEmpty(form.get('FallbackUrl'));
  const statusCallback = nonEmpty(form.get('StatusCallback'));
  return {
    ...(fallback !== undefined && { fallbackUrl: httpUrl('FallbackUrl', fallback) }),
    fallbackMethod: httpMethod(form, 'FallbackMethod'),
    ...(statusCallback !== undefined && { statusCallback: httpUrl('StatusCallback', statusCallback) }),
    statusCallbackMethod: httpMethod(form, 'StatusCallbackMethod'),
  };
}

/** The events of every StatusCallbackEvent value, each a name or several separated by spaces; `completed` when none. */
function statusCallbackEvents(form: FormParams): ReadonlySet<StatusCallbackEvent> {
  const events = new Set<StatusCallbackEvent>();
  for (const value of form.all('StatusCallbackEvent')) {
    for (const name of value.split(/[\s,]+/).filter(Boolean)) {
      if (!(STATUS_CALLBACK_EVENTS as readonly string[]).includes(name)) {
        throw paramError('StatusCallbackEvent', name, STATUS_CALLBACK_EVENTS.join(', '));
      }
      events.add(name as StatusCallbackEvent);
    }
  }
  return events.size === 0 ? new Set(['completed']) : events;
}

function httpUrl(name: string, text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new AppError('ERR_API_URL_INVALID', `${name} is not a valid absolute http(s) URL: ${text}`);
  }
  return url;
}

/** GET or POST (in any case); POST when absent, as Twilio has it. */
function httpMethod(form: FormParams, name: string): HttpMethod {
  const text = nonEmpty(form.get(name));
  if (text === undefined) return 'POST';
  const upper = text.toUpperCase();
  if (upper !== 'GET' && upper !== 'POST') throw paramError(name, text, 'GET or POST');
  return upper;
}

function wholeNumber(form: FormParams, name: string, min: number, max: number): number | undefined {
  const text = form.get(name);
  if (text === undefined) return undefined;
  const value = /^\d{1,16}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw paramError(name, text, `a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`);
  }
  return value;
}

function refuseUnsupported(form: FormParams): void {
  for (const name of UNSUPPORTED_CREATE) if (nonEmpty(form.get(name)) !== undefined) throw unsupported(name);
  for (const name of UNSUPPORTED_CREATE_FLAGS) if (form.get(name)?.toLowerCase() === 'true') throw unsupported(name);
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text;
}

function paramError(name: string, value: string, expected: string): AppError {
  return new AppError('ERR_API_PARAM_INVALID', `${name} must be ${expected}, not ${JSON.stringify(value.slice(0, 100))}`);
}

function unsupported(name: string): AppError {
  return new AppError('ERR_API_PARAM_INVALID', `${name} is not supported by this server`);
}
