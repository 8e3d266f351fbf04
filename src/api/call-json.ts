/**
 * The Calls resource as Twilio's REST API writes it (api.v2010.account.call of Twilio's OpenAPI description):
 * snake_case fields, RFC 2822 dates, the duration as a string, null where this server has nothing to say (price,
 * phone number sid, answered_by...), and the list envelope with its paging URIs.
 */
import { rfc2822 } from '../webhook/params.js';
import type { CallResource } from './calls-service.js';

/** The API version of every path and resource. */
export const API_VERSION = '2010-04-01';

/** The path of an account's Calls list. */
export function callsPath(accountSid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Calls.json`;
}

/** The path of one call. */
export function callPath(accountSid: string, callSid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Calls/${callSid}.json`;
}

/** One call in Twilio's JSON form. */
export function callJson(call: CallResource): Record<string, unknown> {
  return {
    sid: call.sid,
    date_created: rfc2822(call.dateCreated),
    date_updated: rfc2822(call.dateUpdated),
    parent_call_sid: call.parentCallSid ?? null,
    account_sid: call.accountSid,
    to: call.to,
    to_formatted: call.to,
    from: call.from,
    from_formatted: call.from,
    phone_number_sid: null,
    status: call.status,
    start_time: call.startTime ? rfc2822(call.startTime) : null,
    end_time: call.endTime ? rfc2822(call.endTime) : null,
    duration: call.duration === undefined ? null : String(call.duration),
    price: null,
    price_unit: 'USD',
    direction: call.direction,
    answered_by: null,
    api_version: API_VERSION,
    forwarded_from: call.forwardedFrom ?? null,
    group_sid: null,
    caller_name: call.callerName ?? null,
    queue_time: '0',
    trunk_sid: null,
    uri: callPath(call.accountSid, call.sid),
    subresource_uris: {},
  };
}

/** One page of a list in Twilio's envelope. */
export interface ListPage {
  readonly calls: readonly CallResource[];
  readonly more: boolean;
  readonly page: number;
  readonly pageSize: number;
  /** The path of the list. */
  readonly path: string;
  /** The filters as the request gave them, in a stable order, without paging parameters. */
  readonly filters: ReadonlyArray<readonly [string, string]>;
}

/** A list page with `calls`, the position (`start`, `end`) and the URIs of this, the first, the next and the previous page. */
export function callListJson(list: ListPage): Record<string, unknown> {
  const start = list.page * list.pageSize;
  return {
    calls: list.calls.map(callJson),
    end: start + Math.max(list.calls.length - 1, 0),
    first_page_uri: pageUri(list, 0),
    next_page_uri: list.more ? pageUri(list, list.page + 1) : null,
    page: list.page,
    page_size: list.pageSize,
    previous_page_uri: list.page > 0 ? pageUri(list, list.page - 1) : null,
    start,
    uri: pageUri(list, list.page),
  };
}

/**
 * The URI of page `page`: the filters, PageSize, Page and, past the first page, a PageToken (which Twilio's
 * clients send back as they follow next_page_uri; this server pages by number and only checks its form).
 */
function pageUri(list: ListPage, page: number): string {
  const query = new URLSearchParams([...list.filters.map(([k, v]) => [k, v] as [string, string]),
    ['PageSize', String(list.pageSize)], ['Page', String(page)]]);
  if (page > 0) query.set('PageToken', pageToken(page));
  return `${list.path}?${query.toString()}`;
}

/** The PageToken written for page `page`. */
export function pageToken(page: number): string {
  return `PT${page}`;
}
