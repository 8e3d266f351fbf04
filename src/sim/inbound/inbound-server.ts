/**
 * The inbound side of the simulated FreeSWITCH: the Event Socket listener (mod_event_socket, 127.0.0.1:8021 on a
 * Kazoo node) that a park-watcher connects to. Its connections get the events of the whole switch
 * ({@link FsSimulator.events}): those of the calls the simulator places (a dialplan `socket` call raises
 * CHANNEL_EXECUTE socket, then CHANNEL_PARK with `variable_current_application: socket` once connected) and those of
 * the calls parked here. A parked call runs `park` (CHANNEL_EXECUTE park, CHANNEL_PARK with `current_application`
 * park); `uuid_transfer <uuid> 'socket:<host>:<port> async full' inline` ends it (EXECUTE_COMPLETE park) and runs
 * `socket` on the channel, connecting it to that outbound socket as a {@link SimulatedCall}, whose own CHANNEL_PARK
 * follows (esl-captures/real-findings README). The same transfer of a channel a `socket` application already runs
 * completes that application but leaves its connection up, and connects a second one. An unknown uuid gets
 * `-ERR No such channel!`. Closing the listener drops every connection and forgets the parked calls, as a FreeSWITCH
 * restart does. A conference room's own events, which belong to no call, reach every connection subscribed to them.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { EventFactory, type SimEvent } from '../channel/event-factory.js';
import { createChannel } from '../channel/profile-templates.js';
import type { Channel } from '../channel/channel.js';
import type { FsSimulator, SocketTarget } from '../sim/fs-simulator.js';
import type { SimCallOptions } from '../sim/options.js';
import type { SimulatedCall } from '../sim/simulated-call.js';
import { separateArgs } from '../util/arg-split.js';
import { type InboundHost, SimInboundSession } from './inbound-session.js';

/** A call to park: the options of the call it becomes once transferred, without the socket address. */
export interface ParkOptions extends Omit<SimCallOptions, 'host' | 'port' | 'socketArg'> {
  /** The caller hangs up just as the transfer arrives: the transfer finds no channel. */
  readonly hangsUpBeforeTransfer?: boolean;
}

/** One call parked on the simulated node. */
export class ParkedCall {
  readonly uuid: string;
  readonly options: ParkOptions;
  readonly channel: Channel;
  /** The Application-UUID of its `park` application. */
  readonly parkAppUuid = randomUUID();
  /** Resolves with the outbound call once transferred. */
  readonly transferred: Promise<SimulatedCall>;
  resolveTransfer!: (call: SimulatedCall) => void;

  constructor(uuid: string, options: ParkOptions, channel: Channel) {
    this.uuid = uuid;
    this.options = options;
    this.channel = channel;
    this.transferred = new Promise((resolve) => { this.resolveTransfer = resolve; });
  }
}

/** One `uuid_transfer` the node received, and what it answered. */
export interface TransferRecord {
  readonly uuid: string;
  readonly destination: string;
  readonly reply: string;
}

/**
 * Emits `session` when a connection opens, `auth` (password, accepted) on each `auth`, `transfer` (TransferRecord).
 */
export class SimInboundServer extends EventEmitter {
  readonly password: string;
  readonly transfers: TransferRecord[] = [];
  readonly authAttempts: Array<{ readonly password: string; readonly accepted: boolean }> = [];
  readonly #sim: FsSimulator;
  readonly #factory: EventFactory;
  readonly #sessions = new Set<SimInboundSession>();
  readonly #sockets = new Set<Socket>();
  readonly #parked = new Map<string, ParkedCall>();
  readonly #calls = new Set<SimulatedCall>();
  #server: Server | undefined;
  #stopListening: (() => void) | undefined;
  #sequence = 5000;

  constructor(sim: FsSimulator, options: { password?: string } = {}) {
    super();
    this.#sim = sim;
    this.password = options.password ?? 'ClueCon';
    this.#factory = new EventFactory(sim.options, () => ++this.#sequence, () => sim.clock.nowUs());
  }

