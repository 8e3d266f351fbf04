import assert from 'node:assert/strict';
import type { CallContext, CallState } from '../../src/call/call-context.js';
import { childScope } from '../../src/call/document-runner.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { twiml } from '../support/twiml-server.js';

describe('document runner: child scopes', () => {
  function context(): CallContext {
    const state: CallState = {
      document: new URL('http://127.0.0.1/voice'), answered: false, requests: 3, recordings: 0, terminators: undefined,
      variables: new Map(), fallbackUsed: false, failed: false, hangupRequested: undefined,
    };
    return { state, requests: {} } as unknown as CallContext;
  }

  it('keeps its own document base and request count, starting from the call\'s', () => {
    const ctx = context();
    const child = childScope(ctx);
    assert.equal(child.state.requests, 3);
    child.state.requests++;
    child.state.document = new URL('http://127.0.0.1/hold/wait');
    assert.equal(child.state.requests, 4);
    assert.equal(child.state.document.pathname, '/hold/wait');
    assert.equal(ctx.state.requests, 3);
    assert.equal(ctx.state.document.pathname, '/voice');
  });

  it('shares the rest of the call\'s state', () => {
    const ctx = context();
    const child = childScope(ctx);
    child.state.answered = true;
    child.state.variables.set('k', 'v');
    assert.equal(ctx.state.answered, true);
    assert.equal(ctx.state.variables.get('k'), 'v');
    assert.equal(child.requests, ctx.requests, 'the callbacks the call waits for are the call\'s');
  });
});

describe('document runner: places whose requests do not count', () => {
  let e: EngineHarness;
  beforeEach(async () => {
    e = await startEngine({ call: { maxRequests: 2 } });
  });
  afterEach(async () => {
    await e.close();
  });

  it('a queue wait document neither counts towards maxRequests nor moves the document base', async () => {
    e.web.route('/voice', twiml('<Enqueue waitUrl="/hold/wait">support</Enqueue><Redirect>after</Redirect>'));
    e.web.route('/hold/wait', twiml('<Pause length="1"/><Leave/>'));
    e.web.route('/after', twiml('<Say>After the queue.</Say><Hangup/>'));
    const call = e.call({ variables: { 'ecallmgr_Account-ID': 'acct0001' } });
    await e.finish(call);
    assert.equal(e.web.to('/hold/wait').length, 1);
    assert.equal(e.web.to('/after').length, 1, 'the redirect resolves against /voice and is within the limit');
    assert.equal(e.h.logs.withCode('ERR_CALL_REDIRECT_LIMIT').length, 0);
  });
});
