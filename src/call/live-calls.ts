/**
 * Live calls, reachable from outside their coroutines: each call's handle can interrupt the document it runs, to
 * run another one instead (a redirect of a live call, to a URL or to a document given inline) or to end the call.
 * The document runner (document-runner.ts) opens an interruption point around each document of the call: the
 * channel's interruptible scope (esl/channel.ts), whose signal the document's request and verbs run under.
 * Interrupting aborts it, so the running verb stops as it would on a hangup (waits settled, listeners removed, no
 * request of its own made), then the runner breaks the channel's media and goes on as told.
 *
 * The scope is the channel's, not a signal combined with the call's per document: the channel settles the
 * operations of an interrupted scope itself, as it settles them all at a hangup, so a command given the
 * document's signal adds no listener. Every call can therefore be registered at no measurable cost.
 */
import { CallEndedError } from '../errors.js';
import type { EslChannel } from '../esl/index.js';
import { Deferred } from '../util/deferred.js';
import type { HttpMethod, TwimlDocument } from '../twiml/index.js';

/** A URL requested when a document cannot be fetched or run (with ErrorCode and ErrorUrl), and its method. */
export interface Fallback {
  readonly url: URL;
  readonly method: HttpMethod;
}

/**
 * Where an interrupted call goes: the document at a URL, a document given inline (parsed already, see
 * twiml/inline.ts), or the end of the call. A `fallback` given with a document becomes the call's fallback from
 * then on (the new document's included), usable once more.
 */
export type Interruption =
  | { readonly url: URL; readonly method: HttpMethod; readonly fallback?: Fallback }
  | { readonly document: TwimlDocument; readonly fallback?: Fallback }
  | 'hangup';

/** Moves a call's status callbacks to `url` with `method` from now on. */
export type StatusMover = (url: URL, method: HttpMethod) => void;

/**
 * The reason the signal of an interrupted document aborts with. It is a CallEndedError for the verbs (their
 * document's script is over, as on a hangup), while the channel's own signal stays up.
 */
export class InterruptedError extends CallEndedError {
  constructor(readonly next: Interruption) {
    super('ERR_CALL_INTERRUPTED');
    this.name = 'InterruptedError';
  }
}

/** True when `signal` aborted because its document was interrupted. */
export function wasInterrupted(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof InterruptedError;
}

/**
 * The interruption point of one call: the document its channel runs now, if any. Between two documents (the short
 * moment after one ends and before the next is requested), an interruption waits for the next document and stops
 * it at once.
 */
export class CallHandle {
  readonly #channel: EslChannel;
  /** The signal of the point open now. */
  #open: AbortSignal | undefined;
  /** An interruption that came between two documents. */
  #waiting: Interruption | undefined;
  #over = false;
  /** Made when someone waits for the end of the script (see {@link finished}). */
  #finished: Deferred<void> | undefined;
  /** Set by the engine: what moves the call's status callbacks. */
  #moveStatus: StatusMover | undefined;

  constructor(readonly callSid: string, channel: EslChannel) {
    this.#channel = channel;
  }

  /** Opens the point for the next document (its request and its verbs); returns the signal they run under. */
  open(): AbortSignal {
    const signal = this.#channel.openScope();
    this.#open = signal;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting !== undefined) this.#channel.interruptScope(new InterruptedError(waiting));
    return signal;
  }

  /** Closes the point of `signal`: an interruption now waits for the next document. */
  close(signal: AbortSignal): void {
    this.#channel.closeScope(signal);
    if (this.#open === signal) this.#open = undefined;
  }

  /** The call's script is over: interrupting does nothing any more. */
  end(): void {
    this.#over = true;
    this.#waiting = undefined;
    this.#finished?.resolve();
  }

  /** Resolves once the call's script is over (the call has ended, or is being hung up). */
  finished(): Promise<void> {
    if (this.#over) return Promise.resolve();
    this.#finished ??= new Deferred<void>();
    return this.#finished.promise;
  }

  /** The engine's: how {@link moveStatus} moves the call's status callbacks. */
  followStatus(mover: StatusMover): void {
    this.#moveStatus = mover;
  }

  /**
   * The call's status callbacks go to `url` with `method` from now on (the call had none: its `completed` goes
   * there). False when the call's script is over, or the engine set no way to move them.
   */
  moveStatus(url: URL, method: HttpMethod): boolean {
    if (this.#over || this.#moveStatus === undefined) return false;
    this.#moveStatus(url, method);
    return true;
  }

  /**
   * Stops the running document (or the next one, between two): the call goes on with `next` (or ends). False when
   * the call's script is over, or its document was interrupted already.
   */
  interrupt(next: Interruption): boolean {
    if (this.#over || this.#channel.signal.aborted) return false;
    if (this.#open !== undefined) return this.#channel.interruptScope(new InterruptedError(next));
    if (this.#waiting !== undefined) return false;
    this.#waiting = next;
    return true;
  }
}

/** The calls of a server that are running their script, by CallSid. */
export class LiveCalls {
  readonly #calls = new Map<string, CallHandle>();

  /** Registers a call for as long as its script runs; returns the function that removes it. */
  add(handle: CallHandle): () => void {
    this.#calls.set(handle.callSid, handle);
    return () => {
      if (this.#calls.get(handle.callSid) === handle) this.#calls.delete(handle.callSid);
    };
  }

  /** The handle of a running call, or undefined. */
  get(callSid: string): CallHandle | undefined {
    return this.#calls.get(callSid);
  }

  /** How many calls are running their script. */
  get size(): number {
    return this.#calls.size;
  }
}
