/** What the channel's operations take and give: options, timings, an execute's result. */
import type { EslEvent } from './event.js';
import type { Observer } from '../metrics/observer.js';

/** The completion of an executed application: its CHANNEL_EXECUTE_COMPLETE. */
export interface ExecuteResult {
  readonly application: string;
  /** `Application-Response` (`_none_` when the application sets none). */
  readonly response: string;
  /** The CHANNEL_EXECUTE_COMPLETE itself; its `variable_*` headers carry the application's results. */
  readonly event: EslEvent;
}

export interface ExecuteOptions {
  /** Cancels the wait (the application keeps running in FreeSWITCH: break it with `breakMedia`). */
  signal?: AbortSignal;
  timeoutMs?: number;
  /** `loops` header: run the application N times. */
  loops?: number;
  /**
   * When the call hangs up while this application runs, wait up to the channel's completion grace (at most
   * 100 ms) for its CHANNEL_EXECUTE_COMPLETE, whose variables carry the results (a recording's length), instead
   * of rejecting at once.
   */
  completeAfterHangup?: boolean;
}

export interface CommandOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ChannelTimings {
  /** How long FreeSWITCH may take to answer a command or an api. */
  commandTimeoutMs: number;
  /** How long a running application may take to complete once the call has hung up. At most 100 ms. */
  completeGraceMs: number;
  /** Where command round trips are reported (metrics). */
  observer?: Observer;
}
