/**
 * A CallsService that keeps calls in a Map, for testing the HTTP layer of the Calls API (the listener, its
 * authentication, parameters, JSON and errors) without placing calls: it records what it was asked, registers
 * created calls as queued, and changes a call's state only as a test or an update tells it. The real service
 * (origination, the registry of live calls, interruption) is tested on its own.
 */
import { AppError } from '../../src/errors.js';
import type {
  ApiCallStatus, CallListFilter, CallPage, CallResource, CallsService, CreateCallRequest, UpdateCallRequest,
} from '../../src/api/calls-service.js';
import { callUuidOf, newCallSid } from '../../src/api/sids.js';

type MutableCall = { -readonly [K in keyof CallResource]: CallResource[K] };

export class MemoryCallsService implements CallsService {
  readonly calls = new Map<string, MutableCall>();
  readonly created: CreateCallRequest[] = [];
  readonly updates: Array<{ accountSid: string; callSid: string; request: UpdateCallRequest }> = [];
  readonly lists: Array<{ accountSid: string; filter: CallListFilter; page: number; pageSize: number }> = [];
  /** Statuses a call moves through, one per fetch (a call progressing while a client polls it). */
  readonly progress: ApiCallStatus[] = [];
  /** Thrown by the next request, when set. */
  failWith: Error | undefined;
  #clock = Date.parse('2026-03-01T12:00:00Z');

  /** A call as it would be registered, dated one second after the previous one. */
  add(call: Partial<MutableCall> & Pick<CallResource, 'accountSid'>): MutableCall {
    const date = new Date(this.#clock += 1000);
    const entry: MutableCall = {
      sid: newCallSid().sid, to: '+15550001111', from: '+15550002222', status: 'queued', direction: 'outbound-api',
      dateCreated: date, dateUpdated: date, ...call,
    };
    this.calls.set(callUuidOf(entry.sid) ?? entry.sid, entry);
    return entry;
  }

  async create(request: CreateCallRequest): Promise<CallResource> {
    this.#failIfAsked();
    this.created.push(request);
    return { ...this.add({ accountSid: request.accountSid, to: request.to, from: request.from }) };
  }

  async fetch(accountSid: string, callSid: string): Promise<CallResource | undefined> {
    this.#failIfAsked();
    const call = this.#find(accountSid, callSid);
    const next = this.progress.shift();
    if (call && next !== undefined) Object.assign(call, { status: next, dateUpdated: new Date() });
    return call && { ...call };
  }

  async list(accountSid: string, filter: CallListFilter, page: number, pageSize: number): Promise<CallPage> {
    this.#failIfAsked();
    this.lists.push({ accountSid, filter, page, pageSize });
    const matching = [...this.calls.values()]
      .filter((c) => c.accountSid === accountSid && matches(c, filter))
      .sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime());
    const from = page * pageSize;
    return { calls: matching.slice(from, from + pageSize).map((c) => ({ ...c })), more: matching.length > from + pageSize };
  }

  async update(accountSid: string, callSid: string, request: UpdateCallRequest): Promise<CallResource> {
    this.#failIfAsked();
    this.updates.push({ accountSid, callSid, request });
    const call = this.#find(accountSid, callSid);
    if (!call) throw new AppError('ERR_API_NOT_FOUND', `The requested resource ${callSid} was not found`);
    const live = call.status === 'in-progress';
    const pending = call.status === 'queued' || call.status === 'ringing';
    if (request.status === 'completed' && live) {
      Object.assign(call, { status: 'completed', endTime: new Date(), duration: 0 });
    } else if (request.status === 'canceled' && pending) {
      call.status = 'canceled';
    } else if (request.status !== undefined || ((request.url || request.twiml) && !live)) {
      throw new AppError('ERR_API_CALL_NOT_IN_PROGRESS', 'Call is not in-progress. Cannot redirect.');
    }
    call.dateUpdated = new Date();
    return { ...call };
  }

  #find(accountSid: string, callSid: string): MutableCall | undefined {
    const call = this.calls.get(callUuidOf(callSid) ?? callSid);
    return call?.accountSid === accountSid ? call : undefined;
  }

  #failIfAsked(): void {
    const failure = this.failWith;
    this.failWith = undefined;
    if (failure !== undefined) throw failure;
  }
}

function matches(call: CallResource, filter: CallListFilter): boolean {
  if (filter.to !== undefined && call.to !== filter.to) return false;
  if (filter.from !== undefined && call.from !== filter.from) return false;
  if (filter.status !== undefined && call.status !== filter.status) return false;
  if (filter.parentCallSid !== undefined && call.parentCallSid !== filter.parentCallSid) return false;
  const start = filter.startTime;
  if (start) {
    if (!call.startTime) return false;
    const t = call.startTime.getTime();
    const v = start.value.getTime();
    if (start.op === 'after' && !(t > v)) return false;
    if (start.op === 'before' && !(t < v)) return false;
    if (start.op === 'on' && !(t >= v && t < v + (start.day ? 86_400_000 : 1000))) return false;
  }
  return true;
}
