/**
 * The registry of calls behind the Calls API: the calls this server runs now and those that ended recently, as
 * fetch and list show them. Every method is asynchronous so that a shared store (Redis, for several servers) can
 * implement the same interface later; the in-memory one here serves one server, whose calls only it knows (with
 * several servers, a call another server runs is not found).
 *
 * Calls are keyed by their uuid: a call that arrived keeps its FreeSWITCH uuid as sid, a created call has `CA` + the
 * 32 hex digits of its channel's uuid, and either form finds it (sids.ts). Accounts are stored as `AC` + 32 hex.
 */
import type { ApiCallStatus, CallListFilter, CallPage, CallResource } from './calls-service.js';
import { accountSidOf, callUuidOf } from './sids.js';

/** What changes on a recorded call. */
export type CallChange = Partial<Pick<CallResource, 'status' | 'startTime' | 'endTime' | 'duration'>>;

/** The statuses of a call that is over. */
const ENDED: ReadonlySet<ApiCallStatus> = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/** Whether `status` is one a call ends with. */
export function isEndedStatus(status: ApiCallStatus): boolean {
  return ENDED.has(status);
}

export interface CallRegistry {
  /**
   * Records a call. When a call with the same uuid is recorded already (a created call that has now reached the
   * engine), that record keeps its sid, account, direction and creation time and takes the status and times of
   * `call`. Resolves with the call as recorded.
   */
  add(call: CallResource): Promise<CallResource>;
  /** Applies `change` to a recorded call (any account); undefined when it is not recorded. */
  update(callSid: string, change: CallChange): Promise<CallResource | undefined>;
  /** The call, when `accountSid` (either form) has it. */
  get(accountSid: string, callSid: string): Promise<CallResource | undefined>;
  /** The account's calls that match `filter`, newest first (by creation), `pageSize` from `page` (0-based). */
  list(accountSid: string, filter: CallListFilter, page: number, pageSize: number): Promise<CallPage>;
  /**
   * The server that runs (or ran) the call, for a registry several servers share; undefined when the call is not
   * recorded. A registry of one server's own calls has no such method.
   */
  ownerOf?(callSid: string): Promise<string | undefined>;
}

/** The bounds of the history: `api.history.maxCalls` and `api.history.maxAgeMs`. */
export interface HistoryBounds {
  /** Ended calls kept at most; the oldest ended go first. Live calls are always kept. */
  readonly maxCalls: number;
  /** How long an ended call is kept after its end. */
  readonly maxAgeMs: number;
}

/** The registry of one server, in memory. */
export class MemoryCallRegistry implements CallRegistry {
  /** By uuid, in the order calls were added (oldest first). */
  readonly #calls = new Map<string, CallResource>();
  /** The uuids of ended calls, in the order they ended (oldest first). */
  readonly #ended = new Map<string, number>();
  readonly #bounds: HistoryBounds;
  readonly #now: () => number;

  /** `now`: the clock the ages are measured by (ms since the epoch); default Date.now. */
  constructor(bounds: HistoryBounds, now: () => number = Date.now) {
    this.#bounds = bounds;
    this.#now = now;
  }

  /** How many calls are recorded, live and ended. */
  get size(): number {
    this.#expire();
    return this.#calls.size;
  }

  async add(call: CallResource): Promise<CallResource> {
    const uuid = callUuidOf(call.sid);
    if (uuid === undefined) throw new RangeError(`not a call sid: ${call.sid}`);
    return this.#store(uuid, addedCall(this.#calls.get(uuid), call));
  }

