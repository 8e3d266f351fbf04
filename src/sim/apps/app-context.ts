/** What an application model sees of the call it runs on. */
import type { Channel } from '../channel/channel.js';
import type { ChannelDirectory } from '../channel/channel-directory.js';
import type { ChannelEventOptions, EventFactory, SimEvent } from '../channel/event-factory.js';
import type { MediaControl } from '../media/media-control.js';
import type { BLegOutcome, CallerScript, ResolvedSimOptions, SimCallOptions } from '../sim/options.js';
import type { Clock } from '../util/clock.js';
import type { SimConferenceProfile } from '../conference/profiles.js';
import type { RoutedLegPort } from '../sim/routed-leg.js';

/** The call-side services an application uses. */
export interface AppContext {
  readonly channel: Channel;
  readonly media: MediaControl;
  readonly clock: Clock;
  readonly options: ResolvedSimOptions;
  readonly factory: EventFactory;
  readonly caller: CallerScript;
  /** The application's name as executed. */
  readonly appName: string;
  /** Fires a channel event (sent if the socket subscribed to it). */
  fire(name: string, opts?: ChannelEventOptions): void;
  /** Sends a prebuilt event (e.g. another member's conference event). */
  fireEvent(event: SimEvent): void;
  /** Hangs the channel up; `early` sends the linger notice right after CHANNEL_HANGUP. */
  hangup(cause: string, early?: boolean): void;
  /** FreeSWITCH milliseconds since the connect reply (the caller script's time base). */
  callerTimeMs(): number;
  /** The switch's epoch microseconds (simulated time), as in `*-Time` headers. */
  nowUs(): number;
  /** The scripted outcome for a bridge dial string. */
  bridgeOutcome(dialString: string): BLegOutcome | undefined;
  /** Shared conference rooms of the simulator. */
  readonly rooms: ConferenceRoomsApi;
  /** Channels without a socket that api commands reach by uuid: a bridge lists its B leg here while bridged. */
  readonly channels: ChannelDirectory;
  /** Places another call that connects to an outbound socket (a whisper leg's `socket` application). */
  placeCall(opts: SimCallOptions): SimulatedCallPort;
  /**
   * The far end of a bridge leg the switch routes through a dialplan (a `loopback/` leg into a context of its own
   * dialplan, a `sofia/` leg to a linked node); undefined for any other leg (its outcome is scripted).
   */
  routeLeg(request: RouteLegRequest): RoutedLegPort | undefined;
}

/** A bridge leg as the switch that routes it sees it. */
export interface RouteLegRequest {
  /** The dial-string endpoint. */
  readonly target: string;
  /** The leg's variables: the originate's `{}` and its own `[]`. */
  readonly vars: Readonly<Record<string, string>>;
  readonly callerIdNumber: string;
}

/** What the bridge needs of a call it placed. */
export interface SimulatedCallPort {
  readonly ended: Promise<{ readonly hangupCause?: string }>;
  hangup(cause?: string): void;
}

/** An application model: resolves with the Application-Response to report (default `_none_`). */
export type AppRun = (ctx: AppContext, arg: string) => Promise<string | undefined> | string | undefined;

/** A registered application. */
export interface AppDefinition {
  readonly run: AppRun;
  /** Media apps drain sendmsg hangups that were not event-locked while they run. */
  readonly media?: boolean;
}

/** Rooms shared by all calls of one simulator (implemented by the conference module). */
export interface ConferenceRoomsApi {
  /**
   * Joins (creating the room); undefined when the room is full (`conference_max_members`). A `silent` entry
   * (`conference_silent_entry`) plays no alone-sound and raises no add-member event.
   */
  join(name: string, member: ConferenceMemberPort, flags: ReadonlySet<string>, profile: string,
    creation?: RoomCreation, entry?: { readonly silent?: boolean }): ConferenceSeat | undefined;
  list(name: string): ConferenceSeatInfo[] | undefined;
  /** A `conference` api command; `argv` are the words after the action, split as FreeSWITCH splits them. */
  command(name: string, action: string, target: string, argv?: readonly string[]): string;
}

/** What the channel that creates a room sets for it (FreeSWITCH reads these only when the room is created). */
export interface RoomCreation {
  /** `conference_max_members`: 0 or absent for no limit. */
  readonly maxMembers?: number;
  /** `conference_auto_record`: a local WAV file written from the room's creation until it ends. */
  readonly autoRecord?: string;
}

/** The state of a member and its room when a maintenance event is raised. */
export interface MemberSnapshot {
  readonly conferenceName: string;
  readonly conferenceUuid: string;
  readonly profile: string;
  readonly size: number;
  readonly memberId: number;
  readonly floor: boolean;
  readonly moderator: boolean;
  readonly mute: boolean;
  readonly deaf: boolean;
  readonly ghost: boolean;
}

/** How the conference reaches a member's call. */
export interface ConferenceMemberPort {
  readonly ctx: AppContext;
  /** The member was removed by the room (kick, hup, end of conference). */
  removed(reason: 'kick' | 'hup' | 'endconf'): void;
  /** The room raises a conference::maintenance event about this member. */
  maintenance(action: string, member: MemberSnapshot, extra?: MaintenanceExtra): void;
  /** A mute/unmute prompt was played to the member. */
  soundPlayed?(file: string, member: MemberSnapshot): void;
}

/** What a file event adds: the file, and how long it played (play-file-member-done). */
export interface MaintenanceExtra {
  readonly file?: string;
  readonly ms?: number;
}

/** A member's place in a room. */
export interface ConferenceSeat {
  readonly memberId: number;
  readonly conferenceUuid: string;
  /** The sounds of the room's profile (its kicked-sound is played to a kicked member). */
  readonly profile: SimConferenceProfile;
  leave(): void;
}

/** Public data of a member (`conference <name> list`). */
export interface ConferenceSeatInfo {
  readonly memberId: number;
  readonly uuid: string;
  readonly channelName: string;
  readonly callerIdName: string;
  readonly callerIdNumber: string;
  readonly flags: string;
}
