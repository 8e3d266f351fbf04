/**
 * One simulated call: a TCP connection to the server, made the way FreeSWITCH's
 * `socket <host>:<port> async full` makes it, with every byte and command recorded.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { AppDefinition, ConferenceRoomsApi, RouteLegRequest } from '../apps/app-context.js';
import type { RoutedLegPort } from './routed-leg.js';
import { causeName } from '../channel/hangup-causes.js';
import type { Channel } from '../channel/channel.js';
import type { ChannelDirectory } from '../channel/channel-directory.js';
import type { EventFactory, SimEvent } from '../channel/event-factory.js';
import type { DigitTaken } from '../media/media-control.js';
import { CallEngine } from '../session/call-engine.js';
import { type ChannelLoop, CommandHandler } from '../session/command-handler.js';
import { ExecRunner } from '../session/exec-runner.js';
import { Clock, type SwitchClock } from '../util/clock.js';
import type { ConnectGate } from '../util/connect-gate.js';
import { CommandParser, type ParsedCommand } from '../wire/command-parser.js';
import type { ResolvedSimOptions, SimCallOptions } from './options.js';
import type { SwitchEvents } from './switch-events.js';

/** How a simulated call ended. */
export interface CallEnd {
  readonly hangupCause?: string;
  readonly exitReceived: boolean;
  readonly closedBy: 'server' | 'simulator';
  /** A socket error, if one ended the call (e.g. ECONNREFUSED). */
  readonly error?: string;
}

/** One recorded chunk: `in` = bytes from the server, `out` = bytes the simulator sent. */
export interface TranscriptEntry {
  readonly dir: 'in' | 'out';
  readonly atMs: number;
  readonly data: Buffer;
}

/** One executed application, as the simulator started it. */
export interface ExecutedApp {
  readonly app: string;
  readonly arg: string;
  readonly eventUuid?: string;
}

/** What a call needs from its simulator. */
export interface CallEnvironment {
  /** Places another call on the same simulator. */
  readonly placeCall: (opts: SimCallOptions) => SimulatedCall;
  /** Routes a bridge leg through the switch's dialplan (see FsSimulator.routeLeg). */
  readonly routeLeg?: (request: RouteLegRequest) => RoutedLegPort | undefined;
  readonly options: ResolvedSimOptions;
  /** The switch's clock, which the call's timers and timestamps run on. */
  readonly clock: SwitchClock;
  /** Channels without a socket (a bridge's B legs) that api commands reach by uuid. */
  readonly channels: ChannelDirectory;
  readonly factory: EventFactory;
  readonly rooms: ConferenceRoomsApi;
  readonly registry: ReadonlyMap<string, AppDefinition>;
  readonly channel: Channel;
  readonly recordTranscript: boolean;
  readonly connectGate: ConnectGate;
  /** The switch's event system. */
  readonly events: SwitchEvents;
  /**
   * False for a connection that continues a channel another connection already ran (an inline `uuid_transfer`):
   * the caller's script keeps running from the first one.
   */
  readonly scriptedCaller?: boolean;
}

// FreeSWITCH drops listeners that cannot keep up; this is the simulator's equivalent limit.
const MAX_PENDING_WRITE = 64 * 1024 * 1024;

/**
 * A call placed by {@link FsSimulator}: one `socket` application on a channel and its connection to the server.
 * Emits `command` (ParsedCommand) as each command from the server is read, `execute` (app, arg) when an app starts,
 * `complete` (app, arg) when it completes, `event` (name, headers after the variables) as it raises an event,
 * `hangup` (cause) and `end` (CallEnd).
 */
