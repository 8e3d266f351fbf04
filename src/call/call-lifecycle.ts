/**
 * The life of each call as the engine reports it to whoever keeps a record of calls (the Calls API's registry):
 * the call started (it reached this server, or a `<Dial>` placed it), it was answered, it ended. The engine knows
 * nothing of how the record is kept; the observer must not throw and must not hold the call up (a store that
 * answers slowly queues its writes itself).
 */

/** How a call came to be: it arrived, it was created through the Calls API, or a `<Dial>` of another call placed it. */
export type CallOrigin = 'inbound' | 'outbound-api' | 'outbound-dial';

/** How a call ended, in Twilio's words. */
export type CallEndStatus = 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';

/** A call that has started. */
export interface StartedCall {
  /** Its CallSid (the channel's uuid). */
  readonly callSid: string;
  /** The account as the engine knows it: a Kazoo id (32 hex digits) or whatever the configuration gives; may be empty. */
  readonly accountSid: string;
  readonly to: string;
  readonly from: string;
  readonly direction: CallOrigin;
  /** The call whose `<Dial>` placed this one. */
  readonly parentCallSid?: string;
  readonly callerName?: string;
  /** When the call started (this server's clock). */
  readonly at: Date;
  /** When it was answered already (a call handed over answered). */
  readonly answeredAt?: Date;
}

/** How a call ended. */
export interface EndedCall {
  readonly status: CallEndStatus;
  readonly at: Date;
  /** Whole seconds from answer to end (durations.ts); 0 for a call never answered. */
  readonly durationSeconds: number;
}

/** Told about every call the engine runs. */
export interface CallLifecycleObserver {
  started(call: StartedCall): void;
  answered(callSid: string, at: Date): void;
  ended(callSid: string, end: EndedCall): void;
}
