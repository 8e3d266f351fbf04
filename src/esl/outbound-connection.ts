import type { Socket } from 'node:net';
import esl from 'modesl';
import type { EslError } from '../errors.js';
import type { EslEvent } from './event.js';
import { DEFAULT_FRAME_LIMITS, FrameParser, type FrameParserOptions } from './frame-parser.js';
import { ContentType, EventName } from './protocol.js';
import { routeReply } from './reply-routing.js';

/** What an OutboundConnection reports to its owner. */
export interface ConnectionSink {
  /** Every message that is not the reply to a command: events and disconnect notices. */
  message(message: EslEvent): void;
  /** The byte stream broke the protocol; the connection is closed. */
  protocolError(err: EslError): void;
  /** A socket-level error (ECONNRESET, EPIPE...). The socket closes after it. */
  socketError(err: Error): void;
}

/**
 * modesl's outbound Connection with its faults worked around, each in the method that owns it:
 *
 * - its parser is replaced (`_onConnect`) by FrameParser: linear, tolerant of bad %-escapes (modesl #59), bounded;
 * - replies are matched to commands in modesl's own FIFOs, but without its EventEmitter2 wildcard round trip, and
 *   events go straight to one sink instead of a per-uuid wildcard emit;
 * - `send` never throws once the socket is gone, and the commands sent in one turn of the event loop (a channel
 *   variable and the application it prepares, the subscription) leave in one write: each write is a system call;
 * - `subscribe` sends nothing: modesl would send `event json BACKGROUND_JOB CHANNEL_EXECUTE_COMPLETE` on its own
 *   before the call's real subscription, which the channel sends itself; it reports the reply to `connect` through
 *   `onReady` instead of modesl's `esl::ready` event (adding and removing a listener on modesl's wildcard emitter
 *   walks its whole listener tree, a noticeable cost on every call);
 * - an `error` listener is always attached, so a socket error can never be thrown by the emitter;
 * - `execute` is never used (it leaves its reply in the FIFO and can send `execute-app-arg: undefined`).
 *
 * The channel above it sees the end of the connection through the socket's `close`, which modesl ignores.
 */
export class OutboundConnection extends esl.Connection {
  sink: ConnectionSink | undefined;
  readonly frameLimits: FrameParserOptions;
  /** The socket itself: modesl drops its own reference when the peer ends the stream. */
  readonly rawSocket: Socket;
  parser: FrameParser | undefined;
  /** Called once the reply to `connect` has arrived (`channelData` then holds it, if it was CHANNEL_DATA). */
  onReady: (() => void) | undefined;
  /** Commands sent in this turn of the event loop, written together once it has run. */
  #unsent = '';
  readonly #flush = (): void => {
    const text = this.#unsent;
    this.#unsent = '';
    const socket = this.rawSocket;
    if (!socket.destroyed && socket.writable) socket.write(text);
  };

  constructor(socket: Socket, sink?: ConnectionSink, frameLimits: FrameParserOptions = DEFAULT_FRAME_LIMITS) {
    super(socket);
    this.sink = sink;
    this.frameLimits = frameLimits;
    this.rawSocket = socket;
    this.on('error', (err: Error) => this.sink?.socketError(err));
  }

  /** Runs inside modesl's constructor: installs our parser instead of modesl's. */
  override _onConnect(): void {
    const socket = this.socket as Socket;
    socket.on('data', (data: Buffer) => {
      // Created on first data: by then this object's own fields are set.
      this.parser ??= new FrameParser((m) => this.#route(m), (e) => this.#onProtocolError(e), this.frameLimits);
      this.parser.push(data);
    });
    this.connecting = false;
  }

  /** modesl calls this (with its `esl::ready` emit as `_cb`) once `connect` has been answered. */
  override subscribe(_events: string[] | string, _cb?: () => void): void {
    this.onReady?.();
  }

  override send(command: string, args?: Record<string, string> | null): void {
    const socket = this.socket;
    if (!socket || socket.destroyed || !socket.writable) return;
    let text = command + '\n';
    if (args) for (const key of Object.keys(args)) text += key + ': ' + String(args[key]) + '\n';
    text += '\n';
    // `connect` is sent from modesl's constructor, before this object's own fields exist.
    if (this.rawSocket === undefined) {
      socket.write(text);
      return;
    }
    // Held until the current turn's callbacks and promise reactions have run, then written as one string (one
    // system call; a corked socket would use writev, which costs more than the copy).
    if (this.#unsent === '') process.nextTick(this.#flush);
    this.#unsent += text;
  }

  #route(message: EslEvent): void {
    // The reply to `connect` carries the channel data: kept before the callback waiting for it runs.
    if (message.contentType === ContentType.CommandReply && message.name === EventName.ChannelData) this.channelData = message;
    if (!routeReply(this, message)) this.sink?.message(message);
  }

  #onProtocolError(err: EslError): void {
    this.sink?.protocolError(err);
    this.rawSocket.destroy();
  }
}
