import { randomUUID } from 'node:crypto';
import { EslError } from '../errors.js';
import { after } from '../util/abort.js';
import { Deferred } from '../util/deferred.js';
import type { EslEvent } from './event.js';
import type { FrameParserOptions } from './frame-parser.js';
import { InboundConnection } from './inbound-connection.js';
import { ContentType, EventName } from './protocol.js';

/** Where and how to reach one FreeSWITCH Event Socket (mod_event_socket's listener, 127.0.0.1:8021 on Kazoo). */
export interface InboundTarget {
  readonly host: string;
  readonly port: number;
  readonly password: string;
}

export interface InboundSessionOptions {
  /** How long the TCP connection, the greeting and the `auth` reply may take together. */
  readonly connectTimeoutMs: number;
  /** How long FreeSWITCH may take to answer a command, or to finish a bgapi job. */
  readonly commandTimeoutMs: number;
  readonly frameLimits?: FrameParserOptions;
}

/**
 * An authenticated inbound Event Socket session: events of the whole switch (those subscribed to), `bgapi`, and
 * the end of the connection. A promise API over {@link InboundConnection}; nothing stays pending once it closes.
 */
export class InboundSession {
  readonly #conn: InboundConnection;
  readonly #options: InboundSessionOptions;
  readonly #closed = new Deferred<void>();
  readonly #jobs = new Map<string, Deferred<string>>();
  readonly #replies = new Set<Deferred<EslEvent>>();
  #onEvent: (event: EslEvent) => void = () => {};
  #greeting = new Deferred<void>();
  #lastError: Error | undefined;

  private constructor(target: InboundTarget, options: InboundSessionOptions) {
    this.#options = options;
    this.#conn = new InboundConnection(target.host, target.port, {
      message: (message) => this.#message(message),
      protocolError: (err) => { this.#lastError = err; },
      socketError: (err) => { this.#lastError = err; },
    }, options.frameLimits);
    this.#conn.rawSocket.once('close', () => this.#onClose());
  }

  /**
   * Connects, waits for `auth/request` and authenticates.
   * @throws EslError ERR_ESL_CONNECT (no connection), ERR_ESL_AUTH_FAILED (password refused), ERR_ESL_TIMEOUT.
   */
  static async open(target: InboundTarget, options: InboundSessionOptions): Promise<InboundSession> {
    const session = new InboundSession(target, options);
    const where = `${target.host}:${target.port}`;
    const dispose = after(options.connectTimeoutMs, () => {
      session.#greeting.reject(new EslError('ERR_ESL_TIMEOUT', `${where} did not greet in ${options.connectTimeoutMs} ms`));
    });
    try {
      await session.#greeting.promise;
      const reply = await session.#request((cb) => session.#conn.sendRecv(`auth ${target.password}`, null, cb));
      const text = reply.header('Reply-Text') ?? '';
      if (!text.startsWith('+OK')) throw new EslError('ERR_ESL_AUTH_FAILED', `${where} refused the password: ${text}`);
      return session;
    } catch (err) {
      void session.close(0);
      if (err instanceof EslError && err.code !== 'ERR_ESL_DISCONNECTED') throw err;
      const cause = session.#lastError;
      throw new EslError('ERR_ESL_CONNECT', `cannot connect to ${where}${cause ? `: ${cause.message}` : ''}`, { cause });
    } finally {
      dispose();
    }
  }

  /** Resolves when the connection has closed, however it closed. */
  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  /** Receives every event (one listener; a later call replaces it). */
  onEvent(listener: (event: EslEvent) => void): void {
    this.#onEvent = listener;
  }

  /**
   * `event json <names>`; BACKGROUND_JOB is added so that `bgapi` results arrive. `CUSTOM` and the subclasses
   * that follow it go last: FreeSWITCH reads every word after CUSTOM as a subclass name.
   */
  async subscribe(names: readonly string[]): Promise<void> {
    const custom = names.indexOf(EventName.Custom);
    const plain = custom === -1 ? names : names.slice(0, custom);
    const subclasses = custom === -1 ? [] : names.slice(custom);
    const all = [...plain, ...(names.includes(EventName.BackgroundJob) ? [] : [EventName.BackgroundJob]), ...subclasses];
    await this.#command(`event json ${all.join(' ')}`);
  }

