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

/**
 * One call as the in-memory registry keeps it: a fixed shape, times as epoch milliseconds (NaN: not yet). The
 * history holds thousands of ended calls, so each costs a few hundred bytes; the resource is built when asked for.
 */
class Entry {
  constructor(
    readonly sid: string,
    readonly accountSid: string,
    readonly to: string,
    readonly from: string,
    public status: ApiCallStatus,
    readonly direction: CallResource['direction'],
    readonly parentCallSid: string | undefined,
    readonly callerName: string | undefined,
    readonly forwardedFrom: string | undefined,
    readonly created: number,
    public updated: number,
    public start: number,
    public end: number,
    public duration: number,
  ) {}

  /** The entry of `call`, whose strings are copied: see {@link detached}. */
  static of(call: CallResource, accountSid: string): Entry {
    return new Entry(detached(call.sid), detached(accountSid), detached(call.to), detached(call.from), call.status,
      call.direction, detached(call.parentCallSid), detached(call.callerName), detached(call.forwardedFrom),
      call.dateCreated.getTime(), call.dateUpdated.getTime(), msOf(call.startTime), msOf(call.endTime),
      call.duration ?? Number.NaN);
  }

  /** Takes the status and times of `change` (a time or duration it does not give stays as it was). */
  apply(change: CallChange, updated: number): void {
    if (change.status !== undefined) this.status = change.status;
    if (change.startTime !== undefined) this.start = change.startTime.getTime();
    if (change.endTime !== undefined) this.end = change.endTime.getTime();
    if (change.duration !== undefined) this.duration = change.duration;
    this.updated = updated;
  }

  resource(): CallResource {
    return {
      sid: this.sid, accountSid: this.accountSid, to: this.to, from: this.from, status: this.status,
      direction: this.direction,
      ...(this.parentCallSid !== undefined && { parentCallSid: this.parentCallSid }),
      ...(this.callerName !== undefined && { callerName: this.callerName }),
      ...(this.forwardedFrom !== undefined && { forwardedFrom: this.forwardedFrom }),
      dateCreated: new Date(this.created), dateUpdated: new Date(this.updated),
      ...(!Number.isNaN(this.start) && { startTime: new Date(this.start) }),
      ...(!Number.isNaN(this.end) && { endTime: new Date(this.end) }),
      ...(!Number.isNaN(this.duration) && { duration: this.duration }),
    };
  }
}

/**
 * A copy of `text` that holds nothing else. A call's ids and numbers are slices of its channel's event text (or
 * built from slices), and V8 keeps the whole text (kilobytes) alive behind a slice for as long as the slice lives:
 * the history would hold every ended call's events.
 */
function detached<T extends string | undefined>(text: T): T {
  return (text === undefined ? text : Buffer.from(text, 'utf8').toString('utf8')) as T;
}

function msOf(date: Date | undefined): number {
  return date === undefined ? Number.NaN : date.getTime();
}

