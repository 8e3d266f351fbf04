import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { CallEndedError, EslError } from '../errors.js';
import { after, onAbort } from '../util/abort.js';
import { Deferred } from '../util/deferred.js';
import type { ChannelData } from './channel-data.js';
import { type ChannelEventName, type ChannelEvents, toDomainEvent } from './channel-events.js';
import { ChannelSubscriptions, type Listener } from './channel-subscriptions.js';
import type { ChannelTimings, CommandOptions, ExecuteOptions, ExecuteResult } from './channel-options.js';
import type { EslEvent } from './event.js';
import { executeMessage } from './execute-message.js';
import { abortedBy, assertOneLine, assertVariableName, guard } from './guard.js';
import type { EslRoundTrip } from '../metrics/observer.js';
import type { OutboundConnection } from './outbound-connection.js';
import { PendingExecute } from './pending-execute.js';
import { ContentType, EventName, HangupCause } from './protocol.js';

export type { ChannelTimings, CommandOptions, ExecuteOptions, ExecuteResult } from './channel-options.js';

const APP_NAME = /^[A-Za-z0-9_]+$/;

/**
 * One FreeSWITCH channel handed to us on an outbound socket: a promise API over the connection.
 *
 * `signal` aborts once, on the first of an event showing the channel hung up (the domain event `hangup`), a
 * disconnect notice, the socket closing, or `abort()` (server shutdown); its reason is a CallEndedError. Every
 * pending operation then rejects: at once, or for an execute that asked for `completeAfterHangup`, after at most
 * the completion grace. Nothing is left registered.
 */
export class EslChannel {
  readonly uuid: string;
  readonly data: ChannelData;
  readonly log: Logger;
  readonly #conn: OutboundConnection;
  readonly #timings: ChannelTimings;
  readonly #abort = new AbortController();
  readonly #pending = new Map<string, PendingExecute<ExecuteResult>>();
  readonly #jobs = new Map<string, Deferred<string>>();
  /** Each reply awaited, with the scope it was asked for under (see {@link openScope}), if any. */
  readonly #replies = new Map<Deferred<EslEvent>, AbortSignal | undefined>();
  readonly #subscriptions: ChannelSubscriptions;
  readonly #hangupComplete = new Deferred<EslEvent | undefined>();
  #answered: boolean;
  #closed = false;
  /** Set by the first event to show the channel hung up (its domain `hangup`). */
  #hungUp = false;
  /** The interruptible scope (the document the call runs); kept from one document to the next until interrupted. */
  #scope: AbortController | undefined;
  /** Whether the scope is open: interrupting a closed one does nothing. */
  #scopeOpen = false;

