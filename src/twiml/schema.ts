/**
 * The TwiML schema as data: for each element, its attributes (type, default, range or values), the attributes
 * that are accepted but not acted on, whether it holds text, and which elements it may contain.
 */
import type { DialRecord } from './ast.js';
import {
  boolean,
  integer,
  keys,
  listOf,
  method,
  oneOf,
  optionalInteger,
  optionalText,
  url,
  verbatim,
  type AttrSpec,
  type AttrSpecs,
} from './attributes.js';

/** Verbs allowed directly in `<Response>`. */
export const VERB_NAMES = [
  'Say',
  'Play',
  'Pause',
  'Gather',
  'Record',
  'Dial',
  'Redirect',
  'Hangup',
  'Reject',
  'Set',
  'Enqueue',
  'Leave',
] as const;

/** Nouns, allowed only inside a verb. */
export const NOUN_NAMES = ['Number', 'Sip', 'User', 'Device', 'Conference', 'Queue', 'Variable'] as const;

/** Every element name the schema knows. */
export type ElementName = 'Response' | (typeof VERB_NAMES)[number] | (typeof NOUN_NAMES)[number];

/** SSML elements Twilio allows inside `<Say>`; only their text is kept. */
export const SSML_NAMES: ReadonlySet<string> = new Set([
  'break', 'emphasis', 'lang', 'p', 's', 'phoneme', 'prosody', 'say-as', 'sub', 'w', 'amazon:effect', 'amazon:domain',
]);

/**
 * Verbs and nouns of Twilio's TwiML that this server does not run. A document that uses them still runs: each one
 * is skipped with an `ERR_TWIML_SKIPPED` warning (an error in strict checking), with everything it contains. Any
 * other unknown name is not TwiML at all and stays an error (`ERR_TWIML_UNKNOWN_VERB`, Twilio 12200).
 */
export const UNSUPPORTED_TWILIO_NAMES: ReadonlySet<string> = new Set([
  // verbs
  'Start', 'Stop', 'Connect', 'Pay', 'Refer', 'Echo', 'Sms', 'Message',
  // nouns of Dial
  'Client', 'Sim', 'Application', 'WhatsApp',
  // nouns of Start, Stop and Connect
  'Stream', 'Siprec', 'Transcription', 'Recording', 'Room', 'Conversation', 'ConversationRelay', 'VirtualAgent',
  'Assistant', 'AiSession', 'Autopilot',
  // what those nouns, Pay and Enqueue contain
  'Prompt', 'Parameter', 'Task', 'Identity', 'ApplicationSid', 'Uri', 'Headers', 'Header', 'Language',
]);

/**
 * Skipped verbs whose skipping changes where the call goes: they are kept in the document (with their `action`
 * and `method`) so that the engine can decide what happens in their place.
 */
export const SKIPPED_VERB_NAMES = ['Pay', 'Refer', 'Connect'] as const;

/** The rules for one element. */
export interface ElementSchema<S extends AttrSpecs = AttrSpecs> {
  readonly attributes: S;
  /** Attributes Twilio or Kazoo Pivot define that are accepted and ignored, with a warning. */
  readonly unsupported: readonly string[];
  readonly text: 'none' | 'allowed';
  readonly children: readonly ElementName[];
  /** Elements of the schema that are out of place here but skipped with a warning rather than refused. */
  readonly skipped?: readonly ElementName[];
}

