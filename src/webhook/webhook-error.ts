import { AppError, type ErrorCode } from '../errors.js';

/** The error codes a webhook request can fail with. */
export type WebhookErrorCode = Extract<ErrorCode, `ERR_WEBHOOK_${string}`>;

/** Data a {@link WebhookError} carries besides its code. */
export interface WebhookErrorDetails {
  /** The HTTP status of the reply, when the server answered. */
  readonly status?: number;
  readonly message?: string;
  readonly cause?: unknown;
}

/**
 * A webhook request failed: the server could not be reached, answered badly, or too slowly. `url` is the URL that
 * was requested, without credentials; `status` is set when a reply arrived. The Twilio number is `twilioCode`.
 */
export class WebhookError extends AppError {
  override readonly code: WebhookErrorCode;
  readonly url: string;
  readonly status: number | undefined;

  constructor(code: WebhookErrorCode, url: string, details: WebhookErrorDetails = {}) {
    super(code, details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'WebhookError';
    this.code = code;
    this.url = url;
    this.status = details.status;
  }
}

/**
 * Raised in the connect path when a host name resolves to (or is) an address on the deny list. It has no URL, since
 * the connector sees only the host; the client turns it into a {@link WebhookError} with the same code.
 */
export class DeniedAddressError extends AppError {
  override readonly code = 'ERR_WEBHOOK_BLOCKED_ADDRESS';
  readonly host: string;
  readonly address: string;

  constructor(host: string, address: string) {
    super('ERR_WEBHOOK_BLOCKED_ADDRESS', `connecting to ${host} (${address}) is not allowed`);
    this.name = 'DeniedAddressError';
    this.host = host;
    this.address = address;
  }
}
