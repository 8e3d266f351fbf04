/**
 * Calls created through the API, from their creation until their answered channel reaches the outbound socket: the
 * engine takes a channel's description from here rather than from the channel, so that the call runs with what it
 * was created with (its source, To/From, AccountSid, Direction=outbound-api, status callback, SendDigits, TimeLimit).
 * A created call takes its account's slot when it is created; the engine does not take another one.
 */
import type { HttpMethod } from '../twiml/index.js';
import type { CallRequests } from '../webhook/index.js';
import type { CallSetup } from './call-setup.js';
import type { CallEndStatus } from './call-lifecycle.js';
import type { StatusReporter } from './status/status-reporter.js';

/** What the engine runs a created call from, and what it tells the call's owner. */
export interface CreatedCall {
  /** The channel's uuid (`origination_uuid`). */
  readonly uuid: string;
  /**
   * Its setup: CallSid (`CA` + the uuid's digits), AccountSid, To/From as created, Direction `outbound-api`; its
   * source (Url or inline Twiml, fallback), Twilio's request naming, its status callback.
   */
  readonly setup: CallSetup;
  /** The call's requests since its creation (its account's token; the callbacks sent so far are tracked there). */
  readonly requests: CallRequests;
  /** DTMF sent once the call is answered, before the first request (`w`: half a second's pause). */
  readonly sendDigits?: string | undefined;
  /** The longest the call may last once answered, in seconds. */
  readonly timeLimitSeconds?: number | undefined;
  /** Its status callbacks, from creation to the end (one sequence); undefined without a status callback. */
  readonly status: StatusReporter | undefined;
  /**
   * Its status callbacks go to `url` with `method` from now on (an update of the call): its reporter is moved, or,
   * for a call created without one, made for `completed` only.
   */
  moveStatus(url: URL, method: HttpMethod): void;
  /** The engine runs the call now. */
  running(): void;
  /** The engine is done with the call: it ended with `status`, answered for `seconds` (its `completed` callback). */
  ended(status: CallEndStatus, seconds: number): void;
}

/** The created calls whose channel has not reached the engine yet, by uuid. */
export class CreatedCalls {
  readonly #pending = new Map<string, CreatedCall>();

  /** Adds a call; the function returned removes it (when it ended before reaching the engine). */
  add(call: CreatedCall): () => void {
    this.#pending.set(call.uuid, call);
    return () => {
      if (this.#pending.get(call.uuid) === call) this.#pending.delete(call.uuid);
    };
  }

  /** The created call of a channel that reached the engine, taken once; undefined for any other channel. */
  claim(uuid: string): CreatedCall | undefined {
    const call = this.#pending.get(uuid);
    if (call === undefined) return undefined;
    this.#pending.delete(uuid);
    call.running();
    return call;
  }

  /** Calls not yet run. */
  get size(): number {
    return this.#pending.size;
  }
}
