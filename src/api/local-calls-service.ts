/**
 * The Calls service of one server: fetch and list from the registry of calls (call-registry.ts), update through
 * the engine's live calls (call/live-calls.ts), create through the origination of calls (created-calls.ts).
 *
 * Update, as Twilio does it:
 * - `Url` (+`Method`) or `Twiml` on a call whose script runs here interrupts the running verb at once and runs
 *   the new document; inline TwiML is parsed and checked (relative URLs: 15004, a recording without an action:
 *   11100) before anything happens to the call. An arriving call whose script runs unanswered (a `<Pause>` first)
 *   is ringing, and can be redirected too, as Twilio runs the TwiML of a ringing incoming call;
 * - `Status=completed` hangs a call up whose script runs here, and cancels a queued or ringing created call;
 * - `Status=canceled` cancels a queued or ringing call (a created one through its origination); on an in-progress
 *   call it is 21220;
 * - anything on a call that has ended, or a redirect of a created call not answered yet: 21220;
 * - a call this account does not have (another account's, or one whose server's registry is not shared): 20404;
 * - `StatusCallback` (+`StatusCallbackMethod`) moves the call's status callbacks from then on, before the rest of
 *   the update is done (a `completed` or `canceled` it causes goes there): the events the call chose stay, and a
 *   call that had none gets its `completed` there, as Twilio does. It applies to any call whose script runs here
 *   and to a queued or ringing created call, alone too;
 * - `FallbackUrl` (+`FallbackMethod`) with `Url` or `Twiml` becomes the call's fallback from then on: the new
 *   document's request falls back to it as a first request does. Without either, it has nothing to apply to.
 * With a registry the servers of a cluster share, an update of a live call another server runs (the registry's
 * `owner`) is forwarded to that server (`forwarder`), which makes it as above and answers; inline TwiML is checked
 * here first.
 */
import type { Logger } from 'pino';
import type { Interruption, LiveCalls } from '../call/index.js';
import { AppError } from '../errors.js';
import { after, noop } from '../util/abort.js';
import { parseInlineTwiml, type TwimlDocument, type TwimlLimits } from '../twiml/index.js';
import { isEndedStatus, type CallRegistry } from './call-registry.js';
import type {
  CallListFilter, CallPage, CallResource, CallsService, CreateCallRequest, UpdateCallRequest,
} from './calls-service.js';
import type { CallPlacer, PendingCalls } from './created-calls.js';
import { callUuidOf } from './sids.js';

/** How long a completion waits for the call's end before it answers with the call still in progress. */
const COMPLETE_WAIT_MS = 2000;

/** A promise that resolves after `ms`, and the function that drops its timer. */
function timer(ms: number): { promise: Promise<void>; dispose(): void } {
  let dispose = noop;
  const promise = new Promise<void>((resolve) => { dispose = after(ms, resolve); });
  return { promise, dispose };
}

export interface LocalCallsDeps {
  readonly registry: CallRegistry;
  /** The engine's calls that run their script, by CallSid (the channel's uuid). */
  readonly calls: LiveCalls;
  /** Places created calls; absent: create is refused. */
  readonly placer?: CallPlacer;
  /** Cancels created calls not answered yet; absent: none is pending. */
  readonly pending?: PendingCalls;
  /** The limits documents are parsed with (`call.twimlLimits`). */
  readonly twimlLimits?: Partial<TwimlLimits>;
  /**
   * Where updates of the calls other servers sharing the registry run go (a cluster). Absent: the registry is this
   * server's alone.
   */
  readonly forwarder?: CallUpdateForwarder;
  readonly log: Logger;
}

/** Has the server of the cluster that runs a call make an update of it. */
export interface CallUpdateForwarder {
  /** This server, as the shared registry names the `owner` of the calls it runs. */
  readonly serverId: string;
  /**
   * Sends the update to `owner` and resolves with its result; rejects with the owner's error (its code kept), or
   * with the coded failure to reach it.
   */
  forward(owner: string, accountSid: string, callSid: string, request: UpdateCallRequest): Promise<CallResource>;
}

export class LocalCallsService implements CallsService {
  readonly #deps: LocalCallsDeps;

  constructor(deps: LocalCallsDeps) {
    this.#deps = deps;
  }

  async create(request: CreateCallRequest): Promise<CallResource> {
    const { placer } = this.#deps;
    if (placer === undefined) throw new AppError('ERR_API_METHOD', 'this server does not place calls');
    return placer.place(request);
  }

  async fetch(accountSid: string, callSid: string): Promise<CallResource | undefined> {
    return this.#deps.registry.get(accountSid, callSid);
  }

  async list(accountSid: string, filter: CallListFilter, page: number, pageSize: number): Promise<CallPage> {
    return this.#deps.registry.list(accountSid, filter, page, pageSize);
  }

  async update(accountSid: string, callSid: string, request: UpdateCallRequest): Promise<CallResource> {
    return this.#update(accountSid, callSid, request, true);
  }

  /** An update of a call this server runs, forwarded by another server: made here, never forwarded again. */
  async updateHere(accountSid: string, callSid: string, request: UpdateCallRequest): Promise<CallResource> {
    return this.#update(accountSid, callSid, request, false);
  }

