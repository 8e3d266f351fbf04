/**
 * The one place that touches modesl (1.2.1, pinned exactly): the rest of src/esl talks to the typed surface below
 * and never to modesl itself. modesl provides the Event Socket server's accept loop and each connection's reply
 * queues; everything else it would do is replaced here, through members it does not publish:
 *
 * - `Connection#_onConnect` is overridden to install nothing: modesl's parser (quadratic, throws on a bad
 *   %-escape) and its `auth` handler (which subscribes to events of its own choosing) never run; the bytes go to
 *   the driver's own parser instead;
 * - `Connection#send` is overridden to hand each command to the driver as one framed string (modesl writes it in
 *   pieces, and throws once the socket is gone);
 * - `Connection#subscribe` is overridden to send nothing: modesl calls it when `connect` is answered, and would
 *   send `event json BACKGROUND_JOB CHANNEL_EXECUTE_COMPLETE` before the call's real subscription;
 * - replies are handed straight to the callbacks in `cmdCallbackQueue` and `apiCallbackQueue` (modesl's FIFOs,
 *   filled by its `sendRecv` and `api`) instead of through its EventEmitter2 wildcard round trip;
 * - `Server#_onConnection` is overridden so that a refused socket never becomes a connection, and an accepted one
 *   leaves `connections` when its socket closes (modesl keeps the entry when the socket errors instead of ending).
 *
 * {@link MODESL_MEMBERS} lists every member this relies on; the first use checks them and throws
 * ERR_ESL_MODESL_INCOMPATIBLE naming each one missing, so a modesl release that renames one fails at once
 * instead of quietly falling back to modesl's own behaviour.
 */
