import type { Socket } from 'node:net';
import type { EslError } from '../errors.js';
import type { EslEvent } from './event.js';
import { DEFAULT_FRAME_LIMITS, FrameParser, type FrameParserOptions } from './frame-parser.js';
import type { CommandHeaders, ConnectionDriver, ModeslLink, ReplyCallback } from './modesl-adapter.js';

/** What a connection reports to its owner. */
export interface ConnectionSink {
  /** Every message that is not the reply to a command: events and disconnect notices. */
  message(message: EslEvent): void;
  /** The byte stream broke the protocol; the connection is closed. */
  protocolError(err: EslError): void;
  /** A socket-level error (ECONNRESET, EPIPE...). The socket closes after it. */
  socketError(err: Error): void;
}

/**
 * One Event Socket connection over the modesl adapter: our FrameParser reads the bytes (linear, tolerant of bad
 * %-escapes, bounded), a reply goes to the command waiting for it, and every other message to the sink. How a
 * command is written is the subclass's choice.
 */
export abstract class EslConnection implements ConnectionDriver {
  sink: ConnectionSink | undefined;
  /** The socket itself: modesl drops its own reference when the peer ends the stream. */
  readonly rawSocket: Socket;
  readonly #link: ModeslLink;
  readonly #parser: FrameParser;

  protected constructor(open: (driver: ConnectionDriver) => ModeslLink, sink: ConnectionSink | undefined,
    frameLimits: FrameParserOptions = DEFAULT_FRAME_LIMITS) {
    this.sink = sink;
    this.#parser = new FrameParser((m) => this.route(m), (e) => this.#onProtocolError(e), frameLimits);
    this.#link = open(this);
    this.rawSocket = this.#link.rawSocket;
  }

  /** Sends a command whose reply nobody waits for. */
  send(command: string, headers?: CommandHeaders | null): void {
    this.#link.send(command, headers);
  }

  /** Sends a command; `onReply` receives its `command/reply`. */
  sendRecv(command: string, headers: CommandHeaders | null, onReply: ReplyCallback): void {
    this.#link.sendRecv(command, headers, onReply);
  }

  /** Sends `api <command> <args>`; `onReply` receives its `api/response`. */
  api(command: string, args: string, onReply: ReplyCallback): void {
    this.#link.api(command, args, onReply);
  }

  receive(chunk: Buffer): void {
    this.#parser.push(chunk);
  }

  abstract write(text: string): void;

  connectAnswered(): void {}

  socketError(err: Error): void {
    this.sink?.socketError(err);
  }

  /** Hands a parsed message on: to the command it answers, or to the sink. */
  protected route(message: EslEvent): void {
    if (!this.#link.deliverReply(message)) this.sink?.message(message);
  }

  #onProtocolError(err: EslError): void {
    this.sink?.protocolError(err);
    this.rawSocket.destroy();
  }
}