  async #update(accountSid: string, callSid: string, request: UpdateCallRequest, mayForward: boolean): Promise<CallResource> {
    const call = await this.#deps.registry.get(accountSid, callSid);
    if (call === undefined) throw notFound(callSid);
    // Inline TwiML is checked before anything happens to the call.
    const document = request.twiml === undefined ? undefined : parseInlineTwiml(request.twiml, this.#deps.twimlLimits);
    const forwarder = mayForward ? this.#deps.forwarder : undefined;
    const owner = forwarder && await this.#otherOwner(call, forwarder);
    if (forwarder && owner !== undefined) return forwarder.forward(owner, accountSid, call.sid, request);
    const moveStatus = this.#statusMove(call, request);
    if (request.status !== undefined) return this.#end(call, request.status, moveStatus);
    if (request.url === undefined && document === undefined) {
      if (moveStatus === undefined) return call;
      this.#refuseEnded(call);
      moveStatus();
      return { ...call, dateUpdated: new Date() };
    }
    const fallback = request.fallbackUrl && { fallback: { url: request.fallbackUrl, method: request.fallbackMethod } };
    const next: Interruption = document ? { document, ...fallback } : { url: request.url!, method: request.method, ...fallback };
    return this.#redirect(call, next, document, moveStatus);
  }

  /**
   * What moves the call's status callbacks as `request` asks (undefined when it gives none).
   * @throws AppError ERR_API_CALL_NOT_IN_PROGRESS when run on a call whose callbacks are not sent here (a `<Dial>`
   *   leg), or whose script is over.
   */
  #statusMove(call: CallResource, request: UpdateCallRequest): (() => void) | undefined {
    const url = request.statusCallback;
    if (url === undefined) return undefined;
    const method = request.statusCallbackMethod;
    return () => {
      const handle = this.#handleOf(call);
      const uuid = callUuidOf(call.sid);
      // A created call not answered yet (or not run yet) is its origination's.
      const moved = handle?.moveStatus(url, method)
        ?? (uuid !== undefined && this.#deps.pending?.moveStatus(uuid, url, method));
      if (!moved) throw notInProgress(call, 'its status callbacks are not sent by this server');
      this.#deps.log.info({ callSid: call.sid }, 'status callback moved through the Calls API');
    };
  }

  #refuseEnded(call: CallResource): void {
    if (isEndedStatus(call.status)) throw notInProgress(call, `the call has ended (${call.status})`);
  }

  /** Ends the call as `status` asks. */
  async #end(call: CallResource, status: 'completed' | 'canceled', moveStatus: (() => void) | undefined):
  Promise<CallResource> {
    this.#refuseEnded(call);
    if (status === 'canceled' && call.status === 'in-progress') {
      throw notInProgress(call, 'only a queued or ringing call can be canceled; complete it instead');
    }
    moveStatus?.();
    const handle = this.#handleOf(call);
    // A created call not answered yet is not on this server's socket: its origination cancels it.
    if (handle === undefined && (call.status === 'queued' || call.status === 'ringing')) return this.#cancel(call);
    if (handle === undefined || !handle.interrupt('hangup')) throw notInProgress(call, 'the call is ending');
    this.#deps.log.info({ callSid: call.sid }, 'call completed through the Calls API');
    // The call as it ended, once its script is over (the registry has its end by then), if that is soon.
    const settle = timer(COMPLETE_WAIT_MS);
    try {
      await Promise.race([handle.finished(), settle.promise]);
    } finally {
      settle.dispose();
    }
    return await this.#deps.registry.get(call.accountSid, call.sid) ?? call;
  }

  async #cancel(call: CallResource): Promise<CallResource> {
    const uuid = callUuidOf(call.sid);
    const canceled = uuid !== undefined && this.#deps.pending !== undefined && await this.#deps.pending.cancel(uuid);
    if (!canceled) throw notInProgress(call, 'the call is not queued or ringing any more');
    return await this.#deps.registry.get(call.accountSid, call.sid) ?? call;
  }

  async #redirect(call: CallResource, next: Interruption, document: TwimlDocument | undefined,
    moveStatus: (() => void) | undefined): Promise<CallResource> {
    // A call whose script runs can be redirected, answered or not yet (an arriving call's `<Pause>` before any answer).
    const handle = isEndedStatus(call.status) ? undefined : this.#handleOf(call);
    if (handle === undefined) throw notInProgress(call, `the call is ${call.status}, not in progress`);
    moveStatus?.();
    if (!handle.interrupt(next)) throw notInProgress(call, 'the call is ending');
    this.#deps.log.info({ callSid: call.sid, inline: document !== undefined }, 'call redirected through the Calls API');
    return { ...call, dateUpdated: new Date() };
  }

  /** The server of the cluster that runs `call` when it is live and not this one; undefined otherwise. */
  async #otherOwner(call: CallResource, forwarder: CallUpdateForwarder): Promise<string | undefined> {
    const { registry } = this.#deps;
    if (registry.ownerOf === undefined || isEndedStatus(call.status)) return undefined;
    if (this.#handleOf(call) !== undefined) return undefined;
    const owner = await registry.ownerOf(call.sid);
    return owner !== undefined && owner !== '' && owner !== forwarder.serverId ? owner : undefined;
  }

  #handleOf(call: CallResource): ReturnType<LiveCalls['get']> {
    const uuid = callUuidOf(call.sid);
    return uuid === undefined ? undefined : this.#deps.calls.get(uuid);
  }
}

function notFound(callSid: string): AppError {
  return new AppError('ERR_API_NOT_FOUND', `The requested resource /Calls/${callSid}.json was not found`);
}

function notInProgress(call: CallResource, why: string): AppError {
  return new AppError('ERR_API_CALL_NOT_IN_PROGRESS', `Call ${call.sid} is not in-progress. Cannot redirect or complete it: ${why}.`);
}
