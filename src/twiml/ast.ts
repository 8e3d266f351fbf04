/**
 * The TwiML document model. Names and attribute spellings follow TwiML (`finishOnKey`, `numDigits`...), units
 * stay TwiML's (seconds), and every default is already applied. URL-valued fields keep the text of the document;
 * the interpreter resolves them against {@link TwimlDocument.source} (see `resolveUrl`).
 *
 * Type names carry a `Verb`/`Noun` suffix so they never shadow built-ins (`Record`, `Number`, `Set`); the `kind`
 * field holds the TwiML element name.
 */
import type { TwimlProblem } from './errors.js';

/** HTTP method of a request made on behalf of a verb. */
export type HttpMethod = 'GET' | 'POST';

/** 1-based line and column of an element's opening `<`. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** Fields every element node carries. */
export interface NodeInfo {
  readonly position: SourcePosition;
  /** Attributes the element had that TwiML does not define; they are ignored, as Twilio does. */
  readonly unknownAttributes: readonly string[];
}

/** Whether silence is trimmed from the start and end of a recording. */
export type TrimMode = 'trim-silence' | 'do-not-trim';

/** Recording status callback events. */
export type RecordingEvent = 'in-progress' | 'completed' | 'absent';

/** `<Say>`: speak text. `loop` 0 repeats until hangup. */
export interface SayVerb extends NodeInfo {
  readonly kind: 'Say';
  /** Trimmed text, runs of whitespace collapsed to one space; SSML tags are reduced to their text. */
  readonly text: string;
  readonly voice?: string;
  readonly language?: string;
  readonly loop: number;
}

/**
 * `<Play>`: play audio from `url` (a URL, or a FreeSWITCH stream path such as `tone_stream://...`) or from a Kazoo
 * media id (`mediaId`, 32 hex digits, played through `call.kazooMediaUrl`), and/or DTMF `digits` (`w` = half a
 * second pause). At least one is present; `url` and `mediaId` never both.
 */
export interface PlayVerb extends NodeInfo {
  readonly kind: 'Play';
  readonly url?: string;
  readonly mediaId?: string;
  readonly loop: number;
  readonly digits?: string;
}

/** `<Pause>`: wait `length` seconds. */
export interface PauseVerb extends NodeInfo {
  readonly kind: 'Pause';
  readonly length: number;
}

/** Input kinds named in `<Gather input>`. Only `dtmf` is carried out; `speech` is accepted with a warning. */
export type GatherInput = 'dtmf' | 'speech';

/** Verbs allowed inside `<Gather>`. */
export type GatherPrompt = SayVerb | PlayVerb | PauseVerb;

/** `<Gather>`: collect DTMF while playing the nested prompts. */
export interface GatherVerb extends NodeInfo {
  readonly kind: 'Gather';
  readonly action?: string;
  readonly method: HttpMethod;
  /** Seconds without input (and between digits) before the gather ends. */
  readonly timeout: number;
  /** One key that ends input, or `''` for none. */
  readonly finishOnKey: string;
  readonly numDigits?: number;
  readonly actionOnEmptyResult: boolean;
  readonly input: readonly GatherInput[];
  /** Whether input stops the nested prompts. */
  readonly bargeIn: boolean;
  readonly children: readonly GatherPrompt[];
}

/** `<Record>`: record the caller. */
export interface RecordVerb extends NodeInfo {
  readonly kind: 'Record';
  readonly action?: string;
  readonly method: HttpMethod;
  /** Seconds of silence that end the recording; 0 turns silence detection off. */
  readonly timeout: number;
  /** Keys that end the recording (any of them), possibly `''`. */
  readonly finishOnKey: string;
  readonly maxLength: number;
  readonly playBeep: boolean;
  readonly trim: TrimMode;
  readonly recordingStatusCallback?: string;
  readonly recordingStatusCallbackMethod: HttpMethod;
  readonly recordingStatusCallbackEvent: readonly RecordingEvent[];
  /** Kazoo Pivot extension: where the recording is uploaded (HTTP PUT). */
  readonly recordingUrl?: string;
}

/** `<Dial record>` values; the legacy `true`/`false` become `record-from-answer`/`do-not-record`. */
export type DialRecord =
  | 'do-not-record'
  | 'record-from-answer'
  | 'record-from-ringing'
  | 'record-from-answer-dual'
  | 'record-from-ringing-dual';

/** Call progress events of a dialled leg. */
export type CallProgressEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

/** `<Number>` (also what a bare number in `<Dial>` becomes). */
export interface NumberNoun extends NodeInfo {
  readonly kind: 'Number';
  readonly number: string;
  readonly sendDigits?: string;
  readonly url?: string;
  readonly method: HttpMethod;
  readonly statusCallback?: string;
  readonly statusCallbackEvent: readonly CallProgressEvent[];
  readonly statusCallbackMethod: HttpMethod;
}

/** `<Sip>`: a `sip:`/`sips:` URI (one written without a scheme is given `sip:`). */
export interface SipNoun extends NodeInfo {
  readonly kind: 'Sip';
  readonly uri: string;
  readonly username?: string;
  readonly password?: string;
  readonly url?: string;
  readonly method: HttpMethod;
  readonly statusCallback?: string;
  readonly statusCallbackEvent: readonly CallProgressEvent[];
  readonly statusCallbackMethod: HttpMethod;
}

/** `<User>` (Kazoo Pivot): every device of a user id. */
export interface UserNoun extends NodeInfo {
  readonly kind: 'User';
  readonly id: string;
}

