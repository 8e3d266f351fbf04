import assert from 'node:assert/strict';
import { computeSignature, SIGNATURE_HEADER } from '../../src/webhook/index.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { twiml, type ReceivedRequest } from '../support/twiml-server.js';

const TALKING = { speech: [{ atMs: 0, durationMs: 60_000 }] };
const OK = { status: 204, body: '', contentType: 'text/plain' } as const;

describe('engine: the auth token of a call', () => {
  let e: EngineHarness;
  beforeEach(async () => {
    e = await startEngine({ webhook: { authToken: 'tok-default', accountAuthTokens: [{ accountSid: 'AC7', authToken: 'tok-7' }] } });
  });
  afterEach(async () => { await e.close(); });

  function signedWith(token: string, r: ReceivedRequest | undefined): boolean {
    assert.ok(r, 'the request was made');
    const url = e.web.url(r.path) + (r.method === 'GET' && r.query.size > 0 ? `?${r.query.toString()}` : '');
    const params = r.method === 'POST' ? Object.entries(r.params) : [];
    return r.headers[SIGNATURE_HEADER.toLowerCase()] === computeSignature(token, url, params, r.method);
  }

  it('signs the document, the recording upload and the recording status callback of an account with its own token', async () => {
    e.web.route('/voice', twiml('<Record action="/saved" maxLength="2" timeout="0" recordingStatusCallback="/status"/>'));
    e.web.route('/saved', twiml('<Hangup/>'));
    e.web.route('/status', OK);
    const call = e.call({ caller: TALKING, variables: { 'ecallmgr_Account-ID': 'AC7' } });
    const upload = `/saved/call_recording_${call.uuid}_1.wav`;
    e.web.route(upload, { status: 201, body: '', contentType: 'text/plain' });
    await e.finish(call);
    assert.ok(signedWith('tok-7', e.web.to('/voice')[0]), 'document');
    assert.ok(signedWith('tok-7', e.web.to(upload)[0]), 'upload');
    assert.ok(signedWith('tok-7', e.web.to('/status')[0]), 'recording status callback');
  });

  it('signs a call of any other account with the default token', async () => {
    e.web.route('/voice', twiml('<Hangup/>'));
    const call = e.call({ variables: { 'ecallmgr_Account-ID': 'AC8' } });
    await e.finish(call);
    assert.ok(signedWith('tok-default', e.web.to('/voice')[0]));
  });
});
