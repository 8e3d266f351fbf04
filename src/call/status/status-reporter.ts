/**
 * A call's status callbacks (Twilio's call progress events): `initiated` when the call is handed to us, `ringing`
 * when it is not answered yet, `answered` when it is, and `completed` with the final CallStatus once it has ended.
 * Each carries the call's parameters (CallStatus per event) plus CallbackSource=call-progress-events,
 * SequenceNumber (0, 1, 2… in sending order), Timestamp (RFC 2822), and on `completed` CallDuration (whole seconds
 * from the answer to the hangup by FreeSWITCH's clock, see call-times.ts) and Duration (minutes, rounded up).
 *
 * Callbacks never hold the call up: they are chained one after the other (so they arrive in order) off the call's
 * path, each retried a bounded number of times with a doubling delay, and the promise of the chain is handed to
 * the call, which waits for it before it ends so that none outlives the call. A callback that fails every attempt
 * is logged with ERR_CALL_STATUS_CALLBACK. Once the server has stopped (the shutdown signal), a callback in flight
 * is cancelled, no retry is waited for, and what is left is logged with ERR_CALL_STATUS_CALLBACK, cause ERR_SHUTDOWN.
 *
 * The target can be moved while the call goes on (an update of the call through the Calls API): the events after
 * the move go to the new URL with the new method, the SequenceNumber going on; the events the call chose stay. A
 * call that had no status callback gets a reporter at the move, for `completed` only, as Twilio does
 * ({@link moveStatus}).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { noop } from '../../util/abort.js';
import { callProgressParams, redactUrl, type CallProgress, type CallRequests, type Params } from '../../webhook/index.js';
import type { HttpMethod } from '../../twiml/index.js';
import type { CallIdentity } from '../call-description.js';
import type { EngineSettings, StatusEvent } from '../engine-settings.js';
import { finalCallStatus, type CallEnding } from './final-status.js';
import { updateTarget, type StatusTarget } from './status-target.js';
import { logCode } from '../../log-code.js';

/** What a reporter is built from. */
export interface StatusReporterDeps {
  readonly target: StatusTarget;
  /** The call's requests: they sign and name the callbacks, and the call waits for those they track. */
  readonly requests: CallRequests;
  readonly identity: CallIdentity;
  readonly settings: EngineSettings['statusCallback'];
  readonly log: Logger;
  /** Aborts when the server has stopped: a callback in flight is cancelled and no retry is waited for. */
  readonly shutdown?: AbortSignal;
}

/** Sends one call's status callbacks. */
export class StatusReporter {
  readonly #deps: StatusReporterDeps;
  #target: StatusTarget;
  #sequence = 0;
  #chain: Promise<void> = Promise.resolve();
  #initiated = false;
  #ringing = false;
  #answered = false;
  #completed = false;

  constructor(deps: StatusReporterDeps) {
    this.#deps = deps;
    this.#target = deps.target;
  }

  /** The callbacks of the events from now on go to `url` with `method`; the events asked for stay. */
  retarget(url: URL, method: HttpMethod): void {
    this.#target = { ...this.#target, url, method };
    this.#deps.log.info({ url: redactUrl(url), method }, 'status callbacks moved');
  }

  /** The call was handed to us: `initiated`, then `ringing` or (already answered) `answered`. */
  started(answered: boolean): void {
    this.initiated();
    if (answered) this.answered();
    else this.ringing();
  }

  /** The call is being placed (once). */
  initiated(): void {
    if (this.#initiated) return;
    this.#initiated = true;
    this.#send('initiated', 'initiated');
  }

  /** The call rings (once; never after the answer). */
  ringing(): void {
    if (this.#ringing || this.#answered) return;
    this.#ringing = true;
    this.#send('ringing', 'ringing');
  }

  /** The call was answered (once). */
  answered(): void {
    if (this.#answered) return;
    this.#answered = true;
    this.#send('answered', 'in-progress');
  }

  /** The call has ended: `completed` with the final status (once) and the `seconds` it was answered for. */
  completed(ending: CallEnding, seconds: number): void {
    this.ended(finalCallStatus(ending), seconds);
  }

  /** The call has ended with `status` (completed, busy, no-answer, canceled, failed): `completed` (once). */
  ended(status: string, seconds: number): void {
    if (this.#completed) return;
    this.#completed = true;
    this.#send('completed', status, { seconds, answered: status === 'completed' });
  }

  #send(event: StatusEvent, callStatus: string, ended?: CallProgress['ended']): void {
    const { requests, identity } = this.#deps;
    // Where the event was due when it happened, whatever moves the target before its turn in the chain.
    const target = this.#target;
    if (!target.events.has(event)) return;
    const params = callProgressParams({ ...identity, callStatus }, { sequence: this.#sequence++, at: requests.now(),
      ...(ended && { ended }) }, requests.format);
    const next = this.#chain.then(() => this.#deliver(target, event, params));
    this.#chain = next;
    requests.track(next);
  }

  /** Sends one callback with its retries. Never throws. */
  async #deliver(target: StatusTarget, event: StatusEvent, params: Params): Promise<void> {
    const { requests, settings, log, shutdown } = this.#deps;
    const url = redactUrl(target.url);
    for (let attempt = 0; ; attempt++) {
      if (shutdown?.aborted) {
        logCode(log, 'ERR_CALL_STATUS_CALLBACK', { cause: 'ERR_SHUTDOWN', url, event, attempts: attempt },
          'status callback abandoned: the server has stopped');
        return;
      }
      const outcome = await requests.notify({ url: target.url, method: target.method, params },
        { timeoutMs: settings.timeoutMs, ...(shutdown && { signal: shutdown }) });
      if (outcome.ok) {
        log.debug({ url, event, status: outcome.status, attempt: attempt + 1 }, 'status callback sent');
        return;
      }
      if (shutdown?.aborted) continue;
      if (attempt >= settings.retries) {
        logCode(log, 'ERR_CALL_STATUS_CALLBACK', { cause: outcome.error?.code, status: outcome.status, url, event,
          attempts: attempt + 1 }, 'status callback failed');
        return;
      }
      log.debug({ code: outcome.error?.code, status: outcome.status, url, event, attempt: attempt + 1 },
        'status callback failed; retrying');
      await sleep(settings.retryDelayMs * 2 ** attempt, undefined, shutdown && { signal: shutdown }).catch(noop);
    }
  }
}

/**
 * Moves a call's status callbacks to `url` (an update of the call): its reporter is retargeted, or, for a call that
 * had none, `create` makes one for `completed` only. Returns the call's reporter.
 */
export function moveStatus(reporter: StatusReporter | undefined, url: URL, method: HttpMethod,
  create: (target: StatusTarget) => StatusReporter): StatusReporter {
  if (reporter === undefined) return create(updateTarget(url, method));
  reporter.retarget(url, method);
  return reporter;
}