/** `<Device>` (Kazoo Pivot): one device id. */
export interface DeviceNoun extends NodeInfo {
  readonly kind: 'Device';
  readonly id: string;
}

/** Conference status callback events. */
export type ConferenceEvent = 'start' | 'end' | 'join' | 'leave' | 'mute' | 'hold' | 'modify' | 'speaker' | 'announcement';

/** `<Conference>`: the body is the room name. */
export interface ConferenceNoun extends NodeInfo {
  readonly kind: 'Conference';
  readonly name: string;
  readonly muted: boolean;
  readonly beep: 'true' | 'false' | 'onEnter' | 'onExit';
  readonly startConferenceOnEnter: boolean;
  readonly endConferenceOnExit: boolean;
  /** Hold TwiML or audio; `''` means silence, absent means the default hold music. */
  readonly waitUrl?: string;
  readonly waitMethod: HttpMethod;
  readonly maxParticipants: number;
  readonly record: 'do-not-record' | 'record-from-start';
  readonly trim: TrimMode;
  readonly statusCallback?: string;
  readonly statusCallbackEvent: readonly ConferenceEvent[];
  readonly statusCallbackMethod: HttpMethod;
  readonly recordingStatusCallback?: string;
  readonly recordingStatusCallbackMethod: HttpMethod;
  readonly recordingStatusCallbackEvent: readonly RecordingEvent[];
}

/** `<Queue>` inside `<Dial>`: dequeue the first caller of the named queue. */
export interface QueueNoun extends NodeInfo {
  readonly kind: 'Queue';
  readonly name: string;
  readonly url?: string;
  readonly method: HttpMethod;
}

/** Nouns that ring together: up to ten of them, in any mix. */
export type RingNoun = NumberNoun | SipNoun | UserNoun | DeviceNoun;

/** Any noun of `<Dial>`. */
export type DialNoun = RingNoun | ConferenceNoun | QueueNoun;

/**
 * `<Dial>`: `nouns` is either one or more {@link RingNoun}s (at most ten), or exactly one `Conference`, or exactly
 * one `Queue`.
 */
export interface DialVerb extends NodeInfo {
  readonly kind: 'Dial';
  readonly action?: string;
  readonly method: HttpMethod;
  readonly timeout: number;
  readonly timeLimit: number;
  readonly callerId?: string;
  readonly hangupOnStar: boolean;
  readonly record: DialRecord;
  readonly trim: TrimMode;
  readonly ringTone?: string;
  readonly answerOnBridge: boolean;
  readonly recordingStatusCallback?: string;
  readonly recordingStatusCallbackMethod: HttpMethod;
  readonly recordingStatusCallbackEvent: readonly RecordingEvent[];
  readonly nouns: readonly DialNoun[];
}

/** `<Variable key value/>` (Kazoo Pivot): a value sent as a parameter on every later request. */
export interface VariableNoun extends NodeInfo {
  readonly kind: 'Variable';
  readonly key: string;
  readonly value: string;
}

/**
 * `<Redirect>`: fetch another document; nested Variables (Kazoo Pivot) are stored first. An empty `url` is a
 * relative reference to the current document (RFC 3986), which is requested again.
 */
export interface RedirectVerb extends NodeInfo {
  readonly kind: 'Redirect';
  readonly url: string;
  readonly method: HttpMethod;
  readonly variables: readonly VariableNoun[];
}

/** `<Hangup>`. */
export interface HangupVerb extends NodeInfo {
  readonly kind: 'Hangup';
}

/** `<Reject>`: refuse the call without answering. */
export interface RejectVerb extends NodeInfo {
  readonly kind: 'Reject';
  readonly reason: 'rejected' | 'busy';
}

/** `<Set>` (Kazoo Pivot): store one or more variables. */
export interface SetVerb extends NodeInfo {
  readonly kind: 'Set';
  readonly variables: readonly VariableNoun[];
}

/** `<Enqueue>`: put the caller in the named queue. */
export interface EnqueueVerb extends NodeInfo {
  readonly kind: 'Enqueue';
  readonly name: string;
  readonly action?: string;
  readonly method: HttpMethod;
  readonly waitUrl?: string;
  readonly waitUrlMethod: HttpMethod;
}

/** `<Leave>`: take the caller out of its queue. */
export interface LeaveVerb extends NodeInfo {
  readonly kind: 'Leave';
}

/** Twilio verbs that are skipped but kept in place, because skipping them changes where the call goes. */
export type SkippedVerbName = 'Pay' | 'Refer' | 'Connect';

/**
 * A `<Pay>`, `<Refer>` or `<Connect>`: not carried out by this server. Only its `action` and `method` are read;
 * everything else it holds is ignored. What the engine does in its place is decided per verb.
 */
export interface SkippedVerb<K extends SkippedVerbName = SkippedVerbName> extends NodeInfo {
  readonly kind: K;
  readonly action?: string;
  readonly method: HttpMethod;
}

/** Every top-level verb. */
export type Verb =
  | SayVerb
  | PlayVerb
  | PauseVerb
  | GatherVerb
  | RecordVerb
  | DialVerb
  | RedirectVerb
  | HangupVerb
  | RejectVerb
  | SetVerb
  | EnqueueVerb
  | LeaveVerb
  | SkippedVerb<'Pay'>
  | SkippedVerb<'Refer'>
  | SkippedVerb<'Connect'>;

/** A validated document: its URL (the base for relative URLs), its verbs in order, and its warnings. */
export interface TwimlDocument {
  readonly source: URL;
  readonly verbs: readonly Verb[];
  readonly warnings: readonly TwimlProblem[];
}
