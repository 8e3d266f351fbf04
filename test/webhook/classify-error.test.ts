import assert from 'node:assert/strict';
import { AppError, CallEndedError } from '../../src/errors.js';
import { classifyError } from '../../src/webhook/classify-error.js';
import { DeniedAddressError, WebhookError } from '../../src/webhook/index.js';

function failure(code: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(code);
  err.code = code;
  return err;
}

describe('webhook error classification', () => {
  const table: Array<[string, string, number]> = [
    ['ECONNREFUSED', 'ERR_WEBHOOK_NETWORK', 11205],
    ['ECONNRESET', 'ERR_WEBHOOK_NETWORK', 11205],
    ['UND_ERR_SOCKET', 'ERR_WEBHOOK_NETWORK', 11205],
    ['UND_ERR_CONNECT_TIMEOUT', 'ERR_WEBHOOK_CONNECT_TIMEOUT', 11205],
    ['UND_ERR_HEADERS_TIMEOUT', 'ERR_WEBHOOK_TIMEOUT', 11200],
    ['UND_ERR_BODY_TIMEOUT', 'ERR_WEBHOOK_TIMEOUT', 11200],
    ['ENOTFOUND', 'ERR_WEBHOOK_DNS', 11210],
    ['EAI_AGAIN', 'ERR_WEBHOOK_DNS', 11210],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_WEBHOOK_TLS', 11220],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_WEBHOOK_TLS', 11220],
    ['CERT_HAS_EXPIRED', 'ERR_WEBHOOK_TLS', 11220],
    ['HPE_INVALID_CONSTANT', 'ERR_WEBHOOK_PROTOCOL', 11206],
    ['UND_ERR_RESPONSE_EXCEEDED_MAX_SIZE', 'ERR_WEBHOOK_BODY_TOO_LARGE', 11750],
  ];
  for (const [raw, code, twilio] of table) {
    it(`${raw} → ${code} (${twilio})`, () => {
      const err = classifyError(failure(raw), 'http://example.test/');
      assert.ok(err instanceof WebhookError);
      assert.equal(err.code, code);
      assert.equal(err.twilioCode, twilio);
      assert.equal(err.url, 'http://example.test/');
      assert.equal(err.name, 'WebhookError');
    });
  }

  it('looks inside an AggregateError from a multi-address connect', () => {
    const err = classifyError(new AggregateError([failure('ECONNREFUSED'), failure('ENETUNREACH')]), 'http://x.test/');
    assert.equal(err.code, 'ERR_WEBHOOK_NETWORK');
  });

  it('keeps the codes of denied addresses, passes other AppErrors through, and never reads messages', () => {
    const denied = classifyError(new DeniedAddressError('x.test', '169.254.169.254'), 'http://x.test/');
    assert.ok(denied instanceof WebhookError);
    assert.equal(denied.code, 'ERR_WEBHOOK_BLOCKED_ADDRESS');
    const hangup = new CallEndedError('ERR_CALL_HANGUP');
    assert.equal(classifyError(hangup, 'http://x.test/'), hangup);
    const generic = classifyError(new Error('ECONNREFUSED timeout TLS'), 'http://x.test/');
    assert.equal(generic.code, 'ERR_WEBHOOK_NETWORK');
    assert.ok(!(classifyError(new AppError('ERR_INTERNAL'), 'u') instanceof WebhookError));
  });
});
