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
import type { FsSimulator } from '../sim/fs-simulator.js';
import { answerLimit, scriptedOutcome } from '../apps/bridge-dial.js';
import { schedHangupDueUs } from '../apps/sched-hangup.js';
import { readDialString } from '../apps/dial-syntax.js';
import { causeName } from '../channel/hangup-causes.js';
import type { BLegOutcome, OutcomeRule } from '../sim/options.js';
import type { SimulatedCall } from '../sim/simulated-call.js';
import { separateArgs } from '../util/arg-split.js';
import { Clock } from '../util/clock.js';
import {
  type AnsweredOriginate, type OriginateRecord, ParkedCall, type ParkOptions, type TransferRecord,
} from './inbound-records.js';
import { type InboundHost, SimInboundSession } from './inbound-session.js';
import { readOriginate, type OriginateRequest } from './originate-command.js';
import { Origination, type OriginatedLeg } from './origination.js';
import { socketAppTarget, transferSocketTarget } from './socket-target.js';

/** Options of the simulated node. */
export interface SimInboundOptions {
  readonly password?: string;
  /** What the endpoints an `originate` dials do, first matching rule (default: they answer at once). */
  readonly originate?: readonly OutcomeRule[];
}

/**
 * Emits `session` when a connection opens, `auth` (password, accepted) on each `auth`, `transfer` (TransferRecord),
 * `originate` (OriginateRecord) as each `originate` arrives.
 */
export class SimInboundServer extends EventEmitter {
  readonly password: string;
  readonly transfers: TransferRecord[] = [];
  readonly originates: OriginateRecord[] = [];
  readonly authAttempts: Array<{ readonly password: string; readonly accepted: boolean }> = [];
  readonly #sim: FsSimulator;
  readonly #factory: EventFactory;
  readonly #sessions = new Set<SimInboundSession>();
  readonly #sockets = new Set<Socket>();
  readonly #parked = new Map<string, ParkedCall>();
  readonly #calls = new Set<SimulatedCall>();
  readonly #originations = new Set<Origination>();
  readonly #originateRules: OutcomeRule[];
  /** The clocks of the `sched_hangup` that answered originated channels run. */
  readonly #deadlines = new Set<Clock>();
  #closed = false;
  #server: Server | undefined;
  #stopListening: (() => void) | undefined;
  #stopWithSwitch: (() => void) | undefined;
  #sequence = 5000;

  constructor(sim: FsSimulator, options: SimInboundOptions = {}) {
    super();
    this.#sim = sim;
    this.password = options.password ?? 'ClueCon';
    this.#originateRules = [...(options.originate ?? [])];
    this.#factory = new EventFactory(sim.options, () => ++this.#sequence, () => sim.clock.nowUs());
  }

