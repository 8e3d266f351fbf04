/** What every command of the `pivot-esl` executable shares: its output streams, its errors and exit codes. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError, type ErrorCode } from '../errors.js';

/** Exit codes of the executable. */
export const EXIT = {
  /** Done; for `check`, the document is valid. */
  OK: 0,
  /** The command ran and failed: an invalid document, a file or URL that could not be read, a bad configuration. */
  FAILED: 1,
  /** Bad arguments. */
  USAGE: 2,
} as const;

/** Where a command writes. */
export interface CliIo {
  /** A line of normal output (stdout). */
  out(line: string): void;
  /** A line of diagnostics (stderr). */
  err(line: string): void;
  /** The environment the configuration is read from. */
  readonly env: NodeJS.ProcessEnv;
  /** Reads the whole of standard input as UTF-8 text (absent where there is none to read). */
  readonly readStdin?: () => Promise<string>;
}

/** Codes of the errors the executable itself reports (the server's own codes are used as they are). */
export type CliErrorCode = Extract<ErrorCode, `ERR_CLI_${string}`>;

/** A failure of the command line itself: bad arguments (exit 2) or an input that cannot be read (exit 1). */
export class CliError extends AppError {
  declare readonly code: CliErrorCode;
  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'CliError';
  }

  /** The exit code this error ends the command with. */
  get exitCode(): number {
    return this.code === 'ERR_CLI_USAGE' ? EXIT.USAGE : EXIT.FAILED;
  }
}

/** A usage error: the message says what is wrong with the arguments. */
export function usageError(message: string): CliError {
  return new CliError('ERR_CLI_USAGE', message);
}

/** An error of the server's own (an AppError): its code, and Twilio's number when it has one. */
export interface CodedError {
  /** A catalogue code; a string, as the codes `simulate` reports are read back from log lines. */
  readonly code: string;
  readonly message: string;
  readonly twilioCode?: number | undefined;
}

/**
 * Reports `error` on stderr as `pivot-esl <command>: error <code> (Twilio <n>): <message>` and returns its exit
 * code (2 for usage errors, 1 otherwise).
 */
export function reportError(io: CliIo, command: string, error: CliError | CodedError): number {
  const twilio = 'twilioCode' in error && error.twilioCode !== undefined ? ` (Twilio ${error.twilioCode})` : '';
  io.err(`pivot-esl ${command}: error ${error.code}${twilio}: ${error.message}`);
  if (error instanceof CliError && error.code === 'ERR_CLI_USAGE') {
    io.err(`Run 'pivot-esl ${command} --help' for usage.`);
    return EXIT.USAGE;
  }
  return error instanceof CliError ? error.exitCode : EXIT.FAILED;
}

type Parsed<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/** `util.parseArgs` (strict unless `config` says otherwise), with its errors turned into usage errors. */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): Parsed<T> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw usageError(err instanceof Error ? err.message : String(err));
  }
}

/** A whole number from `min` up, or a usage error naming the option. */
export function wholeNumber(name: string, text: string, min = 0): number {
  if (!/^\d+$/.test(text.trim())) throw usageError(`${name} must be a whole number, not "${text}"`);
  const value = Number.parseInt(text, 10);
  if (value < min) throw usageError(`${name} must be at least ${min}`);
  return value;
}

/** One of `choices` (case-insensitive), or a usage error naming the option. */
export function oneOf<C extends string>(name: string, text: string, choices: readonly C[]): C {
  const found = choices.find((c) => c.toLowerCase() === text.trim().toLowerCase());
  if (found === undefined) throw usageError(`${name} must be ${choices.join(' or ')}, not "${text}"`);
  return found;
}
