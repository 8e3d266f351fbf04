/**
 * The FreeSWITCH simulator: places calls that connect to an outbound Event Socket server exactly
 * as FreeSWITCH 1.10's `socket <host>:<port> async full` application does.
 */
import { randomUUID } from 'node:crypto';
import type { AppDefinition } from '../apps/app-context.js';
import { createAppRegistry } from '../apps/registry.js';
import { ChannelDirectory } from '../channel/channel-directory.js';
import { EventFactory, type SimEvent } from '../channel/event-factory.js';
import type { Channel } from '../channel/channel.js';
import { createChannel } from '../channel/profile-templates.js';
import { ConferenceRooms } from '../conference/rooms.js';
import { SwitchClock } from '../util/clock.js';
import { ConnectGate } from '../util/connect-gate.js';
import type { FsSimulatorOptions, ResolvedSimOptions, SimCallOptions } from './options.js';
import { SimulatedCall } from './simulated-call.js';
import { SwitchEvents } from './switch-events.js';
import type { RouteLegRequest } from '../apps/app-context.js';
import type { XmlDialplan } from '../dialplan/xml-dialplan.js';
import { RoutedLeg, type RoutedLegPort } from './routed-leg.js';
import type { SimNetwork } from './sim-network.js';

const DEFAULT_VOICES: Readonly<Record<string, readonly string[]>> = {
  flite: ['kal', 'kal16', 'slt', 'rms', 'awb'],
};

/** Extra per-simulator switches that are not FreeSWITCH options. */
export interface FsSimulatorExtras {
  /** Keep every byte of every call in `SimulatedCall.transcript` (default true). */
  readonly recordTranscript?: boolean;
  /**
   * The node's XML dialplan (its contexts): a `loopback/<dest>/<context>` bridge leg into one of its contexts, and
   * an inbound SIP leg from a linked node, run its extensions (routed-leg.ts). Default: none (every leg scripted).
   */
  readonly dialplan?: XmlDialplan;
  /** The node's inter-node SIP profile on a network of simulated nodes (sim-network.ts). */
  readonly sip?: SimSipProfile;
}

/** A node's inter-node SIP profile. */
export interface SimSipProfile {
  readonly network: SimNetwork<FsSimulator>;
  /** `host:port` it listens on, as other nodes' dial strings name it. */
  readonly address: string;
  /** The context inbound calls on the profile run (the profile's `context` parameter). */
  readonly context: string;
  /** The profile's name in channel names (default `pivot-cluster`). */
  readonly name?: string;
}

/** Where an inline `uuid_transfer` sends a channel: the `socket` application's address and argument. */
export interface SocketTarget {
  readonly host: string;
  readonly port: number;
  /** The whole argument, e.g. `127.0.0.1:8084 async full`. */
  readonly socketArg: string;
}

/** A simulated FreeSWITCH switch. */
export class FsSimulator {
  readonly options: ResolvedSimOptions;
  readonly rooms: ConferenceRooms;
  /** Every channel event of every call, as the switch's inbound Event Socket listeners get them. */
  readonly events = new SwitchEvents();
  /** The switch's clock: every channel timestamp and event time is on it (it runs at the simulated speed). */
  readonly clock: SwitchClock;
  /** Calls a bridge placed for its legs' `socket` applications (whispers), in order. */
  readonly socketLegs: SimulatedCall[] = [];
  readonly #factory: EventFactory;
  readonly #channels = new ChannelDirectory();
  readonly #registry: ReadonlyMap<string, AppDefinition> = createAppRegistry();
  readonly #calls = new Set<SimulatedCall>();
  /** uuid → the call whose `socket` application runs that channel now. */
  readonly #running = new Map<string, SimulatedCall>();
  readonly #record: boolean;
  readonly #gate = new ConnectGate(64);
  readonly #closing = new Set<() => void>();
  readonly #dialplan: XmlDialplan | undefined;
  readonly #sip: SimSipProfile | undefined;
  readonly #detach: (() => void) | undefined;
  #sequence = 1000;
  #sessionId: number;