const KEYS_ONE = /^[0-9#*]?$/;
const KEYS_ANY = /^[0-9#*]*$/;
const DTMF_WITH_PAUSES = /^[0-9#*w]+$/;
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/;
const RECORDING_EVENTS = ['in-progress', 'completed', 'absent'] as const;
const PROGRESS_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;
const CONFERENCE_EVENTS = ['start', 'end', 'join', 'leave', 'mute', 'hold', 'modify', 'speaker', 'announcement'] as const;
const TRIM = ['trim-silence', 'do-not-trim'] as const;
const DIAL_RECORD = [
  'do-not-record',
  'record-from-answer',
  'record-from-ringing',
  'record-from-answer-dual',
  'record-from-ringing-dual',
] as const;
const AMD = [
  'machineDetection', 'machineDetectionTimeout', 'machineDetectionSpeechThreshold',
  'machineDetectionSpeechEndThreshold', 'machineDetectionSilenceTimeout', 'amdStatusCallback',
  'amdStatusCallbackMethod', 'byoc',
];

/** `<Dial record>`: Twilio's values plus the legacy `true` (record from answer) and `false`. */
function dialRecord(): AttrSpec<DialRecord> {
  const inner = oneOf([...DIAL_RECORD, 'true', 'false'], 'do-not-record');
  return {
    absent: 'do-not-record',
    parse(raw, base) {
      const r = inner.parse(raw, base);
      if (!r.ok) return r;
      const value = r.value === 'true' ? 'record-from-answer' : r.value === 'false' ? 'do-not-record' : r.value;
      return { ok: true, value };
    },
  };
}

const recordingCallbacks = {
  recordingStatusCallback: url(),
  recordingStatusCallbackMethod: method(),
  recordingStatusCallbackEvent: listOf(RECORDING_EVENTS, ['completed']),
};

const legCallbacks = {
  url: url(),
  method: method(),
  statusCallback: url(),
  statusCallbackEvent: listOf(PROGRESS_EVENTS, ['completed']),
  statusCallbackMethod: method(),
};

const none = { attributes: {}, unsupported: [], text: 'none', children: [] } as const;

/** The schema of every element. */
export const SCHEMA = {
  Response: { ...none, children: VERB_NAMES, skipped: ['Queue'] },
  Say: {
    attributes: { voice: optionalText(), language: optionalText(LANGUAGE_TAG, 'a language tag such as en-US'), loop: integer({ default: 1, min: 0 }) },
    unsupported: ['engine', 'terminators'],
    text: 'allowed',
    children: [],
  },
  Play: {
    attributes: { loop: integer({ default: 1, min: 0 }), digits: optionalText(DTMF_WITH_PAUSES, 'digits 0-9, *, # or w') },
    unsupported: ['terminators'],
    text: 'allowed',
    children: [],
  },
  Pause: { ...none, attributes: { length: integer({ default: 1, min: 0 }) } },
  Gather: {
    attributes: {
      action: url(),
      method: method(),
      timeout: integer({ default: 5, min: 1 }),
      finishOnKey: keys(KEYS_ONE, '#', 'one of 0-9, # or *, or empty'),
      numDigits: optionalInteger({ min: 1 }),
      actionOnEmptyResult: boolean(false),
      input: listOf(['dtmf', 'speech'], ['dtmf']),
      bargeIn: boolean(true),
    },
    unsupported: [
      'speechTimeout', 'maxSpeechTime', 'language', 'hints', 'speechModel', 'enhanced', 'profanityFilter',
      'partialResultCallback', 'partialResultCallbackMethod', 'debug',
    ],
    text: 'none',
    children: ['Say', 'Play', 'Pause'],
  },
  Record: {
    attributes: {
      action: url(),
      method: method(),
      timeout: integer({ default: 5, min: 0 }),
      finishOnKey: keys(KEYS_ANY, '1234567890*#', 'keys among 0-9, # and *'),
      maxLength: integer({ default: 3600, min: 1 }),
      playBeep: boolean(true),
      trim: oneOf(TRIM, 'trim-silence'),
      ...recordingCallbacks,
      recordingUrl: url(),
    },
    unsupported: ['transcribe', 'transcribeCallback', 'recordingConfigurationId', 'recordStoreMethod'],
    text: 'none',
    children: [],
  },
  Dial: {
    attributes: {
      action: url(),
      method: method(),
      timeout: integer({ default: 30, min: 1, max: 600 }),
      timeLimit: integer({ default: 14400, min: 1, max: 86400 }),
      callerId: optionalText(),
      hangupOnStar: boolean(false),
      record: dialRecord(),
      trim: oneOf(TRIM, 'do-not-trim'),
      ringTone: optionalText(),
      answerOnBridge: boolean(false),
      ...recordingCallbacks,
    },
    unsupported: [
      'sequential', 'callReason', 'recordingTrack', 'events', 'referUrl', 'referMethod', 'recordingConfigurationId',
      'hangupOn', 'collect_dtmf', 'continueOnFail', 'strategy',
    ],
    text: 'allowed',
    children: ['Number', 'Sip', 'User', 'Device', 'Conference', 'Queue'],
  },
  Redirect: { ...none, attributes: { method: method() }, text: 'allowed', children: ['Variable'] },
  Hangup: none,
  Reject: { ...none, attributes: { reason: oneOf(['rejected', 'busy'], 'rejected') }, unsupported: ['prompt'] },
  Set: { ...none, children: ['Variable'] },
  Enqueue: {
    attributes: { action: url(), method: method(), waitUrl: url(), waitUrlMethod: method() },
    unsupported: ['workflowSid', 'maxQueueSize'],
    text: 'allowed',
    children: [],
  },
  Leave: none,
  Number: {
    attributes: { sendDigits: optionalText(DTMF_WITH_PAUSES, 'digits 0-9, *, # or w'), ...legCallbacks },
    unsupported: AMD,
    text: 'allowed',
    children: [],
  },
  Sip: {
    attributes: { username: optionalText(), password: optionalText(), ...legCallbacks },
    unsupported: AMD,
    text: 'allowed',
    children: [],
  },
  User: { ...none, text: 'allowed' },
  Device: { ...none, text: 'allowed' },
  Conference: {
    attributes: {
      muted: boolean(false),
      beep: oneOf(['true', 'false', 'onEnter', 'onExit'], 'true'),
      startConferenceOnEnter: boolean(true),
      endConferenceOnExit: boolean(false),
      waitUrl: url({ keepEmpty: true }),
      waitMethod: method(),
      maxParticipants: integer({ default: 250, min: 2, max: 250 }),
      record: oneOf(['do-not-record', 'record-from-start'], 'do-not-record'),
      trim: oneOf(TRIM, 'trim-silence'),
      statusCallback: url(),
      statusCallbackEvent: listOf(CONFERENCE_EVENTS, []),
      statusCallbackMethod: method(),
      ...recordingCallbacks,
    },
    unsupported: ['region', 'coach', 'jitterBufferSize', 'participantLabel', 'eventCallbackUrl', 'deaf'],
    text: 'allowed',
    children: [],
  },
  Queue: {
    attributes: { url: url(), method: method() },
    unsupported: ['reservationSid', 'postWorkActivitySid'],
    text: 'allowed',
    children: [],
  },
  Variable: { ...none, attributes: { key: optionalText(), value: verbatim('') } },
} as const satisfies { readonly [K in ElementName]: ElementSchema };

/** Whether a name is an element of the schema. */
export function isElementName(name: string): name is ElementName {
  return Object.hasOwn(SCHEMA, name);
}