  /** Starts listening on loopback (port 0: a free one); resolves with the port. */
  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    this.#closed = false;
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    this.#stopListening ??= this.#sim.events.listen((ev) => this.#broadcast(ev));
    // The switch stopping ends the originations that ring on it, listener or not.
    this.#stopWithSwitch ??= this.#sim.onClose(() => this.#stopOriginations());
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
    this.#closed = true;
    for (const session of this.#sessions) session.drop();
    this.#stopWithSwitch?.();
    this.#stopWithSwitch = undefined;
    this.#stopOriginations();
    this.#parked.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([...this.#sockets].map((s) => new Promise<void>((resolve) => {
      if (s.destroyed) resolve();
      else s.once('close', () => resolve());
    })));
  }

  /** Pending originations end as the switch hangs every channel up (SYSTEM_SHUTDOWN); nobody hears their reply. */
  #stopOriginations(): void {
    for (const origination of this.#originations) origination.stop('SYSTEM_SHUTDOWN');
    for (const clock of this.#deadlines) clock.clearAll();
    this.#deadlines.clear();
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
    return this.#parkChannel(channel, options);
  }

  /** Runs `park` on a channel. */
  #parkChannel(channel: Channel, options: ParkOptions): ParkedCall {
    channel.vars.set('current_application', 'park');
    const parked = new ParkedCall(channel.uuid, options, channel);
    this.#parked.set(channel.uuid, parked);
    this.#publish('CHANNEL_EXECUTE', parked, [['Application', 'park'], ['Application-UUID', parked.parkAppUuid]]);
    this.announce(parked);
    return parked;
  }

  /** Scripts what the endpoints an `originate` dials do: targets containing `match` (or matching it) get `outcome`. */
  scriptOriginate(match: string | RegExp, outcome: BLegOutcome): void {
    this.#originateRules.push({ match, outcome });
  }

  /** Sends the call's CHANNEL_PARK (again). */
  announce(parked: ParkedCall): void {
    this.#publish('CHANNEL_PARK', parked);
  }

  /** The parked caller hangs up: CHANNEL_HANGUP, CHANNEL_HANGUP_COMPLETE, and the uuid is gone. */
  hangup(parked: ParkedCall, cause = 'NORMAL_CLEARING'): void {
    if (!this.#parked.delete(parked.uuid)) return;
    parked.channel.setAnswerState('hangup');
    parked.channel.setHangupCause(cause);
    this.#publish('CHANNEL_HANGUP', parked);
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
    switch (command) {
      case 'originate':
        return this.#originate(args);
      case 'uuid_kill':
        return this.#kill(args);
      case 'uuid_transfer':
        return this.#uuidTransfer(args);
      default:
        return `-ERR ${command} Command not found!\n`;
    }
  }

  /**
   * `uuid_kill <uuid> [cause]` (mod_commands.c kill_function: the cause is what follows the first space, default
   * NORMAL_CLEARING): a ringing originated leg, a parked call, or a channel a `socket` application runs.
   */
  #kill(args: string): string {
    if (args.trim() === '') return '-USAGE: <uuid> [cause]\n';
    const space = args.indexOf(' ');
    const uuid = space < 0 ? args : args.slice(0, space);
    const cause = causeName(space < 0 ? undefined : args.slice(space + 1));
    const parked = this.#parked.get(uuid);
    if (parked) {
      this.hangup(parked, cause);
      return '+OK\n';
    }
    return this.#sim.killChannel(uuid, cause) ? '+OK\n' : '-ERR No such channel!\n';
  }

  #originate(args: string): Promise<string> {
    const request = readOriginate(args);
    if (typeof request === 'string') {
      const record: OriginateRecord = {
        args, request: undefined, vars: {}, legs: [], reply: Promise.resolve(request), answered: Promise.resolve(undefined),
      };
      this.originates.push(record);
      this.emit('originate', record);
      return record.reply;
    }
    let resolveAnswered!: (answered: AnsweredOriginate | undefined) => void;
    const answered = new Promise<AnsweredOriginate | undefined>((resolve) => { resolveAnswered = resolve; });
    const origination = new Origination({
      sim: this.#sim,
      factory: this.#factory,
      outcome: (target) => scriptedOutcome(this.#originateRules, target),
      exists: (uuid) => this.#parked.has(uuid) || this.#sim.hasChannel(uuid),
      answered: (leg, req) => resolveAnswered(this.#runAnswered(leg, req)),
    }, request);
    if (this.#closed) origination.stop('SYSTEM_SHUTDOWN');
    this.#originations.add(origination);
    const reply = origination.reply.finally(() => this.#originations.delete(origination));
    void reply.then((text) => { if (!text.startsWith('+OK')) resolveAnswered(undefined); });
    const vars = readDialString(request.dialString)?.vars ?? {};
    const record: OriginateRecord = { args, request, vars, legs: origination.legs, reply, answered };
    this.originates.push(record);
    this.emit('originate', record);
    return reply;
  }

  /**
   * The answered channel runs the originate's application: `socket` connects to the server's outbound socket as the
   * simulator's calls do (the callee's side scripted by the outcome's `callee`); `park` parks it. The simulator has
   * no dialplan: an extension, or any other application, leaves the channel parked too.
   */
  #runAnswered(leg: OriginatedLeg, request: OriginateRequest): AnsweredOriginate | undefined {
    const channel = leg.channel;
    if (this.#closed || !channel.up) return undefined;
    this.#runOnAnswer(leg);
    const target = request.target;
    const socket = target.kind === 'application' && target.name === 'socket' ? socketAppTarget(target.args) : undefined;
    if (socket) {
      const call = this.#sim.runSocket(channel, {
        ...socket,
        uuid: leg.uuid,
        profile: channel.kind,
        direction: 'outbound',
        ...(leg.outcome?.type === 'answer' && leg.outcome.callee ? { caller: leg.outcome.callee } : {}),
      });
      this.#track(call);
      return { uuid: leg.uuid, call };
    }
    if (target.kind === 'application' && target.name === 'socket') {
      // The `socket` application without an address fails at once; nothing else runs, so the channel hangs up.
      channel.setAnswerState('hangup');
      channel.setHangupCause('NORMAL_CLEARING');
      this.#sim.events.publish(this.#factory.channel('CHANNEL_HANGUP', channel));
      this.#sim.events.publish(this.#factory.channel('CHANNEL_HANGUP_COMPLETE', channel));
      return undefined;
    }
    const parked = this.#parkChannel(channel, { uuid: leg.uuid, direction: 'outbound', profile: channel.kind });
    return { uuid: leg.uuid, parked };
  }

  /**
   * An `execute_on_answer*` variable holding `sched_hangup +N [cause]` hangs the answered channel up when the
   * switch's clock reaches the epoch second of the answer plus N (sched-hangup.ts), whatever runs on it.
   */
  #runOnAnswer(leg: OriginatedLeg): void {
    const limit = answerLimit(leg.vars);
    if (limit === undefined) return;
    const answeredUs = Number(leg.channel.profileField('Channel-Answered-Time') ?? '0');
    const clock = new Clock(this.#sim.clock);
    this.#deadlines.add(clock);
    clock.after((schedHangupDueUs(answeredUs, limit) - this.#sim.clock.nowUs()) / 1000, () => {
      this.#deadlines.delete(clock);
      clock.clearAll();
      if (leg.channel.up) this.#kill(`${leg.uuid} ${limit.cause}`);
    });
  }

  #uuidTransfer(args: string): string {
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
    const target = transferSocketTarget(destination);
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
