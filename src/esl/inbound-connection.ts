import type { Socket } from 'node:net';
import esl from 'modesl';
import type { EslError } from '../errors.js';
import type { EslEvent } from './event.js';
import { DEFAULT_FRAME_LIMITS, FrameParser, type FrameParserOptions } from './frame-parser.js';
import type { ConnectionSink } from './outbound-connection.js';
import { routeReply } from './reply-routing.js';

/**
 * modesl's inbound Connection (the client that connects to FreeSWITCH's Event Socket, port 8021), with the same
 * faults worked around as in OutboundConnection: our FrameParser replaces modesl's (quadratic, throws on a bad
 * %-escape), replies are matched in modesl's FIFOs without its wildcard emitter, commands are written in one piece
 * and never throw once the socket is gone, an `error` listener is always attached, and modesl's own `auth` (which
 * subscribes to events of its choosing) is never run: the session above answers `auth/request` itself.
 */
export class InboundConnection extends esl.Connection {
  sink: ConnectionSink | undefined;
  readonly frameLimits: FrameParserOptions;
  /** The socket itself: modesl drops its own reference when the peer ends the stream. */
  readonly rawSocket: Socket;
  parser: FrameParser | undefined;

  constructor(host: string, port: number, sink: ConnectionSink, frameLimits: FrameParserOptions = DEFAULT_FRAME_LIMITS) {
    // The password is not given to modesl: its auth handler is never installed (see _onConnect).
    super(host, port, '');
    this.sink = sink;
    this.frameLimits = frameLimits;
    this.rawSocket = this.socket as Socket;
    this.on('error', (err: Error) => this.sink?.socketError(err));
  }

  /** Runs when the TCP connection is up: installs our parser instead of modesl's, and no auth handler. */
  override _onConnect(): void {
    const socket = this.rawSocket;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (data: Buffer) => {
      this.parser ??= new FrameParser((m) => this.#route(m), (e) => this.#onProtocolError(e), this.frameLimits);
      this.parser.push(data);
    });
    this.connecting = false;
  }

  override subscribe(_events: string[] | string, cb?: () => void): void {
    cb?.();
  }

  override send(command: string, args?: Record<string, string> | null): void {
    const socket = this.rawSocket;
    if (socket.destroyed || !socket.writable) return;
    let text = command + '\n';
    if (args) for (const key of Object.keys(args)) text += key + ': ' + String(args[key]) + '\n';
    socket.write(text + '\n');
  }

  #route(message: EslEvent): void {
    if (!routeReply(this, message)) this.sink?.message(message);
  }

  #onProtocolError(err: EslError): void {
    this.sink?.protocolError(err);
    this.rawSocket.destroy();
  }
}
