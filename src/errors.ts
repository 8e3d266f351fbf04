/**
 * The error catalogue: every error the server raises has a stable code listed here, with the log level it is
 * reported at, and the Twilio error number where Twilio documents an equivalent. Code branches on `code`, never on
 * the message.
 */
interface CatalogueEntry {
  readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug';
  /** Twilio's error number for the same failure, where Twilio documents one. */
  readonly twilio?: number;
  readonly text: string;
}

export const ERROR_CATALOGUE = {
  ERR_CONFIG_INVALID: { level: 'fatal', text: 'a configuration value is invalid' },
  ERR_ESL_SOURCE_DENIED: { level: 'warn', text: 'a connection came from an address that is not an allowed FreeSWITCH' },
  ERR_ESL_PROTOCOL: { level: 'error', text: 'the Event Socket peer sent something that is not valid Event Socket' },
  ERR_ESL_FRAME_TOO_LARGE: { level: 'error', text: 'an Event Socket frame exceeded the size limit' },
  ERR_ESL_TIMEOUT: { level: 'error', text: 'FreeSWITCH did not answer a command in time' },
  ERR_ESL_COMMAND_FAILED: { level: 'error', text: 'FreeSWITCH refused a command' },
  ERR_ESL_DISCONNECTED: { level: 'warn', text: 'the Event Socket connection closed' },
  ERR_ESL_CONNECT: { level: 'warn', text: 'the inbound Event Socket connection to FreeSWITCH could not be opened' },
  ERR_ESL_AUTH_FAILED: { level: 'error', text: 'FreeSWITCH refused the Event Socket password' },
  ERR_PARK_TRANSFER_FAILED: { level: 'warn', text: 'a parked call could not be transferred to the outbound socket' },
  ERR_CONFIG_RELOAD: { level: 'error', text: 'the configuration could not be reloaded; the running configuration is kept' },
  ERR_ADMIN_LISTEN: { level: 'error', text: 'the admin HTTP server could not listen' },
  ERR_CALL_HANGUP: { level: 'info', text: 'the call was hung up' },
  ERR_CALL_INTERRUPTED: { level: 'info', text: 'the running document was interrupted from outside the call' },
  ERR_ABORTED: { level: 'debug', text: 'the operation was cancelled by its caller' },
  ERR_SHUTDOWN: { level: 'warn', text: 'the server is shutting down' },
  ERR_NO_CALL_HANDLER: { level: 'error', text: 'no call handler is configured' },
  ERR_INTERNAL: { level: 'error', text: 'an unexpected internal error' },
  ERR_TWIML_PARSE: { level: 'warn', twilio: 12100, text: 'the TwiML document is not well-formed XML or its root is not <Response>' },
  ERR_TWIML_DOCTYPE: { level: 'warn', twilio: 12100, text: 'the TwiML document declares a DOCTYPE or entities, which are refused' },
  ERR_TWIML_TOO_LARGE: { level: 'warn', text: 'the TwiML document exceeds the size limit' },
  ERR_TWIML_TOO_DEEP: { level: 'warn', text: 'the TwiML document nests elements deeper than the limit' },
  ERR_TWIML_TOO_MANY_ELEMENTS: { level: 'warn', text: 'the TwiML document has more elements than the limit' },
  ERR_TWIML_SCHEMA: { level: 'warn', twilio: 12200, text: 'the TwiML document breaks a TwiML schema rule' },
  ERR_TWIML_UNKNOWN_VERB: { level: 'warn', twilio: 12200, text: 'an element is not a TwiML verb or noun this server knows' },
  ERR_TWIML_INVALID_NESTING: { level: 'warn', twilio: 12200, text: 'an element or text appears where TwiML does not allow it' },
  ERR_TWIML_INVALID_ATTRIBUTE: { level: 'warn', twilio: 12200, text: 'an attribute has a value TwiML does not allow' },
  ERR_TWIML_INVALID_TEXT: { level: 'warn', twilio: 12200, text: 'the text content of an element is not valid for it' },
  ERR_TWIML_MISSING_VALUE: { level: 'warn', twilio: 12200, text: 'a required text or attribute is missing or empty' },
  ERR_TWIML_INVALID_URL: { level: 'warn', twilio: 12200, text: 'a URL in the TwiML document is not a valid http(s) URL' },
  ERR_TWIML_UNKNOWN_ATTRIBUTE: { level: 'warn', twilio: 12200, text: 'an attribute is unknown and is ignored' },
  ERR_TWIML_UNSUPPORTED: { level: 'warn', text: 'a TwiML feature is accepted but not carried out by this server' },
  ERR_TWIML_SKIPPED: { level: 'warn', text: 'a Twilio TwiML verb or noun this server does not run is skipped; the rest of the document runs' },
  ERR_TWIML_KAZOO_MEDIA: { level: 'warn', text: 'a <Play> body is a Kazoo media id: it is played through call.kazooMediaUrl, or skipped when that is not set' },
  ERR_TWIML_NOT_APPLICABLE: { level: 'warn', text: 'an attribute has no effect with the noun it is used with (e.g. <Dial timeout> with <Conference>); it is ignored' },
  ERR_TWIML_CONTENT_TYPE: { level: 'warn', twilio: 12300, text: 'the response content type is not TwiML' },
  ERR_WEBHOOK_BAD_URL: { level: 'warn', twilio: 11200, text: 'a webhook URL is not a valid http(s) URL' },
  ERR_WEBHOOK_BLOCKED_ADDRESS: { level: 'warn', twilio: 11200, text: 'a webhook host resolves to an address on the deny list' },
  ERR_WEBHOOK_DNS: { level: 'warn', twilio: 11210, text: 'the webhook host name could not be resolved' },
  ERR_WEBHOOK_NETWORK: { level: 'warn', twilio: 11205, text: 'the connection to the webhook server failed or was reset' },
  ERR_WEBHOOK_CONNECT_TIMEOUT: { level: 'warn', twilio: 11205, text: 'the connection to the webhook server was not established in time' },
  ERR_WEBHOOK_TIMEOUT: { level: 'warn', twilio: 11200, text: 'the webhook server did not answer in time' },
  ERR_WEBHOOK_TLS: { level: 'warn', twilio: 11220, text: 'the TLS handshake with the webhook server failed' },
  ERR_WEBHOOK_PROTOCOL: { level: 'warn', twilio: 11206, text: 'the webhook server sent something that is not valid HTTP' },
  ERR_WEBHOOK_HTTP_STATUS: { level: 'warn', twilio: 11200, text: 'the webhook server answered with a status that is not a success' },
  ERR_WEBHOOK_TOO_MANY_REDIRECTS: { level: 'warn', twilio: 11215, text: 'the webhook server redirected too many times' },
  ERR_WEBHOOK_BODY_TOO_LARGE: { level: 'warn', twilio: 11750, text: 'the webhook response body exceeds the size limit' },
  ERR_WEBHOOK_EMPTY_BODY: { level: 'warn', twilio: 11200, text: 'the webhook response body is empty' },
  ERR_CALL_NO_URL: { level: 'error', text: 'no voice URL is configured for the call; it is rejected unanswered' },
  ERR_CALL_BAD_URL: { level: 'error', text: 'a voice or fallback URL given for the call is not a valid http(s) URL' },
  ERR_CALL_REDIRECT_LIMIT: { level: 'warn', text: 'the call made more document requests than the limit allows' },
  ERR_CALL_MEDIA_REFUSED: { level: 'warn', text: 'a media path is not an http(s) URL or an allowed FreeSWITCH path' },
  ERR_CALL_KAZOO_MEDIA: { level: 'warn', text: 'a Kazoo media id cannot be played (call.kazooMediaUrl is not set, or it needs an account id the call lacks); the audio is skipped' },
  ERR_CALL_MEDIA_DENIED: { level: 'warn', twilio: 11200, text: 'a media URL FreeSWITCH would fetch resolves to an address on the deny list; it is not played' },
  ERR_CALL_MEDIA_DNS: { level: 'warn', twilio: 11210, text: 'the host of a media URL FreeSWITCH would fetch could not be resolved; it is not played' },
  ERR_CALL_PLAY_FAILED: { level: 'warn', text: 'FreeSWITCH could not play a media file' },
  ERR_CALL_VOICE_UNMAPPED: { level: 'warn', text: 'a Say voice has no text-to-speech mapping; the default voice is used' },
  ERR_CALL_RECORDING_MISSING: { level: 'error', text: 'the file of a recording could not be read' },
  ERR_CALL_RECORDING_UPLOAD: { level: 'error', text: 'a recording could not be uploaded; the file is kept in the spool directory' },
  ERR_CONFERENCE_NAME: { level: 'warn', text: 'a conference room name is empty or too long; the Dial fails' },
  ERR_CONFERENCE_FULL: { level: 'info', text: 'a conference room already holds maxParticipants members; the Dial fails' },
  ERR_CONFERENCE_JOIN_FAILED: { level: 'warn', text: 'FreeSWITCH ended the conference application without adding the member' },
  ERR_CONFERENCE_CALLBACK: { level: 'warn', text: 'a conference status callback could not be delivered' },
  ERR_CONFERENCE_WAIT_URL: { level: 'warn', text: 'the conference waitUrl gave no audio; the configured hold music plays' },
  ERR_CONFERENCE_WAIT_VERB: { level: 'warn', text: 'a verb that a conference waitUrl document may not use was skipped' },
  ERR_CONFERENCE_WAIT_PLAY: { level: 'warn', text: 'FreeSWITCH did not play wait audio to a conference member' },
  ERR_CONFERENCE_PROFILE_MISSING: { level: 'warn', text: 'mod_conference has no profile of the configured name; rooms run with its built-in settings' },
  ERR_CONFERENCE_ALONE_PROMPT: { level: 'warn', text: 'the conference profile in use plays the "only person in this conference" prompt, which Twilio never plays' },
  ERR_CONFERENCE_LEAVE_FAILED: { level: 'warn', text: 'a member could not be taken out of its conference room at its timeLimit or on *' },
  ERR_QUEUE_NAME: { level: 'warn', text: 'a queue name is empty or longer than 64 characters' },
  ERR_QUEUE_FULL: { level: 'info', text: 'a queue already holds its maximum number of calls' },
  ERR_QUEUE_NOT_FOUND: { level: 'info', text: 'Dial to a queue that no call has ever entered' },
  ERR_QUEUE_WAIT_URL: { level: 'warn', text: 'a queue waitUrl document could not be fetched; the configured hold music plays' },
  ERR_QUEUE_WAIT_VERB: { level: 'warn', text: 'a verb that a queue waitUrl document may not use was skipped' },
  ERR_QUEUE_BRIDGE_FAILED: { level: 'warn', text: 'a dequeued call could not be connected to the call that took it' },
  ERR_DIAL_NUMBER_REFUSED: { level: 'warn', twilio: 13223, text: 'a Dial number holds characters other than digits and a leading +; it is not dialled' },
  ERR_DIAL_CALLER_ID_REFUSED: { level: 'warn', twilio: 13214, text: 'a Dial callerId is not a number or SIP user; the caller\'s own id is kept' },
  ERR_DIAL_ENDPOINT_REFUSED: { level: 'warn', text: 'a Dial SIP URI or id holds characters FreeSWITCH would interpret, or a SIP header or credential value cannot be carried intact (line break, control character, ${, \' quote, backslash, unbalanced brackets); it is not dialled' },
  ERR_DIAL_NO_ENDPOINT: { level: 'warn', text: 'a Dial has nothing left to ring; it is reported as failed' },
  ERR_CALL_ACCOUNT_LIMIT: { level: 'warn', text: 'the account has as many calls as its limit allows; the call is refused unanswered' },
  ERR_CALL_STATUS_CALLBACK: { level: 'warn', twilio: 15003, text: 'a status callback got no 2xx reply after its retries' },
  ERR_RECORDING_DELIVERY_FAILED: { level: 'error', text: 'a recording was not delivered within its attempts; it is kept in the failed/ directory' },
  ERR_RECORDING_QUEUE: { level: 'error', text: 'an entry of the recording delivery queue could not be read or written' },
  ERR_SPOOL_UNUSABLE: { level: 'fatal', text: 'the recording spool directory cannot be created or written by this server; it does not start' },
  ERR_SPOOL_PERMISSIONS: { level: 'warn', text: 'the recording spool directory keeps another mode or group than configured; FreeSWITCH may be unable to write it' },
  ERR_WEBHOOK_DEBUG_LOG: { level: 'warn', text: 'a per-call debug log could not be written' },
  ERR_DIAL_WHISPER_NO_SOCKET: { level: 'warn', text: 'a Dial noun has a whisper url but no socket address is known for its leg; it is not dialled' },
  ERR_DIAL_WHISPER_UNKNOWN: { level: 'warn', text: 'a whisper leg connected that this server did not dial; it is hung up' },
  ERR_DIAL_WHISPER_VERB: { level: 'warn', text: 'a verb that a whisper document may not use was skipped' },
  ERR_DIAL_LEG_CALLBACK: { level: 'warn', text: 'a Number or Sip statusCallback request failed' },
  ERR_DIAL_WHISPER_FAILED: { level: 'warn', text: 'a whisper document could not be fetched or run; the callee is not connected' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Base class of every error the server raises on purpose. */
export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERROR_CATALOGUE[code].text, options);
    this.code = code;
    this.name = 'AppError';
  }

  /** The Twilio error number for this code, when Twilio has one. */
  get twilioCode(): number | undefined {
    const entry: CatalogueEntry = ERROR_CATALOGUE[this.code];
    return entry.twilio;
  }
}

