/**
 * Types for exactly the part of modesl 1.2.1 (plain JavaScript, no typings published) that the adapter uses.
 * Only src/esl/modesl-adapter.ts imports modesl.
 */
declare module 'modesl' {
  import type { Server as NetServer, Socket } from 'node:net';

  type Listener = (...args: any[]) => void;

  class Emitter2 {
    on(event: string, listener: Listener): this;
  }

  class Connection extends Emitter2 {
    /** Outbound mode: wraps a socket FreeSWITCH opened to us, then sends `connect`. */
    constructor(socket: Socket, readyCb?: () => void);
    /** Inbound mode: connects to FreeSWITCH's Event Socket (the password is sent when FreeSWITCH asks for it). */
    constructor(host: string, port: number, password: string, readyCb?: () => void);
    /** Set to null by modesl when the peer ends the stream. */
    socket: Socket | null;
    cmdCallbackQueue: Array<((...args: any[]) => void) | undefined>;
    apiCallbackQueue: Array<((...args: any[]) => void) | undefined>;
    send(command: string, args?: Record<string, string> | null): void;
    sendRecv(command: string, args: Record<string, string> | null, cb: (reply: any) => void): void;
    api(command: string, args: string, cb: (reply: any) => void): void;
    subscribe(events: string[] | string, cb?: () => void): void;
    _onConnect(): void;
  }

  class Server extends Emitter2 {
    constructor(opts: { server: NetServer; myevents?: boolean } | { port?: number; host?: string; myevents?: boolean },
      readyCb?: () => void);
    connections: Record<string, unknown>;
    _onConnection(socket: Socket): void;
  }

  const esl: { Connection: typeof Connection; Server: typeof Server };
  export default esl;
}