export class SimulatedCall extends EventEmitter {
  readonly uuid: string;
  /** The options the call was placed with. */
  readonly options: SimCallOptions;
  readonly transcript: TranscriptEntry[] = [];
  readonly commands: ParsedCommand[] = [];
  readonly executed: ExecutedApp[] = [];
  readonly ended: Promise<CallEnd>;
  readonly #socket: net.Socket;
  readonly #clock: Clock;
  readonly #engine: CallEngine;
  readonly #runner: ExecRunner;
  readonly #handler: CommandHandler;
  readonly #unfollow: () => void;
  /** The call whose `socket` application took the channel over (an inline `uuid_transfer`). */
  #successor: SimulatedCall | undefined;
  readonly #parser = new CommandParser();
  readonly #t0 = performance.now();
  readonly #record: boolean;
  readonly #rewrite: ((data: string) => readonly string[]) | undefined;
  #closedBy: 'server' | 'simulator' | undefined;
  #corked = false;
  #error: string | undefined;
  #resolveEnd!: (e: CallEnd) => void;

  constructor(env: CallEnvironment, opts: SimCallOptions) {
    super();
    this.uuid = env.channel.uuid;
    this.options = opts;
    this.#record = env.recordTranscript;
    this.#rewrite = opts.rewriteOutput;
    this.ended = new Promise((resolve) => (this.#resolveEnd = resolve));
    this.#clock = new Clock(env.clock);
    const socket = new net.Socket();
    this.#socket = socket;
    this.#engine = new CallEngine({
      channel: env.channel,
      clock: this.#clock,
      factory: env.factory,
      options: env.options,
      call: opts,
      rooms: env.rooms,
      channels: env.channels,
      placeCall: env.placeCall,
      routeLeg: env.routeLeg,
      socketArg: opts.socketArg ?? `${opts.host}:${opts.port} async full`,
      wire: { write: (d) => this.#write(d), close: () => this.#closeSocket() },
      hooks: {
        execute: (app, arg, eventUuid) => {
          this.executed.push(eventUuid === undefined ? { app, arg } : { app, arg, eventUuid });
          this.emit('execute', app, arg);
        },
        complete: (app, arg) => this.emit('complete', app, arg),
        hangup: (cause) => this.emit('hangup', cause),
        fired: (name, post) => this.emit('event', name, new Map(post.map(([k, v]) => [k, String(v)]))),
      },
      events: env.events,
      scriptedCaller: env.scriptedCaller ?? true,
    });
    this.#runner = new ExecRunner(this.#engine, env.registry);
    this.#handler = new CommandHandler(this.#engine, this.#runner, opts.unsolicitedPark ?? 'never',
      () => this.#owner().#loop());
    // Events about the channel that another `socket` application on it raises reach this connection too.
    this.#unfollow = env.events.follow(this.uuid, (ev, source) => {
      if (source !== this.#engine) this.#engine.relay(ev);
    });
    this.#engine.socketAppStarts();
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => {
      this.#closedBy ??= 'server';
    });
    socket.on('error', (err) => {
      this.#error = err.message;
    });
    socket.on('close', () => this.#onClose());
    env.connectGate.enter((release) => {
      if (socket.destroyed) {
        release();
        return;
      }
      socket.once('connect', release);
      socket.once('connect', () => this.#engine.socketConnected());
      socket.once('close', release);
      socket.connect({ host: opts.host, port: opts.port });
    });
    // FreeSWITCH waits 25 s for the first command, then logs "Socket Error!" and gives up. This
    // is a protocol watchdog, so it runs in real time: scaled down, a loaded test server would
    // trip it.
    const watchdog = setTimeout(() => {
      if (this.commands.length === 0) this.#closeSocket();
    }, opts.firstCommandTimeoutMs ?? 25_000);
    socket.once('close', () => clearTimeout(watchdog));
  }

  /** The simulated channel (state, variables). */
  get channel(): Channel {
    return this.#engine.channel;
  }

  /** Sends a switch-wide event to the server if this connection's subscriptions take it. */
  deliverEvent(event: SimEvent): void {
    this.#engine.deliver(event);
  }

  /**
   * An inline `uuid_transfer` runs `socket` again on this call's channel: this `socket` application completes, then
   * `start` places the next one; this connection stays up, acting on the channel through it (CallEngine.handOver).
   */
  handOver(start: () => SimulatedCall): SimulatedCall {
    let next: SimulatedCall | undefined;
    this.#engine.handOver(() => {
      next = start();
      return next.#engine;
    });
    if (!next) throw new Error('the next socket application did not start');
    this.#successor = next;
    this.#runner.handOver(next.#runner);
    return next;
  }

  /** Runs `fn` once the application running on the channel (if any) has returned. */
  whenIdle(fn: () => void): void {
    this.#owner().#runner.whenIdle(fn);
  }

  /** The call whose `socket` application runs the channel now. */
  #owner(): SimulatedCall {
    return this.#successor ? this.#successor.#owner() : this;
  }

  #loop(): ChannelLoop {
    return { engine: this.#engine, runner: this.#runner };
  }

  /** The caller presses digits now. */
  pressDigits(digits: string): void {
    this.#engine.pressDigits(digits);
  }

  /** Every digit taken on the channel so far: by the running application or the park loop, and when. */
  get digitsTaken(): ReadonlyArray<DigitTaken & { readonly app: string | undefined }> {
    return this.#owner().#engine.digitsTaken;
  }

  /** FreeSWITCH milliseconds on this call's clock (the clock of {@link digitsTaken}). */
  nowMs(): number {
    return this.#owner().#clock.nowMs();
  }

  /** The caller hangs up now. */
  hangup(cause?: string): void {
    this.#engine.hangup(causeName(cause ?? 'NORMAL_CLEARING'));
  }

  /** `uuid_kill` of the channel: hung up by the switch (the linger notice comes at once, as after `uuid_kill`). */
  kill(cause?: string): void {
    this.#engine.hangup(causeName(cause ?? 'NORMAL_CLEARING'), true);
  }

  /** Destroys the TCP connection abruptly, with no notice. */
  drop(): void {
    this.#closedBy ??= 'simulator';
    this.#socket.destroy();
  }

  /** Writes raw bytes to the server. */
  sendRaw(data: string | Buffer): void {
    this.#write(data);
  }

  #elapsed(): number {
    return performance.now() - this.#t0;
  }

  #write(data: string | Buffer): void {
    if (this.#rewrite !== undefined && typeof data === 'string') {
      for (const out of this.#rewrite(data)) this.#writeNow(out);
      return;
    }
    this.#writeNow(data);
  }

  #writeNow(data: string | Buffer): void {
    const socket = this.#socket;
    if (socket.destroyed || !socket.writable) return;
    // Frames written in the same tick (a reply and the events it triggers) leave in one packet.
    if (!this.#corked) {
      this.#corked = true;
      socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        socket.uncork();
      });
    }
    if (this.#record) {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      this.transcript.push({ dir: 'out', atMs: this.#elapsed(), data: buf });
      socket.write(buf);
    } else socket.write(data);
    if (socket.writableLength > MAX_PENDING_WRITE) this.drop();
  }

  #onData(chunk: Buffer): void {
    if (this.#record) this.transcript.push({ dir: 'in', atMs: this.#elapsed(), data: chunk });
    let cmds: ParsedCommand[];
    try {
      cmds = this.#parser.push(chunk);
    } catch {
      this.drop();
      return;
    }
    for (const cmd of cmds) {
      this.commands.push(cmd);
      this.emit('command', cmd);
      this.#handler.handle(cmd);
    }
  }

  #closeSocket(): void {
    this.#closedBy ??= 'simulator';
    const s = this.#socket;
    if (s.destroyed) return;
    s.end(() => s.destroy());
  }

  #onClose(): void {
    this.#closedBy ??= 'simulator';
    this.#unfollow();
    this.#engine.socketClosed();
    this.#clock.clearAll();
    const ch = this.#engine.channel;
    const end: CallEnd = {
      ...(ch.hangupCause !== undefined ? { hangupCause: ch.hangupCause } : {}),
      exitReceived: this.#engine.exitReceived,
      closedBy: this.#closedBy,
      ...(this.#error !== undefined ? { error: this.#error } : {}),
    };
    this.emit('end', end);
    this.#resolveEnd(end);
  }
}