/** Errors of the Event Socket layer: protocol, timeouts, refused commands, lost connections. */
export class EslError extends AppError {
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'EslError';
  }
}

/**
 * The reason a call's signal fires: hangup, disconnect or shutdown. Carries the hangup cause when known.
 *
 * Every call ends with a few of these, so they are built without a stack trace: the end of a call is an event, not
 * a fault in the code, and capturing a stack is the dearest part of making an error.
 */
export class CallEndedError extends AppError {
  readonly hangupCause: string | undefined;
  constructor(code: 'ERR_CALL_HANGUP' | 'ERR_CALL_INTERRUPTED' | 'ERR_ESL_DISCONNECTED' | 'ERR_SHUTDOWN', hangupCause?: string,
    message?: string) {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(code, message ?? (hangupCause ? `${ERROR_CATALOGUE[code].text} (${hangupCause})` : undefined));
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'CallEndedError';
    this.hangupCause = hangupCause;
  }
}

/**
 * A configuration value failed validation, or the file could not be read. The message names the key, where its
 * value came from (environment variable or file) and the value, secrets redacted; `problems` lists them one by one.
 */
export class ConfigError extends AppError {
  readonly problems: readonly ConfigProblemSummary[];
  constructor(message: string, options?: { cause?: unknown; problems?: readonly ConfigProblemSummary[] }) {
    super('ERR_CONFIG_INVALID', message, options);
    this.name = 'ConfigError';
    this.problems = options?.problems ?? [];
  }
}

/** One invalid configuration value as a ConfigError lists it. */
export interface ConfigProblemSummary {
  /** Dotted key, e.g. `esl.port`. */
  readonly key: string;
  /** The environment variable the value came from, if it did. */
  readonly env?: string;
  /** The file the value came from, if it did. */
  readonly file?: string;
  /** `key: reason (source: value)`, secrets redacted. */
  readonly message: string;
}

/** Wraps anything thrown into an AppError, keeping AppErrors as they are. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('ERR_INTERNAL', err instanceof Error ? err.message : String(err), { cause: err });
}