  constructor(conn: OutboundConnection, data: ChannelData, log: Logger, timings: ChannelTimings) {
    this.#conn = conn;
    this.data = data;
    this.uuid = data.uuid;
    this.log = log;
    this.#timings = { ...timings, completeGraceMs: Math.min(timings.completeGraceMs, 100) };
    this.#answered = data.answerState === 'answered';
    this.#subscriptions = new ChannelSubscriptions({ log, command: (text) => this.command(text),
      ended: () => this.signal.aborted, closed: () => this.#closed });
    if (data.answerState === 'hangup') this.abort(new CallEndedError('ERR_CALL_HANGUP', data.headers['Hangup-Cause']));
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /**
   * Opens an interruptible scope (the document the call runs now) in place of any open one: returns its signal,
   * which aborts when the call ends (with the call's reason) or when {@link interruptScope} is called. Operations
   * of this channel given the scope's signal cost what those given the call's own signal cost (no listener each,
   * see {@link execute}): interrupting settles those still pending at once, as the end of the call does.
   */
  openScope(): AbortSignal {
    // One scope serves document after document until one is interrupted: no signal is made per document.
    let scope = this.#scope;
    if (scope === undefined || scope.signal.aborted) {
      scope = new AbortController();
      if (this.signal.aborted) scope.abort(this.signal.reason);
      this.#scope = scope;
    }
    this.#scopeOpen = true;
    return scope.signal;
  }

  /** Closes the scope of `signal` if it is the open one: interrupting does nothing until a scope opens again. */
  closeScope(signal: AbortSignal): void {
    if (this.#scope?.signal === signal) this.#scopeOpen = false;
  }

  /**
   * Aborts the open scope with `reason` (the call itself goes on) and rejects with it every operation of the scope
   * still pending (the applications keep running in FreeSWITCH: break them with `breakMedia`). False when no scope
   * is open, or it has aborted already.
   */
  interruptScope(reason: CallEndedError): boolean {
    const scope = this.#scope;
    if (scope === undefined || !this.#scopeOpen || scope.signal.aborted) return false;
    scope.abort(reason);
    const signal = scope.signal;
    for (const entry of [...this.#pending.values()]) if (entry.scope === signal) entry.reject(reason);
    for (const [reply, owner] of this.#replies) if (owner === signal) reply.reject(reason);
    return true;
  }

  get answered(): boolean {
    return this.#answered;
  }

  /** True once the socket has closed: no command can be sent any more. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Resolves with CHANNEL_HANGUP_COMPLETE, or undefined if the connection closed without one. Never rejects. */
  get hangupComplete(): Promise<EslEvent | undefined> {
    return this.#hangupComplete.promise;
  }

  /**
   * Subscribes the connection to what every call reads (see ChannelSubscriptions); events some verbs read only
   * while they run are subscribed while something listens to them (see {@link on}).
   */
  async subscribe(lingerSeconds: number): Promise<void> {
    await this.#subscriptions.subscribeCall(lingerSeconds);
  }

  /**
   * Runs an application on the channel and resolves with its CHANNEL_EXECUTE_COMPLETE.
   *
   * Thousands of executes wait at once (a playback runs for seconds), so a waiting execute holds as little as it
   * can: one {@link PendingExecute} (its entry in the pending table, and its promise); no async frame, and guards
   * only when asked for. It leaves the table on every way it settles.
   */
  execute(app: string, arg = '', opts: ExecuteOptions = {}): Promise<ExecuteResult> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    if (opts.signal?.aborted) return Promise.reject(abortedBy(opts.signal.reason));
    if (!APP_NAME.test(app)) {
      return Promise.reject(new EslError('ERR_ESL_COMMAND_FAILED', `invalid application name ${JSON.stringify(app)}`));
    }
    const eventUuid = randomUUID();
    const entry = new PendingExecute<ExecuteResult>(this.#pending, eventUuid, app, opts.completeAfterHangup === true);
    entry.scope = this.#scoped(opts.signal);
    guard(entry, this.#foreign(opts.signal), opts.timeoutMs, () => `${app} did not complete in ${opts.timeoutMs} ms`);
    this.#sendExecute(eventUuid, app, arg, opts.loops).then(() => { entry.started = true; },
      (err: unknown) => entry.reject(err));
    return entry.promise;
  }

  /**
   * Answers the channel with the `uuid_answer` api rather than the `answer` application: the same
   * switch_channel_answer (CHANNEL_ANSWER, the answer time), without an application's CHANNEL_EXECUTE_COMPLETE
   * for FreeSWITCH to build and send. FreeSWITCH replies `-ERROR` when the channel is gone, or could not be answered
   * and is being hung up (switch_channel_perform_answer): the call has ended.
   */
  async answer(opts: CommandOptions = {}): Promise<void> {
    const out = await this.api(`uuid_answer ${this.uuid}`, opts);
    if (out.startsWith('+OK')) {
      this.#answered = true;
      return;
    }
    this.abort(new CallEndedError('ERR_CALL_HANGUP'));
    throw this.signal.reason;
  }

  /** Runs an api command (blocking FreeSWITCH's side of this socket) and resolves with its output. */
  async api(command: string, opts: CommandOptions = {}): Promise<string> {
    assertOneLine(command);
    const reply = await this.#request((cb) => this.#conn.api(command, '', cb), opts, 'api');
    return reply.body;
  }

  /** Runs an api command in a FreeSWITCH thread and resolves with its output (the BACKGROUND_JOB body). */
  async bgapi(command: string, opts: CommandOptions = {}): Promise<string> {
    assertOneLine(command);
    const jobUuid = randomUUID();
    const job = new Deferred<string>();
    this.#jobs.set(jobUuid, job);
    guard(job, opts.signal === this.#abort.signal ? undefined : opts.signal, opts.timeoutMs, () => `bgapi ${command.split(' ')[0]} did not finish in time`);
    try {
      await this.command(`bgapi ${command}`, { 'Job-UUID': jobUuid }, opts);
      return await job.promise;
    } catch (err) {
      job.reject(err);
      throw err;
    } finally {
      this.#jobs.delete(jobUuid);
    }
  }

  /** Sends a socket command and resolves with its `command/reply`; a `-ERR` reply rejects. */
  async command(text: string, headers?: Record<string, string>, opts: CommandOptions = {}): Promise<EslEvent> {
    const reply = await this.#request((cb) => this.#conn.sendRecv(text, headers ?? null, cb), opts,
      text.startsWith('sendmsg') ? 'execute' : 'command');
    const replyText = reply.header('Reply-Text') ?? '';
    if (replyText.startsWith('-ERR')) {
      throw new EslError('ERR_ESL_COMMAND_FAILED', `${text.split(/[\s]/, 1)[0]}: ${replyText}`);
    }
    return reply;
  }

  /** Sets a channel variable at once (uuid_setvar), even while an application runs. */
  async setVariable(name: string, value: string, opts?: CommandOptions): Promise<void> {
    assertVariableName(name);
    const out = await this.api(`uuid_setvar ${this.uuid} ${name} ${value}`, opts);
    if (out.startsWith('-ERR')) throw new EslError('ERR_ESL_COMMAND_FAILED', `uuid_setvar ${name}: ${out.trim()}`);
  }

  /** Reads a channel variable (uuid_getvar); undefined when unset. */
  async getVariable(name: string, opts?: CommandOptions): Promise<string | undefined> {
    assertVariableName(name);
    const out = await this.api(`uuid_getvar ${this.uuid} ${name}`, opts);
    if (out.startsWith('-ERR')) throw new EslError('ERR_ESL_COMMAND_FAILED', `uuid_getvar ${name}: ${out.trim()}`);
    return out === '_undef_' ? undefined : out;
  }

  /** Hangs the call up now (uuid_kill), interrupting whatever runs. A call already gone is not an error. */
  async hangup(cause: string = HangupCause.NormalClearing): Promise<void> {
    if (!/^[A-Z_0-9]+$/.test(cause)) throw new EslError('ERR_ESL_COMMAND_FAILED', `invalid hangup cause ${cause}`);
    if (this.#closed) return;
    // No application waits for its completion: the ones the hangup still brings (the `socket` application's) are
    // not needed, and FreeSWITCH need not build them. Sent first, so it is in place before the channel goes down.
    if (this.#pending.size === 0 && !this.signal.aborted) this.#subscriptions.send(`nixevent ${EventName.ChannelExecuteComplete}`);
    await this.api(`uuid_kill ${this.uuid} ${cause}`);
  }

  /** Stops the running media application (uuid_break); with `all`, also drops the queued ones. */
  async breakMedia(all = false): Promise<void> {
    if (this.#closed) return;
    await this.api(`uuid_break ${this.uuid}${all ? ' all' : ''}`);
  }

  /**
   * Listens to a domain event; returns the function that removes the listener. The FreeSWITCH events of an
   * on-demand domain event (ON_DEMAND_EVENTS) are subscribed while it has listeners (see ChannelSubscriptions).
   */
  on<K extends ChannelEventName>(name: K, listener: Listener<K>): () => void {
    return this.#subscriptions.on(name, listener);
  }

  /** Resolves with the next matching domain event; rejects on the signals and the timeout. */
  waitFor<K extends ChannelEventName>(name: K, match: (payload: ChannelEvents[K]) => boolean = () => true,
    opts: CommandOptions = {}): Promise<ChannelEvents[K]> {
    const deferred = new Deferred<ChannelEvents[K]>();
    // The open scope's signal aborts with the call's end too: one listener either way.
    const ends = this.#scoped(opts.signal) ?? this.signal;
    const disposers = [
      this.on(name, (payload) => { if (match(payload)) deferred.resolve(payload); }),
      onAbort(ends, (reason) => deferred.reject(reason)),
    ];
    guard(deferred, this.#foreign(opts.signal), opts.timeoutMs, () => `no ${name} event in ${opts.timeoutMs} ms`);
    return deferred.promise.finally(() => { for (const dispose of disposers) dispose(); });
  }

  /** Number of operations still waiting on FreeSWITCH (0 once the call is over). */
  get pendingCount(): number {
    return this.#pending.size + this.#jobs.size + this.#replies.size;
  }

  /** Number of listeners still registered (0 once the call's code has cleaned up after itself). */
  get listenerCount(): number {
    return this.#subscriptions.count;
  }

  /** Ends the call's signal with `reason` (first reason wins) and settles what waits on it. */
  abort(reason: CallEndedError): void {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort(reason);
    if (this.#scope && !this.#scope.signal.aborted) this.#scope.abort(reason);
    for (const [, entry] of this.#pending) {
      if (entry.started && entry.completeAfterHangup && !this.#closed) {
        const dispose = after(this.#timings.completeGraceMs, () => entry.reject(reason));
        entry.promise.then(dispose, dispose);
      } else {
        entry.reject(reason);
      }
    }
    for (const job of this.#jobs.values()) job.reject(reason);
    for (const reply of this.#replies.keys()) reply.reject(reason);
  }

  /** Handles a message that is not a command reply: events and disconnect notices. */
  handleMessage(message: EslEvent): void {
    if (message.contentType === ContentType.DisconnectNotice) {
      this.#onDisconnectNotice(message);
      return;
    }
    if (!message.isEvent) {
      this.log.debug({ contentType: message.contentType }, 'ignored an unexpected message');
      return;
    }
    const owner = message.header('Unique-ID');
    if (owner !== undefined && owner !== this.uuid && message.name !== EventName.BackgroundJob) return;
    this.#onEvent(message);
  }

  /** The socket closed: nothing more can arrive, everything still pending rejects. */
  connectionClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    const reason = new CallEndedError('ERR_ESL_DISCONNECTED');
    this.abort(reason);
    for (const entry of [...this.#pending.values()]) entry.reject(this.signal.reason ?? reason);
    for (const reply of this.#replies.keys()) reply.reject(reason);
    this.#hangupComplete.resolve(undefined);
  }

  #onDisconnectNotice(message: EslEvent): void {
    const disposition = message.header('Content-Disposition');
    // `linger`: the channel is gone, events still follow; `disconnect`: FreeSWITCH is about to close the socket.
    this.abort(new CallEndedError(disposition === 'linger' ? 'ERR_CALL_HANGUP' : 'ERR_ESL_DISCONNECTED'));
  }

  #onEvent(event: EslEvent): void {
    const domain = toDomainEvent(event);
    // CHANNEL_HANGUP is not subscribed: every event of the channel after its hangup says so (`Answer-State: hangup`),
    // the running application's completion, the `socket` application's, CHANNEL_HANGUP_COMPLETE. The first one ends
    // the call before it settles anything, as CHANNEL_HANGUP would have.
    if (!this.#hungUp && (domain?.[0] === 'hangup' || event.header('Answer-State') === 'hangup')) {
      this.#hungUp = true;
      const cause = event.header('Hangup-Cause') ?? '';
      this.abort(new CallEndedError('ERR_CALL_HANGUP', cause));
      this.#subscriptions.emit('hangup', { cause, event });
    }
    if (domain) {
      const [name, payload] = domain;
      switch (name) {
        case 'execute': {
          const entry = this.#pending.get(payload.applicationUuid);
          if (entry) entry.started = true;
          break;
        }
        case 'executeComplete':
          this.#pending.get(payload.applicationUuid)?.resolve({ application: payload.application,
            response: payload.response, event });
          break;
        case 'backgroundJob':
          this.#jobs.get(payload.jobUuid)?.resolve(payload.body);
          break;
        case 'answer':
          this.#answered = true;
          break;
        case 'hangupComplete':
          this.abort(new CallEndedError('ERR_CALL_HANGUP', payload.cause));
          this.#hangupComplete.resolve(event);
          break;
        default:
      }
      if (name !== 'hangup') this.#subscriptions.emit(name, payload);
    }
    this.#subscriptions.emit('event', event);
  }

  /**
   * `signal` unless it is the call's own or the open scope's, whose ends `abort` and `interruptScope` settle what
   * waits on them with anyway (no listener each).
   */
  #foreign(signal: AbortSignal | undefined): AbortSignal | undefined {
    return signal === this.#abort.signal || this.#scoped(signal) !== undefined ? undefined : signal;
  }

  /** `signal` when it is the open scope's (and has not aborted), else undefined. */
  #scoped(signal: AbortSignal | undefined): AbortSignal | undefined {
    const scope = this.#scope?.signal;
    return signal !== undefined && signal === scope && !signal.aborted ? signal : undefined;
  }

  #request(send: (cb: (reply: EslEvent) => void) => void, opts: CommandOptions, kind: EslRoundTrip): Promise<EslEvent> {
    if (this.#closed) return Promise.reject(new CallEndedError('ERR_ESL_DISCONNECTED'));
    // Subscription changes of this tick go first: FreeSWITCH handles a socket's commands in order.
    this.#subscriptions.flush();
    const deferred = new Deferred<EslEvent>();
    this.#replies.set(deferred, this.#scoped(opts.signal));
    const timeoutMs = opts.timeoutMs ?? this.#timings.commandTimeoutMs;
    guard(deferred, this.#foreign(opts.signal), timeoutMs, () => `no reply from FreeSWITCH in ${timeoutMs} ms`);
    // The reply callback stays in the connection's reply FIFO even after a timeout, so that later replies still line up.
    const observer = this.#timings.observer;
    if (observer) {
      const started = performance.now();
      send((reply) => {
        observer.eslRoundTrip(kind, (performance.now() - started) / 1000);
        deferred.resolve(reply);
      });
    } else {
      send((reply) => deferred.resolve(reply));
    }
    return deferred.promise.finally(() => this.#replies.delete(deferred));
  }

  async #sendExecute(eventUuid: string, app: string, arg: string, loops?: number): Promise<void> {
    const message = executeMessage(eventUuid, app, arg, loops);
    await this.command(message.text, message.headers);
  }
}