  async update(callSid: string, change: CallChange): Promise<CallResource | undefined> {
    const uuid = callUuidOf(callSid);
    const known = uuid === undefined ? undefined : this.#calls.get(uuid);
    if (uuid === undefined || known === undefined) return undefined;
    const next = changedCall(known, change, new Date(this.#now()));
    return next === known ? known : this.#store(uuid, next);
  }

  async get(accountSid: string, callSid: string): Promise<CallResource | undefined> {
    this.#expire();
    const uuid = callUuidOf(callSid);
    const call = uuid === undefined ? undefined : this.#calls.get(uuid);
    return call && call.accountSid === accountSidOf(accountSid) ? call : undefined;
  }

  async list(accountSid: string, filter: CallListFilter, page: number, pageSize: number): Promise<CallPage> {
    this.#expire();
    return pageOfCalls([...this.#calls.values()], accountSid, filter, page, pageSize);
  }

  #store(uuid: string, call: CallResource): CallResource {
    this.#calls.set(uuid, call);
    if (isEndedStatus(call.status) && !this.#ended.has(uuid)) this.#ended.set(uuid, this.#now());
    this.#expire();
    return call;
  }

  /** Drops the ended calls beyond the bounds: too old, or too many (oldest ended first). */
  #expire(): void {
    const oldest = this.#now() - this.#bounds.maxAgeMs;
    for (const [uuid, endedAt] of this.#ended) {
      if (endedAt > oldest && this.#ended.size <= this.#bounds.maxCalls) break;
      this.#ended.delete(uuid);
      this.#calls.delete(uuid);
    }
  }
}

/**
 * What the registry holds once `call` is added: `call` itself (its account as `AC` + 32 hex), or, when `known` is
 * recorded already (a created call that has now reached the engine), `known` with the status and times of `call`.
 */
export function addedCall(known: CallResource | undefined, call: CallResource): CallResource {
  if (known) {
    return { ...known, status: call.status, dateUpdated: call.dateUpdated,
      ...(call.startTime && { startTime: call.startTime }), ...(call.endTime && { endTime: call.endTime }),
      ...(call.duration !== undefined && { duration: call.duration }) };
  }
  return { ...call, accountSid: accountSidOf(call.accountSid) ?? call.accountSid };
}

/** `known` after `change` at `now`; `known` itself when it has ended (an ended call stays as it ended). */
export function changedCall(known: CallResource, change: CallChange, now: Date): CallResource {
  return isEndedStatus(known.status) ? known : { ...known, ...change, dateUpdated: now };
}

/**
 * One page of the calls of `accountSid` among `calls` (in the order they were added, oldest first) that match
 * `filter`: newest first by creation; calls created in the same millisecond in the reverse of the order they were
 * added in.
 */
export function pageOfCalls(calls: readonly CallResource[], accountSid: string, filter: CallListFilter, page: number,
  pageSize: number): CallPage {
  const account = accountSidOf(accountSid);
  const matching = calls.filter((call) => call.accountSid === account && matches(call, filter));
  matching.reverse();
  matching.sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime());
  const from = page * pageSize;
  return { calls: matching.slice(from, from + pageSize), more: matching.length > from + pageSize };
}

/** Whether `call` passes every filter given. */
function matches(call: CallResource, filter: CallListFilter): boolean {
  if (filter.to !== undefined && call.to !== filter.to) return false;
  if (filter.from !== undefined && call.from !== filter.from) return false;
  if (filter.status !== undefined && call.status !== filter.status) return false;
  if (filter.parentCallSid !== undefined) {
    const parent = call.parentCallSid === undefined ? undefined : callUuidOf(call.parentCallSid);
    if (parent === undefined || parent !== callUuidOf(filter.parentCallSid)) return false;
  }
  if (filter.startTime !== undefined) {
    if (call.startTime === undefined) return false;
    if (!startTimeMatches(call.startTime.getTime(), filter.startTime)) return false;
  }
  return true;
}

const DAY_MS = 86_400_000;

/**
 * Twilio's StartTime filters: a day (`StartTime=2026-12-06`) is that UTC day, `StartTime<` on or before it and
 * `StartTime>` on or after it; a moment compares with the moment itself (`<` and `>` include it).
 */
function startTimeMatches(startMs: number, filter: NonNullable<CallListFilter['startTime']>): boolean {
  const value = filter.value.getTime();
  const first = filter.day ? Math.floor(value / DAY_MS) * DAY_MS : value;
  const last = filter.day ? first + DAY_MS - 1 : value;
  switch (filter.op) {
    case 'on': return startMs >= first && startMs <= last;
    case 'before': return startMs <= last;
    case 'after': return startMs >= first;
  }
}
