/**
 * A raw-TCP test client for behaviour tests: a tiny outbound Event Socket server that talks to
 * one simulated call with plain strings, and reads back parsed messages.
 */
import assert from 'node:assert/strict';
import {
  FsSimulator, type FsSimulatorExtras, type FsSimulatorOptions, type SimCallOptions, type SimulatedCall,
} from '../../../src/sim/index.js';
import { parseMessage, type EslMessage } from './esl-message.js';
import { RawServer, type RawConnection } from './raw-server.js';

/** A message with convenient lookups. */
export interface Msg extends EslMessage {
  /** Outer header, then event header (first match). */
  get(name: string): string | undefined;
  /** Event-Name, or Content-Type for non-events. */
  readonly type: string;
}

function wrap(raw: Buffer): Msg {
  const m = parseMessage(raw);
  const get = (name: string): string | undefined =>
    m.event.find(([k]) => k === name)?.[1] ?? m.outer.find(([k]) => k === name)?.[1];
  const ev = m.event.find(([k]) => k === 'Event-Name')?.[1];
  return { ...m, get, type: ev ?? m.outer.find(([k]) => k === 'Content-Type')?.[1] ?? '' };
}

/** One simulated call driven by a test. */
export class SimSession {
  readonly sim: FsSimulator;
  readonly call: SimulatedCall;
  readonly conn: RawConnection;
  readonly #server: RawServer;
  readonly #port: number;
  readonly #owner: boolean;
  /** Servers of the connections {@link transferInline} made, closed with this session. */
  readonly #others: RawServer[] = [];
  /** Every message received so far. */
  readonly seen: Msg[] = [];

  private constructor(sim: FsSimulator, server: RawServer, port: number, call: SimulatedCall, conn: RawConnection, owner: boolean) {
    this.sim = sim;
    this.#server = server;
    this.#port = port;
    this.call = call;
    this.conn = conn;
    this.#owner = owner;
  }

  /** The port the test's server listens on (where `socket 127.0.0.1:<port> async full` connects). */
  get port(): number {
    return this.#port;
  }

  /**
   * The next call the simulator places to this server on its own (a dialled leg running `socket` as its confirm
   * application), answered with `connect` only.
   */
  async acceptLeg(): Promise<{ call: SimulatedCall; conn: RawConnection; data: Msg }> {
    const conn = await this.#server.accept();
    const call = this.sim.socketLegs[this.sim.socketLegs.length - 1];
    assert.ok(call, 'the simulator placed a leg');
    conn.send('connect\n\n');
    const raw = await conn.reader.next(5000);
    assert.ok(raw, 'the leg answered connect');
    return { call, conn, data: wrap(raw) };
  }

  /** Another call on the same simulator and server (set up like {@link ready}). */
  async spawn(call: Partial<SimCallOptions> = {}): Promise<SimSession> {
    const c = this.sim.call({ host: '127.0.0.1', port: this.#port, ...call });
    const s = new SimSession(this.sim, this.#server, this.#port, c, await this.#server.accept(), false);
    await s.command('connect');
    await s.command('myevents json');
    await s.command('event json ALL');
    await s.command('linger 10');
    return s;
  }

  /**
   * `uuid_transfer <uuid> 'socket:<second server> async full' inline` of this call: the session of the connection the
   * channel's new `socket` application makes to a second server (nothing sent on it yet).
   */
  async transferInline(): Promise<SimSession> {
    const server = new RawServer();
    this.#others.push(server);
    const port = await server.listen();
    const moved = this.sim.transferToSocket(this.call.uuid,
      { host: '127.0.0.1', port, socketArg: `127.0.0.1:${port} async full` });
    assert.ok(moved, 'a socket application runs the channel');
    const [call, conn] = await Promise.all([moved, server.accept()]);
    assert.ok(call, 'the channel is still up');
    return new SimSession(this.sim, server, port, call, conn, false);
  }

  /** Places a call; the connection is accepted but nothing is sent yet. */
  static async open(call: Partial<SimCallOptions> = {}, sim: FsSimulatorOptions & FsSimulatorExtras = {}): Promise<SimSession> {
    const server = new RawServer();
    const port = await server.listen();
    const fs = new FsSimulator({ timeScale: 0.01, ...sim });
    const c = fs.call({ host: '127.0.0.1', port, ...call });
    return new SimSession(fs, server, port, c, await server.accept(), true);
  }

  /** Places a call and sets it up like a production server: connect, myevents json, event json ALL, linger. */
  static async ready(call: Partial<SimCallOptions> = {}, sim: FsSimulatorOptions & FsSimulatorExtras = {}, format = 'json')
    : Promise<SimSession> {
    const s = await SimSession.open(call, sim);
    await s.command('connect');
    await s.command(`myevents ${format}`);
    await s.command(`event ${format} ALL`);
    await s.command('linger 10');
    return s;
  }

  /** The next message. */
  async next(timeoutMs = 5000): Promise<Msg> {
    const raw = await this.conn.reader.next(timeoutMs);
    assert.ok(raw, 'connection closed');
    const m = wrap(raw);
    this.seen.push(m);
    return m;
  }

  /** Sends a command (a blank line is appended) and returns the next message. */
  async command(text: string): Promise<Msg> {
    this.conn.send(text + '\n\n');
    return this.next();
  }

  /** `api <cmd>`; resolves with the api/response (events before it are kept in {@link seen}). */
  async api(cmd: string): Promise<Msg> {
    this.conn.send(`api ${cmd}\n\n`);
    return this.until((m) => m.type === 'api/response');
  }

  /** `sendmsg` execute; resolves with the `+OK` reply. */
  async execute(app: string, arg?: string, extra: Record<string, string> = {}): Promise<Msg> {
    let text = `sendmsg\ncall-command: execute\nexecute-app-name: ${app}\nevent-lock: true\n`;
    if (arg !== undefined) text += `execute-app-arg: ${arg}\n`;
    for (const [k, v] of Object.entries(extra)) text += `${k}: ${v}\n`;
    return this.command(text.trimEnd());
  }

  /** Reads messages until one matches; returns it. */
  async until(pred: (m: Msg) => boolean, timeoutMs = 5000): Promise<Msg> {
    for (;;) {
      const m = await this.next(timeoutMs);
      if (pred(m)) return m;
    }
  }

  /** Reads until the EXECUTE_COMPLETE of `app`. */
  complete(app: string): Promise<Msg> {
    return this.until((m) => m.type === 'CHANNEL_EXECUTE_COMPLETE' && m.get('Application') === app);
  }

  /** Messages of a type seen so far. */
  all(type: string): Msg[] {
    return this.seen.filter((m) => m.type === type);
  }

  /** Ends everything. */
  async close(): Promise<void> {
    if (!this.#owner) return;
    await this.sim.close();
    await this.#server.close();
    for (const server of this.#others) await server.close();
  }
}