  constructor(opts: FsSimulatorOptions & FsSimulatorExtras = {}) {
    this.options = {
      timeScale: opts.timeScale ?? 1,
      hostname: opts.hostname ?? 'fs-sim',
      switchname: opts.switchname ?? opts.hostname ?? 'fs-sim',
      coreUuid: opts.coreUuid ?? randomUUID(),
      ipv4: opts.ipv4 ?? '127.0.0.1',
      ipv6: opts.ipv6 ?? '::1',
      frameMs: opts.frameMs ?? 20,
      defaultFileMs: opts.defaultFileMs ?? 3000,
      mediaDurations: opts.mediaDurations ?? {},
      ttsVoices: opts.ttsVoices ?? DEFAULT_VOICES,
    };
    this.#sessionId = opts.firstSessionId ?? 1;
    this.clock = new SwitchClock(this.options.timeScale);
    this.#record = opts.recordTranscript ?? true;
    this.#dialplan = opts.dialplan;
    this.#sip = opts.sip;
    this.#detach = opts.sip?.network.attach(this);
    this.#factory = new EventFactory(this.options, () => ++this.#sequence, () => this.clock.nowUs());
    this.rooms = new ConferenceRooms(opts.firstConferenceMemberId ?? 1, this.clock,
      (e) => this.#fireRoomEvent(this.#factory.custom('conference::maintenance', e.calling, e.headers)));
  }

  /**
   * A conference room's own event (no Unique-ID): to every outbound connection subscribed to it (a `myevents` socket
   * never is) and to the switch's listeners (the inbound Event Socket).
   */
  #fireRoomEvent(event: SimEvent): void {
    for (const call of this.#calls) call.deliverEvent(event);
    this.events.publish(event);
  }

  /** The inter-node SIP address of the node (empty when it is on no network). */
  get sipAddress(): string {
    return this.#sip?.address ?? '';
  }

  /**
   * The far end of a bridge leg this switch routes through a dialplan: `loopback/<dest>/<context>` into a context
   * of its own dialplan (the `-b` side, with the leg's variables), or `sofia/<profile>/<user>@<address>` to a linked
   * node, which gets an inbound call in its profile's context carrying the leg's `sip_h_X-*` variables as X-
   * headers (`sip_h_X-*` variables there). Undefined for any other leg.
   */
  routeLeg(request: RouteLegRequest): RoutedLegPort | undefined {
    const parts = request.target.split('/');
    if (parts[0] === 'loopback' && this.#dialplan?.has(parts[2] ?? 'default')) {
      const destination = parts[1] ?? '';
      const variables = Object.fromEntries(Object.entries(request.vars).filter(([name]) => name !== 'origination_uuid'));
      return new RoutedLeg({ profile: 'loopback', context: parts[2] ?? 'default', destination,
        channelName: `loopback/${destination}-b`, callerIdNumber: request.callerIdNumber,
        variables: { ...variables, loopback_leg: 'B' } }, this.#dialplan, (o) => this.call(o));
    }
    if (parts[0] !== 'sofia' || parts[1] === 'gateway') return undefined;
    const at = parts.slice(2).join('/').replace(/^sips?:/, '');
    const [user = '', address = ''] = at.split('@');
    const node = this.#sip?.network.nodeAt(address);
    return node === undefined ? undefined : node.#inbound(user, request, this.options.ipv4);
  }

  /** An inbound call on the inter-node profile, from a leg of another node. */
  #inbound(user: string, request: RouteLegRequest, fromHost: string): RoutedLegPort | undefined {
    const sip = this.#sip;
    if (!sip || !this.#dialplan) return undefined;
    const headers = Object.fromEntries(Object.entries(request.vars).filter(([name]) => name.startsWith('sip_h_X-')));
    return new RoutedLeg({ profile: 'sip', context: sip.context, destination: user,
      channelName: `sofia/${sip.name ?? 'pivot-cluster'}/${request.callerIdNumber}@${fromHost}`,
      callerIdNumber: request.callerIdNumber, variables: headers }, this.#dialplan, (o) => this.call(o));
  }

  /** Calls currently connected (or connecting). */
  get activeCalls(): number {
    return this.#calls.size;
  }

  /** Places a call: connects to the server like `socket host:port async full`. */
  call(opts: SimCallOptions): SimulatedCall {
    const uuid = opts.uuid ?? randomUUID();
    const channel = createChannel({
      kind: opts.profile ?? 'loopback',
      uuid,
      ...(opts.channelName !== undefined ? { channelName: opts.channelName } : {}),
      ...(opts.callerIdName !== undefined ? { callerIdName: opts.callerIdName } : {}),
      callerIdNumber: opts.callerIdNumber ?? '5551234',
      destinationNumber: opts.destinationNumber ?? '7001',
      direction: opts.direction ?? 'inbound',
      answerState: opts.answerState ?? 'ringing',
      createdUs: this.clock.nowUs(),
      sessionId: this.#sessionId++,
      otherLegUuid: randomUUID(),
      socketArg: opts.socketArg ?? `${opts.host}:${opts.port} async full`,
      socketHost: opts.host,
      context: opts.context ?? 'default',
      variables: opts.variables ?? {},
      fullSize: opts.fullSizeEvents ?? true,
    });
    return this.#runSocket(channel, opts, true);
  }

  /** The next `session_id`: FreeSWITCH counts the sessions it created since start-up. */
  nextSessionId(): number {
    return this.#sessionId++;
  }

  /**
   * Lists a channel that no `socket` application runs (a ringing originated leg), so that `uuid_kill` on any socket
   * reaches it; returns the function that removes it.
   */
  listChannel(uuid: string, hangup: (cause: string) => void): () => void {
    return this.#channels.add(uuid, hangup);
  }

  /** Whether a channel with this uuid exists: one a `socket` application runs, or a listed one. */
  hasChannel(uuid: string): boolean {
    return this.#channels.has(uuid) || this.#running.get(uuid)?.channel.up === true;
  }

  /** `uuid_kill <uuid> <cause>`: hangs the channel up; false when no channel has this uuid. */
  killChannel(uuid: string, cause: string): boolean {
    if (this.#channels.hangup(uuid, cause)) return true;
    const call = this.#running.get(uuid);
    if (!call?.channel.up) return false;
    call.kill(cause);
    return true;
  }

  /** Runs the `socket` application on a channel that exists already (a call parked on the node). */
  runSocket(channel: Channel, opts: SimCallOptions): SimulatedCall {
    return this.#runSocket(channel, opts, true);
  }

  /** The call whose `socket` application runs the channel `uuid` now, if any. */
  socketCall(uuid: string): SimulatedCall | undefined {
    return this.#running.get(uuid);
  }

  /**
   * `uuid_transfer <uuid> 'socket:<target>' inline` of a channel a `socket` application runs: once the application
   * running on the channel has returned, that `socket` application completes (its connection stays up) and `socket`
   * runs again, connecting to `target`. Resolves with the new connection's call, or undefined when the channel hung
   * up first; undefined at once when no `socket` application runs that channel.
   */
  transferToSocket(uuid: string, target: SocketTarget): Promise<SimulatedCall | undefined> | undefined {
    const from = this.#running.get(uuid);
    if (!from) return undefined;
    return new Promise((resolve) => from.whenIdle(() => {
      const current = this.#running.get(uuid);
      if (!current?.channel.up) {
        resolve(undefined);
        return;
      }
      resolve(current.handOver(() => this.#runSocket(current.channel, { ...current.options, ...target }, false)));
    }));
  }

  #runSocket(channel: Channel, opts: SimCallOptions, scriptedCaller: boolean): SimulatedCall {
    const call = new SimulatedCall(
      {
        options: this.options,
        clock: this.clock,
        channels: this.#channels,
        factory: this.#factory,
        rooms: this.rooms,
        registry: this.#registry,
        routeLeg: (request) => this.routeLeg(request),
        placeCall: (legOpts) => {
          const leg = this.call(legOpts);
          this.socketLegs.push(leg);
          return leg;
        },
        channel,
        recordTranscript: this.#record,
        connectGate: this.#gate,
        events: this.events,
        scriptedCaller,
      },
      opts,
    );
    this.#calls.add(call);
    this.#running.set(call.uuid, call);
    void call.ended.then(() => {
      this.#calls.delete(call);
      if (this.#running.get(call.uuid) === call) this.#running.delete(call.uuid);
    });
    return call;
  }

  /** Runs `fn` when the switch closes; returns the function that cancels it. */
  onClose(fn: () => void): () => void {
    this.#closing.add(fn);
    return () => this.#closing.delete(fn);
  }

  /** Ends every call abruptly and clears every timer. */
  async close(): Promise<void> {
    this.#detach?.();
    for (const fn of [...this.#closing]) fn();
    const calls = [...this.#calls];
    for (const c of calls) c.drop();
    await Promise.all(calls.map((c) => c.ended));
  }
}
