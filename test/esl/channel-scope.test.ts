import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import type { EslChannel } from '../../src/esl/channel.js';
import { CallEndedError } from '../../src/errors.js';
import { FsSimulator } from '../../src/sim/index.js';
import { codeOf, eventually, startServer, type Harness } from '../support/harness.js';

/** The channel's interruptible scope (the document a call runs), against the simulator. */
describe('channel: the interruptible scope', () => {
  let h: Harness;
  let sim: FsSimulator;
  let body: (channel: EslChannel) => Promise<void>;
  beforeEach(async () => {
    body = async () => {};
    h = await startServer((channel) => body(channel), { lingerSeconds: 600 });
    sim = new FsSimulator({ timeScale: 0.01 });
  });
  afterEach(async () => {
    await sim.close();
    await h.close();
  });

  it('commands given the scope\'s signal add no abort listener to it; interrupting rejects them, and only them', async () => {
    let checked: (() => void) | undefined;
    body = async (channel) => {
      await channel.execute('answer');
      const scope = channel.openScope();
      const playing = channel.execute('playback', 'silence_stream://60000', { signal: scope });
      const reading = channel.api(`uuid_getvar ${channel.uuid} nothing`, { signal: scope });
      const waiting = channel.waitFor('dtmf', undefined, { signal: scope });
      const unscoped = channel.api(`uuid_getvar ${channel.uuid} nothing`);
      assert.equal(getEventListeners(scope, 'abort').length, 1, 'only the wait for an event listens to the scope');
      assert.equal(getEventListeners(channel.signal, 'abort').length, 0, 'nor to the call\'s signal');
      const reason = new CallEndedError('ERR_CALL_INTERRUPTED');
      assert.equal(channel.interruptScope(reason), true);
      assert.equal(channel.interruptScope(reason), false, 'once');
      await assert.rejects(playing, (err) => err === reason);
      await assert.rejects(waiting, (err) => err === reason);
      await reading.then(() => assert.fail('the scoped api is rejected'), (err: unknown) => assert.equal(err, reason));
      assert.equal(channel.signal.aborted, false, 'the call goes on');
      assert.equal(await unscoped, '_undef_', 'what the scope did not start is answered');
      await channel.breakMedia(true);
      channel.closeScope(scope);
      assert.equal(channel.interruptScope(reason), false, 'no scope open');
      const next = channel.openScope();
      assert.notEqual(next, scope, 'an interrupted scope is not opened again');
      channel.closeScope(next);
      assert.equal(channel.interruptScope(reason), false, 'a closed scope is not interrupted');
      assert.equal(channel.openScope(), next, 'one not interrupted serves the next document: no signal per document');
      checked = () => assert.equal(channel.pendingCount, 0);
    };
    await sim.call({ host: '127.0.0.1', port: h.port }).ended;
    assert.ok(checked, 'the body ran to its end');
    await eventually(() => h.server.activeCalls === 0);
    checked();
  });

  it('the scope aborts with the call\'s end, with its reason; a scope opened after the end is aborted', async () => {
    let scope: AbortSignal | undefined;
    let late: AbortSignal | undefined;
    let code: string | undefined;
    body = async (channel) => {
      await channel.execute('answer');
      scope = channel.openScope();
      await channel.hangup();
      code = await channel.execute('playback', 'silence_stream://60000', { signal: scope }).then(() => 'played', codeOf);
      late = channel.openScope();
    };
    await sim.call({ host: '127.0.0.1', port: h.port }).ended;
    assert.equal(scope?.aborted, true);
    assert.equal(codeOf(scope?.reason), 'ERR_CALL_HANGUP');
    assert.equal(code, 'ERR_CALL_HANGUP');
    assert.equal(late?.aborted, true);
  });
});
