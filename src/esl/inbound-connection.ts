import { EslConnection, type ConnectionSink } from './connection.js';
import { DEFAULT_FRAME_LIMITS, type FrameParserOptions } from './frame-parser.js';
import { openInboundLink } from './modesl-adapter.js';

/**
 * The client connection to FreeSWITCH's Event Socket (port 8021). Each command is written at once, in one piece,
 * and nothing once the socket is gone. The session above answers `auth/request` itself.
 */
export class InboundConnection extends EslConnection {
  constructor(host: string, port: number, sink: ConnectionSink, frameLimits: FrameParserOptions = DEFAULT_FRAME_LIMITS) {
    super((driver) => openInboundLink(host, port, driver), sink, frameLimits);
    const socket = this.rawSocket;
    socket.once('connect', () => {
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 30_000);
    });
  }

  write(text: string): void {
    const socket = this.rawSocket;
    if (!socket.destroyed && socket.writable) socket.write(text);
  }
}
