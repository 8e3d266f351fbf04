/**
 * Everything a verb may touch during a call, and nothing global: the channel, the call's logger and signal, the
 * engine's settings and clients, the call's source and description, and the few pieces of state that change.
 */
import type { LookupAddress } from 'node:dns';
import type { Logger } from 'pino';
import type { EslChannel } from '../esl/index.js';
import type { AddressChecker, CallRequests } from '../webhook/index.js';
import type { CallIdentity } from './call-description.js';
import type { CallLifecycleObserver } from './call-lifecycle.js';
import type { CallSource } from './call-source.js';
import type { EngineSettings } from './engine-settings.js';
import type { RecordingStore } from './recording/recording-store.js';
import type { Observer } from '../metrics/observer.js';
import type { RoomServices } from './rooms/room-services.js';
import type { VerbRegistry } from './verbs/index.js';
import type { WhisperRegistry } from './whisper/whisper-registry.js';

/** What changes during a call. */
export interface CallState {
  /** URL of the document running now: the base of its relative URLs and the default action. */
  document: URL;
  /** True once this call has answered (or found the channel answered). */
  answered: boolean;
  /** Document requests made so far, the first included. */
  requests: number;
  /** Recordings taken so far (numbers the recording files). */
  recordings: number;
  /** The last `playback_terminators` value this call set (undefined: FreeSWITCH's default). */
  terminators: string | undefined;
  /** `<Set>`/`<Variable>` pairs, sent on every later request; insertion order is kept. */
  readonly variables: Map<string, string>;
  /** Whether the fallback URL has been used (it is tried once per call). */
  fallbackUsed: boolean;
  /** Set while the call waits in a queue (`<Enqueue>`): `<Leave>` in its waitUrl document calls `leave`. */
  queueWait?: { leave(): void } | undefined;
  /** True when the script could not go on (the error prompt was due): the status callbacks report it. */
  failed: boolean;
  /** The hangup cause this server asked for first, if it hung the call up. */
  hangupRequested: string | undefined;
  /**
   * The address checks of the media hosts this call has asked about (media-url-guard.ts), by host name: made once
   * per host and call, and gone with the call, so no answer outlives its DNS time to live by more than a call.
   */
  mediaHosts?: Map<string, Promise<readonly LookupAddress[]>>;
}

/** The context handed to every verb. */
export interface CallContext {
  readonly channel: EslChannel;
  /** The call's logger, bound to uuid, callSid and accountSid. */
  readonly log: Logger;
  /** Aborts when the call ends (hangup, disconnect, shutdown); its reason is a CallEndedError. */
  readonly signal: AbortSignal;
  readonly settings: EngineSettings;
  /**
   * Every request of the call: document fetches, callbacks and uploads, signed with the call's token, in its request
   * format, seen by its debug log. Callbacks sent through it are tracked: the call waits for them before it ends.
   */
  readonly requests: CallRequests;
  readonly recordings: RecordingStore;
  readonly source: CallSource;
  readonly identity: CallIdentity;
  /** The realm `<User>` and `<Device>` endpoints ring in ('' when unknown), from the call's setup. */
  readonly realm: string;
  readonly state: CallState;
  /** Where verb timings are reported (metrics); absent: nowhere. */
  readonly observer?: Observer;
  /** Told of the calls this call places (its `<Dial>` legs); absent: nobody. */
  readonly lifecycle?: CallLifecycleObserver;
  /** Conference rooms and queues shared by the calls of this server. */
  readonly rooms: RoomServices;
  /** The server's check of customer addresses (the webhook dispatcher's), for the URLs FreeSWITCH fetches itself. */
  readonly addresses: AddressChecker;
  /** Whispers of dialled legs, shared by the calls of this server; absent: whispers are not run. */
  readonly whispers?: WhisperRegistry;
  /**
   * The handler of each verb. Handed in by the engine rather than imported where documents run: the verbs (Dial,
   * Enqueue) run documents of their own, so the runner cannot import them without a cycle.
   */
  readonly verbs: VerbRegistry;
}
