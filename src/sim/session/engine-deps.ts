/** What a simulated call's engine (call-engine.ts) is built from and reports to. */
import type { ConferenceRoomsApi, RouteLegRequest, SimulatedCallPort } from '../apps/app-context.js';
import type { Channel } from '../channel/channel.js';
import type { ChannelDirectory } from '../channel/channel-directory.js';
import type { EventFactory } from '../channel/event-factory.js';
import type { ResolvedSimOptions, SimCallOptions } from '../sim/options.js';
import type { RoutedLegPort } from '../sim/routed-leg.js';
import type { SwitchEvents } from '../sim/switch-events.js';
import type { Clock } from '../util/clock.js';
import type { EventHeader } from '../wire/event-encoder.js';

/** Where the engine writes, and how it closes the socket. */
export interface WirePort {
  write(data: string): void;
  close(): void;
}

/** Notifications for the owner of the call. */
export interface EngineHooks {
  execute(app: string, arg: string, eventUuid: string | undefined): void;
  complete(app: string, arg: string, eventUuid: string | undefined): void;
  hangup(cause: string): void;
  /** An event about the channel was raised (its name and the headers after the variables). */
  fired?(name: string, post: readonly EventHeader[]): void;
}

/** Everything an engine is built from. */
export interface EngineDeps {
  /** Places another call on the same simulator (a whisper leg's socket session). */
  readonly placeCall: (opts: SimCallOptions) => SimulatedCallPort;
  /** Routes a bridge leg through the switch's dialplan, when it is one the switch routes itself. */
  readonly routeLeg?: ((request: RouteLegRequest) => RoutedLegPort | undefined) | undefined;
  readonly channel: Channel;
  readonly clock: Clock;
  readonly factory: EventFactory;
  readonly options: ResolvedSimOptions;
  readonly call: SimCallOptions;
  readonly rooms: ConferenceRoomsApi;
  /** Channels without a socket (a bridge's B legs) that api commands reach by uuid. */
  readonly channels: ChannelDirectory;
  readonly socketArg: string;
  readonly wire: WirePort;
  readonly hooks: EngineHooks;
  /** The switch's event system, which every event about the channel also goes to. */
  readonly events: SwitchEvents;
  /** False when the connection continues a channel another connection runs the caller script of. */
  readonly scriptedCaller: boolean;
}
