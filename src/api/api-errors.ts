/**
 * Twilio's error shape for every failed Calls API request: `{"code","message","more_info","status"}`. The code and
 * the HTTP status come from the catalogue (src/errors.ts): an AppError with Twilio's number answers with it; one
 * with a number but no HTTP status is a request the server refused (400); anything else is a fault of this server
 * (500, Twilio's 20500), whose details stay in the log.
 */
import { type AppError, toAppError } from '../errors.js';

/** The JSON body of a Twilio REST error. */
export interface TwilioErrorBody {
  readonly code: number;
  readonly message: string;
  readonly more_info: string;
  readonly status: number;
}

/** Twilio's number for an internal server error. */
const TWILIO_INTERNAL = 20500;

/** What a failed request answers: the HTTP status, Twilio's body, and the AppError behind it (for the log). */
export interface ErrorReply {
  readonly status: number;
  readonly body: TwilioErrorBody;
  readonly error: AppError;
}

/** The reply to a request that failed with `thrown`. */
export function errorReply(thrown: unknown): ErrorReply {
  const error = toAppError(thrown);
  const status = error.httpStatus ?? (error.twilioCode === undefined ? 500 : 400);
  const code = error.twilioCode ?? (status >= 500 ? TWILIO_INTERNAL : status);
  const message = status >= 500 ? 'Internal Server Error' : error.message;
  return { status, error, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}
