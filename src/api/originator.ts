/**
 * Places calls created through the API: `bgapi originate ...` on a node's inbound Event Socket (originate-command.ts,
 * origination-nodes.ts), then follows the channel until the engine runs it or it ends:
 *
 * - CHANNEL_PROGRESS / CHANNEL_PROGRESS_MEDIA: ringing; CHANNEL_ANSWER or the job's `+OK <uuid>`: in-progress (the
 *   answered channel runs `socket` and reaches the engine, which takes the call from there, created-calls.ts);
 * - the job's `-ERR <CAUSE>`: the call ends unanswered with the status `<Dial>` gives the same cause (USER_BUSY:
 *   busy; NO_ANSWER, NO_USER_RESPONSE, the ring timeout: no-answer; anything else: failed), or `canceled` when the
 *   API canceled it, or `failed` when the server is stopping;
 * - a node lost while the phone rings, or no node up: failed.
 *
 * Cancel: before the originate is sent, the call is dropped; while it rings, `uuid_kill <uuid> ORIGINATOR_CANCEL`
 * (through the same session) ends it, and the originate's result ends the call. An answered call whose channel hangs
 * up before it reached the engine (rare: the socket connection failed) ends `completed` after a short grace.
 */
import { failedOriginateStatus, type DialEndpoint, type CallEndStatus } from '../call/index.js';
import { toAppError } from '../errors.js';
import { type EslEvent, EventName, HangupCause, type InboundSession } from '../esl/index.js';
import { logCode } from '../log-code.js';
import { after, noop, onAbort } from '../util/abort.js';
import type { ApiCall, CancelReason } from './api-call.js';
import { originateCommand } from './originate-command.js';
import type { OriginationNode, OriginationNodes } from './origination-nodes.js';

/** What placing one call takes besides the call. */
export interface Placement {
  readonly endpoint: DialEndpoint;
  readonly callerId: string;
}

export interface OriginatorDeps {
  /** `host:port[|host:port…]` of this server's outbound socket as the nodes reach it. */
  readonly socket: () => string;
  /** How long a node may take to answer a command, on top of the ring time for an originate. */
  readonly commandTimeoutMs: number;
  /** How long an answered call's hangup waits for the engine to have taken the call before it ends it. */
  readonly unclaimedGraceMs?: number;
}

/** A call being placed, and the node it is placed on. */
interface Placed {
  readonly call: ApiCall;
  readonly node: OriginationNode;
}

export class Originator {
  readonly #deps: OriginatorDeps;
  readonly #placed = new Map<string, Placed>();
  readonly #running = new Set<Promise<void>>();
  #nodes: OriginationNodes | undefined;

  constructor(deps: OriginatorDeps) {
    this.#deps = deps;
  }

  /** The nodes calls are placed on (set once, before the first call: they report their events here). */
  useNodes(nodes: OriginationNodes): void {
    this.#nodes = nodes;
  }

  /** Calls being placed or waiting for the engine. */
  get pending(): number {
    return this.#placed.size;
  }

