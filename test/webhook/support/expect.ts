import type { ErrorCode } from '../../../src/errors.js';
import { WebhookError } from '../../../src/webhook/index.js';

/** A predicate for `assert.rejects`: a WebhookError with this code (and status, when given). */
export function webhookError(code: ErrorCode, twilio?: number, status?: number): (err: unknown) => boolean {
  return (err: unknown) => {
    if (!(err instanceof WebhookError)) throw err;
    if (err.code !== code) throw err;
    if (twilio !== undefined && err.twilioCode !== twilio) throw err;
    if (status !== undefined && err.status !== status) throw err;
    return true;
  };
}