  /**
   * `filter <header> <value>`: once a filter exists, only the events that match one are delivered (the events
   * that lack every filtered header excepted, as FreeSWITCH has it); `remove` deletes that filter again.
   */
  async filter(header: string, value: string, remove = false): Promise<void> {
    if (/[\s]/.test(header) || /[\r\n]/.test(value) || value === '') {
      throw new EslError('ERR_ESL_COMMAND_FAILED', 'a filter is one header name and a value on one line');
    }
    await this.#command(`filter ${remove ? 'delete ' : ''}${header} ${value}`);
  }

  /**
   * Runs an api command in a FreeSWITCH thread; resolves with its output (the BACKGROUND_JOB body). The job may
   * take `timeoutMs` (default: the session's command timeout), an `originate` as long as the phone rings.
   */
  async bgapi(command: string, timeoutMs = this.#options.commandTimeoutMs): Promise<string> {
    if (/[\r\n]/.test(command)) throw new EslError('ERR_ESL_COMMAND_FAILED', 'a command cannot contain a line break');
    const jobUuid = randomUUID();
    const job = new Deferred<string>();
    this.#jobs.set(jobUuid, job);
    const dispose = after(timeoutMs, () => {
      job.reject(new EslError('ERR_ESL_TIMEOUT', `bgapi ${command.split(' ')[0]} did not finish in time`));
    });
    try {
      await this.#command(`bgapi ${command}`, { 'Job-UUID': jobUuid });
      return await job.promise;
    } finally {
      dispose();
      this.#jobs.delete(jobUuid);
    }
  }

  /** Sends `exit` and closes; the socket is destroyed if FreeSWITCH has not closed it within `graceMs`. */
  close(graceMs = 1000): Promise<void> {
    const socket = this.#conn.rawSocket;
    if (!socket.destroyed) {
      if (graceMs > 0 && socket.writable && !socket.connecting) {
        this.#conn.send('exit');
        socket.end();
        const dispose = after(graceMs, () => socket.destroy());
        void this.#closed.promise.then(dispose);
      } else {
        socket.destroy();
      }
    }
    return this.#closed.promise;
  }

  #message(message: EslEvent): void {
    if (message.contentType === ContentType.AuthRequest) {
      this.#greeting.resolve();
      return;
    }
    if (message.contentType === ContentType.RudeRejection) {
      this.#greeting.reject(new EslError('ERR_ESL_AUTH_FAILED', `refused by the Event Socket ACL: ${message.body.trim()}`));
      return;
    }
    if (!message.isEvent) return;
    if (message.name === EventName.BackgroundJob) {
      const job = this.#jobs.get(message.header('Job-UUID') ?? '');
      if (job) {
        job.resolve(message.body);
        return;
      }
    }
    this.#onEvent(message);
  }

  async #command(text: string, headers?: Record<string, string>): Promise<EslEvent> {
    const reply = await this.#request((cb) => this.#conn.sendRecv(text, headers ?? null, cb));
    const replyText = reply.header('Reply-Text') ?? '';
    if (replyText.startsWith('-ERR')) throw new EslError('ERR_ESL_COMMAND_FAILED', `${text.split(' ', 1)[0]}: ${replyText}`);
    return reply;
  }

  #request(send: (cb: (reply: EslEvent) => void) => void): Promise<EslEvent> {
    if (this.#conn.rawSocket.destroyed) return Promise.reject(new EslError('ERR_ESL_DISCONNECTED'));
    const deferred = new Deferred<EslEvent>();
    this.#replies.add(deferred);
    const timeoutMs = this.#options.commandTimeoutMs;
    const dispose = after(timeoutMs, () => deferred.reject(new EslError('ERR_ESL_TIMEOUT', `no reply in ${timeoutMs} ms`)));
    send((reply) => deferred.resolve(reply));
    return deferred.promise.finally(() => {
      dispose();
      this.#replies.delete(deferred);
    });
  }

  #onClose(): void {
    const reason = new EslError('ERR_ESL_DISCONNECTED', 'the Event Socket connection closed');
    this.#greeting.reject(reason);
    for (const job of this.#jobs.values()) job.reject(reason);
    for (const reply of this.#replies) reply.reject(reason);
    this.#closed.resolve();
  }
}
