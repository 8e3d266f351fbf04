/**
 * One call created through the API, from the 201 to its end: its state as fetch shows it (queued -> ringing ->
 * in-progress -> completed, or busy / no-answer / canceled / failed), the description the engine runs it from once
 * its answered channel reaches the outbound socket ({@link CreatedCall}), and its status callbacks: one reporter from
 * creation to the end, so that SequenceNumber goes on from the originate to the script.
 */
import type { Logger } from 'pino';
import { moveStatus, type CallEndStatus, type CallSetup, type CreatedCall, type StatusReporter, type StatusTarget } from '../call/index.js';
import type { HttpMethod } from '../twiml/index.js';
import type { CallRequests } from '../webhook/index.js';
import { Deferred } from '../util/deferred.js';
import type { ApiCallStatus, CallResource, CreateCallRequest } from './calls-service.js';

/** What a created call is made of. */
export interface ApiCallInit {
  readonly sid: string;
  readonly uuid: string;
  readonly request: CreateCallRequest;
  readonly setup: CallSetup;
  readonly requests: CallRequests;
  /** Makes the call's status reporter for `target`: at its creation (its setup's target), or when one is given later. */
  readonly reporterFor: (target: StatusTarget) => StatusReporter;
  /** Gives the account's slot back. */
  readonly release: () => void;
  /** Told every change of the call's state. */
  readonly onChange: (call: ApiCall) => void;
  readonly log: Logger;
  readonly now?: () => Date;
}

/** Why a call is being ended before its answer, by the API or by the server. */
export type CancelReason = 'canceled' | 'shutdown';

export class ApiCall implements CreatedCall {
  readonly sid: string;
  readonly uuid: string;
  readonly setup: CallSetup;
  readonly requests: CallRequests;
  readonly sendDigits: string | undefined;
  readonly timeLimitSeconds: number | undefined;
  readonly request: CreateCallRequest;
  readonly log: Logger;
  readonly #release: () => void;
  readonly #onChange: (call: ApiCall) => void;
  readonly #now: () => Date;
  readonly #reporterFor: (target: StatusTarget) => StatusReporter;
  #status: StatusReporter | undefined;
  readonly #ended = new Deferred<void>();
  readonly #taken = new Deferred<void>();
  readonly #cancel = new AbortController();
  readonly #created: Date;
  #updated: Date;
  #state: ApiCallStatus = 'queued';
  #startTime: Date | undefined;
  #endTime: Date | undefined;
  #duration: number | undefined;
  #running = false;

  constructor(init: ApiCallInit) {
    this.sid = init.sid;
    this.uuid = init.uuid;
    this.setup = init.setup;
    this.requests = init.requests;
    this.request = init.request;
    this.sendDigits = init.request.sendDigits;
    this.timeLimitSeconds = init.request.timeLimitSeconds;
    this.#reporterFor = init.reporterFor;
    this.#status = init.setup.statusTarget && init.reporterFor(init.setup.statusTarget);
    this.log = init.log;
    this.#release = init.release;
    this.#onChange = init.onChange;
    this.#now = init.now ?? ((): Date => new Date());
    this.#created = this.#now();
    this.#updated = this.#created;
  }

  /** Its status callbacks (one sequence from creation to the end); undefined while it has no status callback. */
  get status(): StatusReporter | undefined {
    return this.#status;
  }

  moveStatus(url: URL, method: HttpMethod): void {
    this.#status = moveStatus(this.#status, url, method, this.#reporterFor);
  }

  /** The call's status now. */
  get state(): ApiCallStatus {
    return this.#state;
  }

  /** True once the engine runs the call. */
  get runningHere(): boolean {
    return this.#running;
  }

  /** True once the call has ended. */
  get over(): boolean {
    return this.#ended.settled;
  }

  /** Resolves once the call has ended. */
  get done(): Promise<void> {
    return this.#ended.promise;
  }

  /** Resolves once the call has ended and its callbacks have settled. */
  get finished(): Promise<void> {
    return this.#ended.promise.then(() => this.requests.settled());
  }

  /** Aborts when the call is to be ended before its answer; the reason is a {@link CancelReason}. */
  get cancelSignal(): AbortSignal {
    return this.#cancel.signal;
  }

  /** Ends the call before its answer (nothing once it is answered). */
  cancel(reason: CancelReason): void {
    if (this.#state === 'queued' || this.#state === 'ringing') this.#cancel.abort(reason);
  }

  /** The originate was sent. */
  initiated(): void {
    this.status?.initiated();
  }

  /** The phone rings. */
  ringing(): void {
    if (this.#state !== 'queued') return;
    this.#set('ringing');
    this.status?.ringing();
  }

  /** The callee answered. */
  answered(): void {
    if (this.over || this.#state === 'in-progress') return;
    this.#startTime = this.#now();
    this.#set('in-progress');
    this.status?.answered();
  }

  running(): void {
    this.#running = true;
    this.answered();
    this.#taken.resolve();
  }

  /** Resolves once the engine runs the call. */
  get taken(): Promise<void> {
    return this.#taken.promise;
  }

  ended(status: CallEndStatus, seconds: number): void {
    if (this.over) return;
    this.#endTime = this.#now();
    this.#duration = status === 'completed' ? seconds : 0;
    this.#release();
    this.status?.ended(status, seconds);
    this.#set(status);
    this.#ended.resolve();
  }

  /** The call as the Calls resource shows it. */
  resource(): CallResource {
    const { request } = this;
    return {
      sid: this.sid,
      accountSid: request.accountSid,
      to: request.to,
      from: request.from,
      status: this.#state,
      direction: 'outbound-api',
      dateCreated: this.#created,
      dateUpdated: this.#updated,
      ...(this.#startTime && { startTime: this.#startTime }),
      ...(this.#endTime && { endTime: this.#endTime }),
      ...(this.#duration !== undefined && { duration: this.#duration }),
    };
  }

  #set(state: ApiCallStatus): void {
    this.#state = state;
    this.#updated = this.#now();
    this.log.debug({ status: state }, 'created call status');
    this.#onChange(this);
  }
}
