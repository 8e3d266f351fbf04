/**
 * Twilio's error shape for every failed Calls API request: `{"code","message","more_info","status"}`. The code and
 * the HTTP status come from the catalogue (src/errors.ts): an AppError with Twilio's number answers with it and its
 * message (a 5xx too: the server of the cluster that runs a call cannot be reached, 20503, said as such); one with
 * a number but no HTTP status is a request the server refused (400). Anything else is a fault or an outage of this
 * server, whose details stay in the log: 503 (the cluster's Redis is down, the server stops) is Twilio's 20503
 * `Service Unavailable`, any other 500, Twilio's 20500 `Internal Server Error`.
 */
import { type AppError, toAppError } from '../errors.js';

/** The JSON body of a Twilio REST error. */
export interface TwilioErrorBody {
  readonly code: number;
  readonly message: string;
  readonly more_info: string;
  readonly status: number;
}

/** Twilio's numbers and words for a failure of the server, by HTTP status (anything else: an internal error). */
const TWILIO_INTERNAL = { code: 20500, message: 'Internal Server Error' };
const TWILIO_FAULTS: Readonly<Record<number, { code: number; message: string }>> = {
  503: { code: 20503, message: 'Service Unavailable' },
};

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
  const fault = status >= 500 && error.twilioCode === undefined
    ? TWILIO_FAULTS[status] ?? TWILIO_INTERNAL : undefined;
  const code = error.twilioCode ?? fault?.code ?? status;
  const message = fault?.message ?? error.message;
  return { status, error, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}