  /** Places the call in the background; the call ends on every path (see {@link ApiCall.done}). */
  place(call: ApiCall, placement: Placement): void {
    const run = this.#place(call, placement).catch((err: unknown) => {
      logCode(call.log, 'ERR_INTERNAL', { err: toAppError(err).message }, 'placing a created call failed');
      call.ended('failed', 0);
    });
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
  }

  /** Resolves once every placement has settled (cancel them first to make it quick). */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  /** The followed events of every node (origination-nodes.ts filters them to the calls placed). */
  onEvent(node: OriginationNode, event: EslEvent): void {
    const placed = this.#placed.get(event.header('Unique-ID') ?? '');
    if (!placed || placed.node !== node) return;
    const { call } = placed;
    switch (event.name) {
      case EventName.ChannelProgress:
      case EventName.ChannelProgressMedia:
        call.ringing();
        return;
      case EventName.ChannelAnswer:
        call.answered();
        return;
      case EventName.ChannelHangupComplete:
        if (call.state === 'in-progress' && !call.runningHere) this.#endUnclaimed(call);
        return;
      default:
    }
  }

  async #place(call: ApiCall, placement: Placement): Promise<void> {
    if (call.cancelSignal.aborted) {
      call.ended(cancelStatus(call), 0);
      return;
    }
    const picked = await this.#nodes?.pick();
    if (!picked) {
      logCode(call.log, 'ERR_API_NO_NODE', {}, 'no FreeSWITCH node is up to place the created call; it failed');
      call.ended('failed', 0);
      return;
    }
    const { node, session } = picked;
    const log = call.log.child({ node: node.name });
    this.#placed.set(call.uuid, { call, node });
    try {
      await session.filter('Unique-ID', call.uuid);
      if (call.cancelSignal.aborted) {
        call.ended(cancelStatus(call), 0);
        return;
      }
      const result = await this.#originate(call, placement, session);
      if (result === undefined) {
        // Answered: the engine runs it from here; the node's session may still see its hangup.
        await Promise.race([call.done, call.taken, session.closed.then(() => this.#endUnclaimed(call, 0))]);
        return;
      }
      log.info({ cause: result.cause, status: result.status }, 'created call not answered');
      call.ended(result.status, 0);
    } catch (err) {
      const error = toAppError(err);
      logCode(log, 'ERR_API_ORIGINATE_FAILED', { cause: error.code, err: error.message }, 'created call could not be placed');
      // The phone may still ring (a timeout, a lost session): it is hung up, through a new session if need be.
      void node.session().then((now) => now?.bgapi(`uuid_kill ${call.uuid} ${HangupCause.OriginatorCancel}`)).catch(noop);
      call.ended(call.cancelSignal.aborted ? cancelStatus(call) : 'failed', 0);
    } finally {
      if (this.#placed.get(call.uuid)?.call === call) this.#placed.delete(call.uuid);
      void session.filter('Unique-ID', call.uuid, true).catch(noop);
    }
  }

  /** Sends the originate; undefined when it was answered, else the status its cause ends the call with. */
  async #originate(call: ApiCall, placement: Placement, session: InboundSession):
    Promise<{ readonly cause: string; readonly status: CallEndStatus } | undefined> {
    const { request } = call;
    const command = originateCommand({
      uuid: call.uuid, endpoint: placement.endpoint, callerId: placement.callerId, timeoutSeconds: request.timeoutSeconds,
      timeLimitSeconds: request.timeLimitSeconds, socket: this.#deps.socket(),
    });
    call.log.info({ endpoint: placement.endpoint.endpoint, timeout: request.timeoutSeconds }, 'placing the created call');
    call.initiated();
    const stopCancel = onAbort(call.cancelSignal, () => {
      void session.bgapi(`uuid_kill ${call.uuid} ${HangupCause.OriginatorCancel}`).catch(noop);
    });
    let out: string;
    try {
      out = await session.bgapi(command, request.timeoutSeconds * 1000 + this.#deps.commandTimeoutMs);
    } finally {
      stopCancel();
    }
    if (out.startsWith('+OK')) {
      call.answered();
      return undefined;
    }
    const cause = out.replace(/^-ERR/, '').trim().split(/\s/, 1)[0] ?? '';
    const status = call.cancelSignal.aborted ? cancelStatus(call) : failedOriginateStatus(cause) ?? 'failed';
    return { cause, status };
  }

  /** An answered call whose channel is gone (or whose node is lost) before the engine took it. */
  #endUnclaimed(call: ApiCall, graceMs = this.#deps.unclaimedGraceMs ?? 1000): void {
    if (call.over || call.runningHere) return;
    const dispose = after(graceMs, () => {
      if (!call.runningHere) call.ended('completed', 0);
    });
    void call.done.then(dispose);
  }
}

/** The status a call ends with when it was ended before its answer: canceled by the API, failed by a shutdown. */
function cancelStatus(call: ApiCall): CallEndStatus {
  const reason = call.cancelSignal.reason as CancelReason;
  return reason === 'shutdown' ? 'failed' : 'canceled';
}
