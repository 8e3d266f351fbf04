import { AppError, ERROR_CATALOGUE, type ErrorCode } from '../errors.js';

/** The catalogue codes that belong to the TwiML layer. */
export type TwimlCode = Extract<ErrorCode, `ERR_TWIML_${string}`>;

/**
 * One finding about a TwiML document. Errors make the document unusable; warnings (unknown attributes,
 * features accepted but not carried out) leave it runnable.
 */
export interface TwimlProblem {
  readonly severity: 'error' | 'warning';
  readonly code: TwimlCode;
  /** Twilio's number for the same finding, when Twilio has one (12100, 12200, 12300). */
  readonly twilioCode: number | undefined;
  readonly message: string;
  /** 1-based line of the offending element, when known. */
  readonly line: number | undefined;
  /** 1-based column of the offending element, when known. */
  readonly column: number | undefined;
  /** Name of the offending element, when the finding is about one. */
  readonly element: string | undefined;
}

/** Where a problem sits in the document. */
export interface ProblemLocation {
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  readonly element?: string | undefined;
}

/** Builds a problem record, filling in the Twilio number from the catalogue. */
export function makeProblem(
  severity: TwimlProblem['severity'],
  code: TwimlCode,
  message: string,
  where: ProblemLocation = {},
): TwimlProblem {
  return {
    severity,
    code,
    twilioCode: twilioNumber(code),
    message,
    line: where.line,
    column: where.column,
    element: where.element,
  };
}

function twilioNumber(code: TwimlCode): number | undefined {
  const entry: { readonly twilio?: number; readonly text: string } = ERROR_CATALOGUE[code];
  return entry.twilio;
}

function describe(message: string, where: ProblemLocation): string {
  if (where.line === undefined) return message;
  return where.column === undefined
    ? `${message} (line ${where.line})`
    : `${message} (line ${where.line}, column ${where.column})`;
}

/**
 * A TwiML document was refused: not well-formed, over a limit, or not valid TwiML. `code` says which rule,
 * `twilioCode` gives Twilio's number, and `line`/`column` point at the offending element when known.
 * `problems` lists every finding of the same check, warnings included.
 */
export class TwimlError extends AppError {
  declare readonly code: TwimlCode;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly element: string | undefined;
  readonly problems: readonly TwimlProblem[];

  constructor(
    code: TwimlCode,
    message: string,
    where: ProblemLocation & { readonly problems?: readonly TwimlProblem[]; readonly cause?: unknown } = {},
  ) {
    super(code, describe(message, where), where.cause === undefined ? undefined : { cause: where.cause });
    this.name = 'TwimlError';
    this.line = where.line;
    this.column = where.column;
    this.element = where.element;
    this.problems = where.problems ?? [makeProblem('error', code, message, where)];
  }

  /** The error for one problem of a check, carrying the whole list. */
  static fromProblem(problem: TwimlProblem, problems: readonly TwimlProblem[] = [problem]): TwimlError {
    return new TwimlError(problem.code, problem.message, {
      line: problem.line,
      column: problem.column,
      element: problem.element,
      problems,
    });
  }
}
