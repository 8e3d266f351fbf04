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
  ERR_CALL_HANGUP: { level: 'info', text: 'the call was hung up' },
  ERR_ABORTED: { level: 'debug', text: 'the operation was cancelled by its caller' },
  ERR_SHUTDOWN: { level: 'warn', text: 'the server is shutting down' },
  ERR_NO_CALL_HANDLER: { level: 'error', text: 'no call handler is configured' },
  ERR_INTERNAL: { level: 'error', text: 'an unexpected internal error' },
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

/** The reason a call's signal fires: hangup, disconnect or shutdown. Carries the hangup cause when known. */
export class CallEndedError extends AppError {
  readonly hangupCause: string | undefined;
  constructor(code: 'ERR_CALL_HANGUP' | 'ERR_ESL_DISCONNECTED' | 'ERR_SHUTDOWN', hangupCause?: string, message?: string) {
    super(code, message ?? (hangupCause ? `${ERROR_CATALOGUE[code].text} (${hangupCause})` : undefined));
    this.name = 'CallEndedError';
    this.hangupCause = hangupCause;
  }
}

/** A configuration value failed validation; the message names the key. */
export class ConfigError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CONFIG_INVALID', message, options);
    this.name = 'ConfigError';
  }
}

/** Wraps anything thrown into an AppError, keeping AppErrors as they are. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('ERR_INTERNAL', err instanceof Error ? err.message : String(err), { cause: err });
}
