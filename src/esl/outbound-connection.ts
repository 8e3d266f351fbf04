import type { Socket } from 'node:net';
import { EslConnection, type ConnectionSink } from './connection.js';
import type { EslEvent } from './event.js';
import { DEFAULT_FRAME_LIMITS, type FrameParserOptions } from './frame-parser.js';
import { openOutboundLink } from './modesl-adapter.js';
import { ContentType, EventName } from './protocol.js';

export type { ConnectionSink } from './connection.js';

/**
 * The connection FreeSWITCH opens to us for one call (`socket ... async full`). `connect` is sent at once; the
 * reply to it (CHANNEL_DATA) is kept in `channelData` and reported through `onReady`. The commands sent in one turn
 * of the event loop (a channel variable and the application it prepares, the subscription) leave in one write:
 * each write is a system call. Nothing is written once the socket is gone.
 *
 * The channel above it sees the end of the connection through the socket's `close`.
 */
export class OutboundConnection extends EslConnection {
  /** The reply to `connect`, once it has arrived (if it was CHANNEL_DATA). */
  channelData: EslEvent | null = null;
  /** Called once the reply to `connect` has arrived. */
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
    super((driver) => openOutboundLink(socket, driver), sink, frameLimits);
  }

  write(text: string): void {
    const socket = this.rawSocket;
    if (socket.destroyed || !socket.writable) return;
    // Held until the current turn's callbacks and promise reactions have run, then written as one string (one
    // system call; a corked socket would use writev, which costs more than the copy).
    if (this.#unsent === '') process.nextTick(this.#flush);
    this.#unsent += text;
  }

  override connectAnswered(): void {
    this.onReady?.();
  }

  protected override route(message: EslEvent): void {
    // The reply to `connect` carries the channel data: kept before the callback waiting for it runs.
    if (message.contentType === ContentType.CommandReply && message.name === EventName.ChannelData) this.channelData = message;
    super.route(message);
  }
}
