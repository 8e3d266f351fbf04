/**
 * The narrow interface through which the Event Socket layer, the TwiML engine, the webhook client and the
 * park-watcher report what they do. It speaks of the domain only (a call ended, a verb ran for so long); metric
 * names live in src/server/prometheus-metrics.ts. Every method must be cheap and must never throw: it runs on the
 * call path.
 */

/** Kinds of Event Socket round trip: a `sendmsg` execute acknowledged, an `api` answered, any other command. */
export type EslRoundTrip = 'execute' | 'api' | 'command';

export interface Observer {
  /** A channel came in on the outbound socket and its call starts. */
  callStarted(): void;
  /**
   * A call ended: `hangup` (hung up by the caller, by a Hangup verb or at the script's end), `disconnected` (the
   * socket closed first), `shutdown` (hung up by a drain), `completed` (the script returned with the call still
   * up; the server then hangs it up) or `error`.
   */
  callEnded(outcome: string): void;
  /** One Event Socket command and its reply, in seconds. */
  eslRoundTrip(kind: EslRoundTrip, seconds: number): void;
  /** One TwiML verb ran for `seconds` (until it continued, navigated or the call ended). */
  verbRun(verb: string, seconds: number): void;
  /** One document request ended: its HTTP status (`error` when there was none) and its duration. */
  webhookRequest(status: string, seconds: number): void;
  /** A document request failed with this error code. */
  fetchError(code: string): void;
  /** A recording upload starts (+1) or ends (-1). */
  recordingsPending(delta: 1 | -1): void;
  /** The park-watcher handed a call off (`ok`) or could not (`failed`). */
  parkHandoff(node: string, result: 'ok' | 'failed'): void;
}

const nothing = (): void => {};

/** An observer that records nothing: the default, and what tests pass when metrics are not what they test. */
export const NO_OP_OBSERVER: Observer = Object.freeze({
  callStarted: nothing,
  callEnded: nothing,
  eslRoundTrip: nothing,
  verbRun: nothing,
  webhookRequest: nothing,
  fetchError: nothing,
  recordingsPending: nothing,
  parkHandoff: nothing,
});
