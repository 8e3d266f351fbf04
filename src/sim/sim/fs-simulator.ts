/**
 * The FreeSWITCH simulator: places calls that connect to an outbound Event Socket server exactly
 * as FreeSWITCH 1.10's `socket <host>:<port> async full` application does.
 */
import { randomUUID } from 'node:crypto';
import type { AppDefinition } from '../apps/app-context.js';
import { createAppRegistry } from '../apps/registry.js';
import { ChannelDirectory } from '../channel/channel-directory.js';
import { EventFactory } from '../channel/event-factory.js';
import { createChannel } from '../channel/profile-templates.js';
import { ConferenceRooms } from '../conference/rooms.js';
import { SwitchClock } from '../util/clock.js';
import { ConnectGate } from '../util/connect-gate.js';
import type { FsSimulatorOptions, ResolvedSimOptions, SimCallOptions } from './options.js';
import { SimulatedCall } from './simulated-call.js';

const DEFAULT_VOICES: Readonly<Record<string, readonly string[]>> = {
  flite: ['kal', 'kal16', 'slt', 'rms', 'awb'],
};

/** Extra per-simulator switches that are not FreeSWITCH options. */
export interface FsSimulatorExtras {
  /** Keep every byte of every call in `SimulatedCall.transcript` (default true). */
  readonly recordTranscript?: boolean;
}

/** A simulated FreeSWITCH switch. */
export class FsSimulator {
  readonly options: ResolvedSimOptions;
  readonly rooms: ConferenceRooms;
  /** The switch's clock: every channel timestamp and event time is on it (it runs at the simulated speed). */
  readonly clock: SwitchClock;
  /** Calls a bridge placed for its legs' `socket` applications (whispers), in order. */
  readonly socketLegs: SimulatedCall[] = [];
  readonly #factory: EventFactory;
  readonly #channels = new ChannelDirectory();
  readonly #registry: ReadonlyMap<string, AppDefinition> = createAppRegistry();
  readonly #calls = new Set<SimulatedCall>();
  readonly #record: boolean;
  readonly #gate = new ConnectGate(64);
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
    this.rooms = new ConferenceRooms(opts.firstConferenceMemberId ?? 1, this.clock);
    this.#record = opts.recordTranscript ?? true;
    this.#factory = new EventFactory(this.options, () => ++this.#sequence, () => this.clock.nowUs());
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
    const call = new SimulatedCall(
      {
        options: this.options,
        clock: this.clock,
        channels: this.#channels,
        factory: this.#factory,
        rooms: this.rooms,
        registry: this.#registry,
        placeCall: (legOpts) => {
          const leg = this.call(legOpts);
          this.socketLegs.push(leg);
          return leg;
        },
        channel,
        recordTranscript: this.#record,
        connectGate: this.#gate,
      },
      opts,
    );
    this.#calls.add(call);
    void call.ended.then(() => this.#calls.delete(call));
    return call;
  }

  /** Ends every call abruptly and clears every timer. */
  async close(): Promise<void> {
    const calls = [...this.#calls];
    for (const c of calls) c.drop();
    await Promise.all(calls.map((c) => c.ended));
  }
}
