/**
 * Turns what undici, `net`, `tls` or the resolver throw into a {@link WebhookError}, by error code only.
 */
import { errors as undiciErrors } from 'undici';
import { AppError } from '../errors.js';
import { WebhookError, type WebhookErrorCode } from './webhook-error.js';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA', 'ENODATA', 'ESERVFAIL']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE', 'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'HOSTNAME_MISMATCH',
]);

/** The `code` of an error, looking inside an AggregateError (several addresses tried) when it has none itself. */
function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  if (err instanceof AggregateError) return codeOf(err.errors[0]);
  return undefined;
}

function codeFor(raw: string | undefined): WebhookErrorCode {
  if (raw === undefined) return 'ERR_WEBHOOK_NETWORK';
  if (raw === 'UND_ERR_CONNECT_TIMEOUT') return 'ERR_WEBHOOK_CONNECT_TIMEOUT';
  if (TIMEOUT_CODES.has(raw)) return 'ERR_WEBHOOK_TIMEOUT';
  if (raw === 'UND_ERR_RESPONSE_EXCEEDED_MAX_SIZE') return 'ERR_WEBHOOK_BODY_TOO_LARGE';
  if (DNS_CODES.has(raw)) return 'ERR_WEBHOOK_DNS';
  if (raw.startsWith('HPE_') || raw === 'UND_ERR_INFO' || raw === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
    return 'ERR_WEBHOOK_PROTOCOL';
  }
  if (raw === 'UND_ERR_INVALID_ARG' || raw === 'ERR_INVALID_URL') return 'ERR_WEBHOOK_BAD_URL';
  if (TLS_CODES.has(raw) || raw.startsWith('ERR_TLS_') || raw.startsWith('ERR_SSL_') || raw.startsWith('ERR_OSSL_')) {
    return 'ERR_WEBHOOK_TLS';
  }
  return 'ERR_WEBHOOK_NETWORK';
}

/**
 * Classifies `err`, raised while requesting `url`. A {@link WebhookError} is returned as it is; a denied address
 * keeps its code; any other {@link AppError} (such as the call's abort reason) is returned unchanged, since it is
 * not a webhook failure.
 */
export function classifyError(err: unknown, url: string): AppError {
  if (err instanceof WebhookError) return err;
  if (err instanceof AppError) {
    return err.code === 'ERR_WEBHOOK_BLOCKED_ADDRESS'
      ? new WebhookError('ERR_WEBHOOK_BLOCKED_ADDRESS', url, { message: err.message, cause: err })
      : err;
  }
  const message = err instanceof Error ? err.message : String(err);
  // undici's parser errors do not always carry a code.
  const code = err instanceof undiciErrors.HTTPParserError ? 'ERR_WEBHOOK_PROTOCOL' : codeFor(codeOf(err));
  return new WebhookError(code, url, { message, cause: err });
}
