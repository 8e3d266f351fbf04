import assert from 'node:assert/strict';
import { createLogger } from '../../src/log.js';
import { LogCapture } from '../support/harness.js';

describe('logs: secrets are redacted', () => {
  it('auth tokens, passwords, Authorization and X-Twilio-Signature never reach a line', () => {
    const logs = new LogCapture();
    const log = createLogger('info', logs);
    log.info({ authToken: 'tok-1', webhook: { authToken: 'tok-2' }, password: 'pw-1', node: { password: 'pw-2' },
      headers: { authorization: 'Basic abc', 'x-twilio-signature': 'sig-1' },
      request: { headers: { Authorization: 'Bearer xyz', 'X-Twilio-Signature': 'sig-2' } } }, 'with secrets');
    log.info({ config: { park: { nodes: [{ host: 'h', password: 'pw-3' }] } } }, 'nested');
    log.flush();
    const text = JSON.stringify(logs.lines);
    for (const secret of ['tok-1', 'tok-2', 'pw-1', 'pw-2', 'pw-3', 'Basic abc', 'Bearer xyz', 'sig-1', 'sig-2']) {
      assert.ok(!text.includes(secret), `${secret} is not logged`);
    }
    assert.equal(logs.lines[0]?.['authToken'], '[redacted]');
  });
});
