/**
 * Live calls, reachable from outside their coroutines: each call's handle can interrupt the document it runs, to
 * request another one instead (a redirect of a live call) or to end the call. The document runner
 * (document-runner.ts) opens an interruption point around each document of the call; interrupting aborts the
 * signal its verbs run under, so the running verb stops as it would on a hangup (waits settled, listeners
 * removed, no request of its own made), then the runner breaks the channel's media and goes on as told.
 */
import { CallEndedError } from '../errors.js';
import type { HttpMethod } from '../twiml/index.js';

/** Where an interrupted call goes: another document, or the end of the call. */
export type Interruption = { readonly url: URL; readonly method: HttpMethod } | 'hangup';

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

/** The interruption point of one call: the document running now, if any. */
export class CallHandle {
  #current: AbortController | undefined;

  constructor(readonly callSid: string) {}

  /** Opens the point for the next document (its request and its verbs); returns the signal they run under. */
  open(): AbortSignal {
    this.#current = new AbortController();
    return this.#current.signal;
  }

  /** Closes the point: interrupting now does nothing until the next document. */
  close(): void {
    this.#current = undefined;
  }

  /**
   * Stops the running document: the call goes on with `next` (or ends). False when no document is running (the
   * call is between documents, or over) or it was interrupted already.
   */
  interrupt(next: Interruption): boolean {
    const current = this.#current;
    if (current === undefined || current.signal.aborted) return false;
    current.abort(new InterruptedError(next));
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