  /** Starts listening on loopback (port 0: a free one); resolves with the port. */
  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    this.#stopListening ??= this.#sim.events.listen((ev) => this.#broadcast(ev));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  /** Authenticated connections. */
  get sessions(): number {
    return [...this.#sessions].filter((s) => s.authed).length;
  }

  /** Stops like a FreeSWITCH that shuts down: every connection dropped, parked calls forgotten. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#stopListening?.();
    this.#stopListening = undefined;
    for (const session of this.#sessions) session.drop();
    this.#parked.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([...this.#sockets].map((s) => new Promise<void>((resolve) => {
      if (s.destroyed) resolve();
      else s.once('close', () => resolve());
    })));
  }

  /** Ends the outbound calls this node placed (after a test). */
  async dropCalls(): Promise<void> {
    const calls = [...this.#calls];
    for (const call of calls) call.drop();
    await Promise.all(calls.map((c) => c.ended));
  }

  /** Parks a call: it runs `park` (CHANNEL_EXECUTE, then CHANNEL_PARK, to every subscribed connection). */
  park(options: ParkOptions = {}): ParkedCall {
    const uuid = options.uuid ?? randomUUID();
    const channel = createChannel({
      kind: options.profile ?? 'loopback',
      uuid,
      ...(options.channelName !== undefined ? { channelName: options.channelName } : {}),
      ...(options.callerIdName !== undefined ? { callerIdName: options.callerIdName } : {}),
      callerIdNumber: options.callerIdNumber ?? '5551234',
      destinationNumber: options.destinationNumber ?? '7500',
      direction: options.direction ?? 'inbound',
      answerState: options.answerState ?? 'ringing',
      createdUs: this.#sim.clock.nowUs(),
      sessionId: 1,
      otherLegUuid: randomUUID(),
      socketArg: '',
      socketHost: '',
      context: options.context ?? 'default',
      variables: options.variables ?? {},
      fullSize: options.fullSizeEvents ?? true,
    });
    channel.vars.set('current_application', 'park');
    const parked = new ParkedCall(uuid, options, channel);
    this.#parked.set(uuid, parked);
    this.#publish('CHANNEL_EXECUTE', parked, [['Application', 'park'], ['Application-UUID', parked.parkAppUuid]]);
    this.announce(parked);
    return parked;
  }

  /** Sends the call's CHANNEL_PARK (again). */
  announce(parked: ParkedCall): void {
    this.#publish('CHANNEL_PARK', parked);
  }

  /** The parked caller hangs up: CHANNEL_HANGUP_COMPLETE, and the uuid is gone. */
  hangup(parked: ParkedCall, cause = 'NORMAL_CLEARING'): void {
    if (!this.#parked.delete(parked.uuid)) return;
    parked.channel.setAnswerState('hangup');
    parked.channel.setHangupCause(cause);
    this.#publish('CHANNEL_HANGUP_COMPLETE', parked, [['Hangup-Cause', cause]]);
  }

  /** An event about a parked call, to the whole switch (this listener's connections included). */
  #publish(name: string, parked: ParkedCall, post?: ReadonlyArray<readonly [string, string]>): void {
    this.#sim.events.publish(this.#factory.channel(name, parked.channel, post ? { post } : {}));
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    const host: InboundHost = {
      password: this.password,
      factory: this.#factory,
      api: (command, args) => this.#api(command, args),
      authAttempt: (password, accepted) => {
        this.authAttempts.push({ password, accepted });
        this.emit('auth', password, accepted);
      },
    };
    const session = new SimInboundSession(socket, host);
    this.#sessions.add(session);
    socket.once('close', () => {
      this.#sessions.delete(session);
      this.#sockets.delete(socket);
    });
    this.emit('session', session);
  }

  #broadcast(ev: SimEvent): void {
    for (const session of this.#sessions) session.deliver(ev);
  }

  async #api(command: string, args: string): Promise<string> {
    if (command !== 'uuid_transfer') return `-ERR ${command} Command not found!\n`;
    const words = separateArgs(args);
    const [uuid = '', destination = '', dialplan = ''] = words;
    const reply = this.#transfer(uuid, destination, dialplan);
    const record = { uuid, destination, reply };
    this.transfers.push(record);
    this.emit('transfer', record);
    return reply;
  }

  #transfer(uuid: string, destination: string, dialplan: string): string {
    const parked = this.#parked.get(uuid);
    if (parked?.options.hangsUpBeforeTransfer) this.hangup(parked);
    const stillParked = parked !== undefined && this.#parked.has(uuid);
    if (!stillParked && !this.#sim.socketCall(uuid)?.channel.up) return '-ERR No such channel!\n';
    const target = socketTargetOf(destination);
    if (dialplan !== 'inline' || !target) return '-ERR invalid transfer destination\n';
    if (stillParked) {
      this.#parked.delete(uuid);
      this.#publish('CHANNEL_EXECUTE_COMPLETE', parked, [['Application', 'park'],
        ['Application-Response', '_none_'], ['Application-UUID', parked.parkAppUuid]]);
      const call = this.#sim.runSocket(parked.channel, { ...parked.options, uuid, ...target });
      this.#track(call);
      parked.resolveTransfer(call);
    } else {
      void this.#sim.transferToSocket(uuid, target)?.then((call) => { if (call) this.#track(call); });
    }
    return '+OK\n';
  }

  #track(call: SimulatedCall): void {
    this.#calls.add(call);
    void call.ended.then(() => this.#calls.delete(call));
  }
}

/** The `socket` application of a transfer destination `socket:<host>:<port>[|...] async full`. */
function socketTargetOf(destination: string): SocketTarget | undefined {
  const target = /^socket:(\S+)\s+async\s+full$/i.exec(destination);
  if (!target?.[1]) return undefined;
  // Failover hosts (`h1:p|h2:p`) are tried in turn by FreeSWITCH; the simulator takes the first.
  const first = target[1].split('|')[0] ?? '';
  const colon = first.lastIndexOf(':');
  const port = Number(first.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port)) return undefined;
  return { host: first.slice(0, colon), port, socketArg: `${target[1]} async full` };
}