import { EventEmitter } from 'node:events';
import type { Server as NetServer, Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import esl from 'modesl';
import { AppError } from '../errors.js';
import type { EslEvent } from './event.js';
import { ContentType } from './protocol.js';

/** The JavaScript kind a member must have (`array` for an Array, `object` for any other non-null object). */
export type ModeslMemberKind = 'function' | 'array' | 'object';

/** A member of modesl this adapter relies on. */
export interface ModeslMember {
  /** Where it lives: on a class's prototype, or on each instance (set by the constructor). */
  readonly owner: 'Connection.prototype' | 'Connection instance' | 'Server.prototype' | 'Server instance';
  readonly name: string;
  readonly kind: ModeslMemberKind;
}

/** Every member of modesl the adapter uses or overrides. */
export const MODESL_MEMBERS: readonly ModeslMember[] = [
  { owner: 'Connection.prototype', name: '_onConnect', kind: 'function' },
  { owner: 'Connection.prototype', name: 'send', kind: 'function' },
  { owner: 'Connection.prototype', name: 'subscribe', kind: 'function' },
  { owner: 'Connection.prototype', name: 'sendRecv', kind: 'function' },
  { owner: 'Connection.prototype', name: 'api', kind: 'function' },
  { owner: 'Connection.prototype', name: 'on', kind: 'function' },
  { owner: 'Connection instance', name: 'socket', kind: 'object' },
  { owner: 'Connection instance', name: 'cmdCallbackQueue', kind: 'array' },
  { owner: 'Connection instance', name: 'apiCallbackQueue', kind: 'array' },
  { owner: 'Server.prototype', name: '_onConnection', kind: 'function' },
  { owner: 'Server instance', name: 'connections', kind: 'object' },
];

/** What the installed modesl has for one member. */
export interface ModeslMemberCheck {
  readonly member: ModeslMember;
  /**
   * The kind found: the expected one, another, `missing`, or `unknown` for an instance member when modesl's
   * constructor threw (as it does when a member it calls on itself is missing).
   */
  readonly found: ModeslMemberKind | 'missing' | 'other' | 'unknown';
}

function kindOf(value: unknown): ModeslMemberCheck['found'] {
  if (value === undefined || value === null) return 'missing';
  if (typeof value === 'function') return 'function';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : 'other';
}

/** `Connection.prototype._onConnect (expected function, found missing)`. */
export function describeMemberCheck(check: ModeslMemberCheck): string {
  return `${check.member.owner}.${check.member.name} (expected ${check.member.kind}, found ${check.found})`;
}

/** A modesl object built for inspection, or undefined when its constructor threw. */
function built(build: () => object): object | undefined {
  try {
    return build();
  } catch {
    return undefined;
  }
}

/**
 * Looks every member of {@link MODESL_MEMBERS} up on modesl's own classes (not on the adapter's subclasses, whose
 * overrides would hide a member modesl no longer has) and on fresh instances of them. The instances are built over
 * an in-memory stream and a stand-in server: nothing is sent and no port is opened.
 */
export function inspectInstalledModesl(): ModeslMemberCheck[] {
  const stream = new PassThrough();
  const conn = built(() => {
    const c = new esl.Connection(stream as unknown as Socket);
    c.on('error', () => {});
    return c;
  });
  stream.destroy();
  const standIn = Object.assign(new EventEmitter(), { address: () => ({ address: '127.0.0.1', port: 0 }) });
  const server = built(() => new esl.Server({ server: standIn as unknown as NetServer, myevents: false }));
  const holders: Record<ModeslMember['owner'], object | undefined> = {
    'Connection.prototype': esl.Connection.prototype,
    'Connection instance': conn,
    'Server.prototype': esl.Server.prototype,
    'Server instance': server,
  };
  return MODESL_MEMBERS.map((member) => {
    const holder = holders[member.owner];
    return { member, found: holder ? kindOf((holder as Record<string, unknown>)[member.name]) : 'unknown' };
  });
}

/** Throws ERR_ESL_MODESL_INCOMPATIBLE naming every member whose check found something other than expected. */
export function assertModeslCompatible(checks: readonly ModeslMemberCheck[]): void {
  const wrong = checks.filter((check) => check.found !== check.member.kind);
  if (wrong.length > 0) {
    throw new AppError('ERR_ESL_MODESL_INCOMPATIBLE',
      `the installed modesl lacks ${wrong.map(describeMemberCheck).join(', ')}`);
  }
}

let compatible = false;

/** Checks the installed modesl once, on the adapter's first use. */
function requireCompatibleModesl(): void {
  if (compatible) return;
  assertModeslCompatible(inspectInstalledModesl());
  compatible = true;
}

/** Headers of a command, one `name: value` line each. */
export type CommandHeaders = Record<string, string>;
/** Receives the `command/reply` or `api/response` that answers a command. */
export type ReplyCallback = (reply: EslEvent) => void;

/** What the adapter hands on to the connection above it. */
export interface ConnectionDriver {
  /** Bytes as the socket delivered them. */
  receive(chunk: Buffer): void;
  /** One command, framed (`command\nname: value\n\n`), to be written. */
  write(text: string): void;
  /** Outbound only: the reply to `connect` has been delivered (to the callback modesl queued for it). */
  connectAnswered(): void;
  /** A socket-level error (ECONNRESET, EPIPE...); the socket closes after it. */
  socketError(err: Error): void;
}

/** One Event Socket connection carried by modesl: what the rest of src/esl may do with it. */
export interface ModeslLink {
  /** The socket itself (modesl drops its own reference when the peer ends the stream). */
  readonly rawSocket: Socket;
  /** Sends a command whose reply nobody waits for. */
  send(command: string, headers?: CommandHeaders | null): void;
  /** Sends a command; `onReply` receives its `command/reply` (replies come in the order commands went out). */
  sendRecv(command: string, headers: CommandHeaders | null, onReply: ReplyCallback): void;
  /** Sends `api <command> <args>`; `onReply` receives its `api/response`. */
  api(command: string, args: string, onReply: ReplyCallback): void;
  /** Gives `message` to the callback waiting for it: true when it was a reply, false for anything else. */
  deliverReply(message: EslEvent): boolean;
}

/** The text of one command as it goes on the wire. */
function frameCommand(command: string, headers?: CommandHeaders | null): string {
  let text = command + '\n';
  if (headers) for (const key of Object.keys(headers)) text += key + ': ' + String(headers[key]) + '\n';
  return text + '\n';
}

/** modesl's Connection with the overrides described above; seen from outside only as a {@link ModeslLink}. */
class DrivenConnection extends esl.Connection implements ModeslLink {
  // `declare`: no field initialiser may run after modesl's constructor, which already calls the overrides.
  declare driver: ConnectionDriver | undefined;
  declare rawSocket: Socket;

  /** Runs when the socket is connected: installs nothing (the driver receives the bytes). */
  override _onConnect(): void {}

  /** modesl calls this once `connect` has been answered. */
  override subscribe(_events: string[] | string, _cb?: () => void): void {
    this.driver?.connectAnswered();
  }

  override send(command: string, headers?: CommandHeaders | null): void {
    const driver = this.driver;
    if (driver) {
      driver.write(frameCommand(command, headers));
      return;
    }
    // modesl sends `connect` from inside its constructor, before the driver is attached: written at once.
    const socket = this.socket;
    if (socket && !socket.destroyed && socket.writable) socket.write(frameCommand(command, headers));
  }

  deliverReply(message: EslEvent): boolean {
    if (message.contentType === ContentType.CommandReply) {
      this.cmdCallbackQueue.shift()?.(message);
      return true;
    }
    if (message.contentType === ContentType.ApiResponse) {
      this.apiCallbackQueue.shift()?.(message);
      return true;
    }
    return false;
  }
}

function attach(conn: DrivenConnection, driver: ConnectionDriver): ModeslLink {
  const socket = conn.socket as Socket;
  conn.rawSocket = socket;
  conn.driver = driver;
  socket.on('data', (chunk: Buffer) => driver.receive(chunk));
  // Always listened to: an `error` with no listener would be thrown by modesl's emitter.
  conn.on('error', (err: Error) => driver.socketError(err));
  return conn;
}

/**
 * Wraps a socket FreeSWITCH opened to us (outbound mode); modesl writes `connect` at once and calls
 * `driver.connectAnswered` once its reply has been delivered.
 * @throws AppError ERR_ESL_MODESL_INCOMPATIBLE when the installed modesl lacks a member listed in MODESL_MEMBERS.
 */
export function openOutboundLink(socket: Socket, driver: ConnectionDriver): ModeslLink {
  requireCompatibleModesl();
  return attach(new DrivenConnection(socket), driver);
}

/**
 * Connects to FreeSWITCH's Event Socket (inbound mode). The password is not given to modesl: its auth handler is
 * never installed; the caller answers `auth/request` itself.
 * @throws AppError ERR_ESL_MODESL_INCOMPATIBLE when the installed modesl lacks a member listed in MODESL_MEMBERS.
 */
export function openInboundLink(host: string, port: number, driver: ConnectionDriver): ModeslLink {
  requireCompatibleModesl();
  return attach(new DrivenConnection(host, port, ''), driver);
}

/** modesl's Server over our listening socket; seen from outside only as a {@link ModeslServerLink}. */
class GuardedServer extends esl.Server {
  declare accept: ((socket: Socket) => object | undefined) | undefined;

  override _onConnection(socket: Socket): void {
    const conn = this.accept?.(socket);
    if (!conn) return;
    const id = `${socket.remotePort ?? 0}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    this.connections[id] = conn;
    socket.once('close', () => delete this.connections[id]);
  }
}

/** The outbound Event Socket server as modesl runs it. */
export interface ModeslServerLink {
  /** Connections accepted whose socket has not closed yet (modesl's own table of connections). */
  readonly openConnections: number;
}

/**
 * Hands every connection `server` accepts to `accept`, which returns the connection it built, or undefined when
 * it refused (and closed) the socket. `server` must already be listening.
 * @throws AppError ERR_ESL_MODESL_INCOMPATIBLE when the installed modesl lacks a member listed in MODESL_MEMBERS.
 */
export function serveWithModesl(server: NetServer, accept: (socket: Socket) => object | undefined): ModeslServerLink {
  requireCompatibleModesl();
  const guarded = new GuardedServer({ server, myevents: false });
  guarded.accept = accept;
  return {
    get openConnections(): number {
      return Object.keys(guarded.connections).length;
    },
  };
}