/** The registry of one server, in memory. */
export class MemoryCallRegistry implements CallRegistry {
  /** By uuid, in the order calls were added (oldest first). */
  readonly #calls = new Map<string, Entry>();
  /** The uuids of ended calls, in the order they ended (oldest first), with when they ended (this clock). */
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
    const known = this.#calls.get(uuid);
    if (known) {
      known.apply(addedChange(call), call.dateUpdated.getTime());
      return this.#stored(known);
    }
    const entry = Entry.of(call, accountSidOf(call.accountSid) ?? call.accountSid);
    // Keyed by a copy: the uuid given may be a slice of an event's text (see detached).
    this.#calls.set(detached(uuid), entry);
    return this.#stored(entry);
  }

  async update(callSid: string, change: CallChange): Promise<CallResource | undefined> {
    const uuid = callUuidOf(callSid);
    const known = uuid === undefined ? undefined : this.#calls.get(uuid);
    if (uuid === undefined || known === undefined) return undefined;
    // An ended call stays as it ended.
    if (isEndedStatus(known.status)) return known.resource();
    known.apply(change, this.#now());
    return this.#stored(known);
  }

  async get(accountSid: string, callSid: string): Promise<CallResource | undefined> {
    this.#expire();
    const uuid = callUuidOf(callSid);
    const entry = uuid === undefined ? undefined : this.#calls.get(uuid);
    return entry && entry.accountSid === accountSidOf(accountSid) ? entry.resource() : undefined;
  }

  async list(accountSid: string, filter: CallListFilter, page: number, pageSize: number): Promise<CallPage> {
    this.#expire();
    return pageOfEntries([...this.#calls.values()], accountSid, filter, page, pageSize);
  }

  #stored(entry: Entry): CallResource {
    const uuid = callUuidOf(entry.sid) ?? entry.sid;
    if (isEndedStatus(entry.status) && !this.#ended.has(uuid)) this.#ended.set(uuid, this.#now());
    this.#expire();
    return entry.resource();
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

/** What a call recorded already takes from `call` when `call` is added again (see {@link CallRegistry.add}). */
function addedChange(call: CallResource): CallChange {
  return { status: call.status, ...(call.startTime && { startTime: call.startTime }),
    ...(call.endTime && { endTime: call.endTime }), ...(call.duration !== undefined && { duration: call.duration }) };
}

/**
 * What a registry holds once `call` is added, `known` being what it held (see {@link CallRegistry.add}): for a
 * store that keeps resources (a shared one), the in-memory registry's rule.
 */
export function addedCall(known: CallResource | undefined, call: CallResource): CallResource {
  if (known === undefined) return Entry.of(call, accountSidOf(call.accountSid) ?? call.accountSid).resource();
  const entry = Entry.of(known, known.accountSid);
  entry.apply(addedChange(call), call.dateUpdated.getTime());
  return entry.resource();
}

/** `known` after `change` at `now` (ms); `known` itself when it has ended: an ended call stays as it ended. */
export function changedCall(known: CallResource, change: CallChange, now: number): CallResource {
  if (isEndedStatus(known.status)) return known;
  const entry = Entry.of(known, known.accountSid);
  entry.apply(change, now);
  return entry.resource();
}

/**
 * One page of the calls of `accountSid` among `calls` (in the order they were added, oldest first) that match
 * `filter`, as the in-memory registry lists them: for a store that keeps resources (a shared one).
 */
export function pageOfCalls(calls: readonly CallResource[], accountSid: string, filter: CallListFilter, page: number,
  pageSize: number): CallPage {
  return pageOfEntries(calls.map((call) => Entry.of(call, call.accountSid)), accountSid, filter, page, pageSize);
}

/**
 * One page of the entries of `accountSid` that match `filter`, `entries` in the order they were added: newest first
 * by creation; calls created in the same millisecond in the reverse of the order they were added in.
 */
function pageOfEntries(entries: readonly Entry[], accountSid: string, filter: CallListFilter, page: number,
  pageSize: number): CallPage {
  const account = accountSidOf(accountSid);
  const matching = entries.filter((entry) => entry.accountSid === account && matches(entry, filter));
  matching.reverse();
  matching.sort((a, b) => b.created - a.created);
  const from = page * pageSize;
  return { calls: matching.slice(from, from + pageSize).map((entry) => entry.resource()),
    more: matching.length > from + pageSize };
}

/** Whether `entry` passes every filter given. */
function matches(entry: Entry, filter: CallListFilter): boolean {
  if (filter.to !== undefined && entry.to !== filter.to) return false;
  if (filter.from !== undefined && entry.from !== filter.from) return false;
  if (filter.status !== undefined && entry.status !== filter.status) return false;
  if (filter.parentCallSid !== undefined) {
    const parent = entry.parentCallSid === undefined ? undefined : callUuidOf(entry.parentCallSid);
    if (parent === undefined || parent !== callUuidOf(filter.parentCallSid)) return false;
  }
  if (filter.startTime !== undefined) {
    if (Number.isNaN(entry.start)) return false;
    if (!startTimeMatches(entry.start, filter.startTime)) return false;
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
