/**
 * What every kind of `<Dial>` target reports when its part is over, so that the Dial verb builds the action
 * request (or moves on) the same way for ringing endpoints, a conference and a queue.
 */
import type { DialVerb } from '../../twiml/index.js';
import type { RequestExtras } from '../../webhook/index.js';
import type { CallContext } from '../call-context.js';

/** Twilio's DialCallStatus values. */
export type DialCallStatus = 'completed' | 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled';

/** The result of one `<Dial>`. */
export interface DialOutcome {
  readonly status: DialCallStatus;
  /** The connected leg's uuid (DialCallSid), when one answered. */
  readonly callSid?: string;
  /** Seconds the connected leg was up (DialCallDuration), when one answered. */
  readonly duration?: number;
  /** More parameters for the action request (RecordingUrl, QueueSid, QueueTime, ...). */
  readonly extras?: RequestExtras;
}

/** Connects the caller to one kind of target and reports how it went. */
export type DialTarget<N> = (dial: DialVerb, noun: N, ctx: CallContext) => Promise<DialOutcome>;
