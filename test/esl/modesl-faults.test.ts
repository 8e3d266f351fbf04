import assert from 'node:assert/strict';
import type { EslChannel } from '../../src/esl/channel.js';
import { AppError } from '../../src/errors.js';
import { apiResponse, commandReply, disconnectNotice, jsonEvent } from '../support/frames.js';
import { eventually, startServer, type Harness } from '../support/harness.js';
import type { RawPeer } from '../support/raw-peer.js';
import { FIRST_CALL_COMMAND, subscribedRawCall } from '../support/raw-call.js';

/** Settles `promise` or fails the test if it has not settled within `ms` (the server's own bound is 100 ms). */
async function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<{ value?: T; error?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`not settled in ${ms} ms`)), ms); });
  try {
    return await Promise.race([promise.then((value) => ({ value }), (error: unknown) => ({ error })), late]);
  } finally {
    clearTimeout(timer);
  }
}

function codeOf(outcome: { error?: unknown }): string | undefined {
  return outcome.error instanceof AppError ? outcome.error.code : undefined;
}

/**
 * Each known fault of modesl 1.2.1, shown not to reach the server: a bad %-escape, mis-matched replies and
 * `execute-app-arg: undefined`, callbacks that hang when the socket goes, `error` events with no listener, the
 * connection table that leaks, and the subscription modesl sends on its own.
 */
describe('modesl faults worked around', () => {
  let h: Harness;
  let body: (channel: EslChannel) => Promise<void>;
  beforeEach(async () => {
    body = async () => {};
    h = await startServer((channel) => body(channel));
  });
  afterEach(async () => {
    await h.close();
  });

  async function call(uuid: string, extra = ''): Promise<{ peer: RawPeer; channel: EslChannel }> {
    const peer = await subscribedRawCall(h.port, uuid, extra);
    await eventually(() => h.channels.some((c) => c.uuid === uuid));
    return { peer, channel: h.channels.find((c) => c.uuid === uuid) as EslChannel };
  }

  it('a malformed %-escape in the channel data decodes tolerantly instead of crashing', async () => {
    let seen: string | undefined;
    body = async (channel) => { seen = channel.data.variables['caller_name_latin1']; };
    const { peer } = await call('pct-1', 'variable_caller_name_latin1: Ren%E9%C3(%\nvariable_ok: caf%C3%A9\n');
    await eventually(() => seen !== undefined);
    assert.equal(seen, 'Ren\uFFFD\uFFFD(%');
    assert.equal(h.channels[0]?.data.variables['ok'], 'café');
    peer.socket.destroy();
  });

  it('sends exactly connect, myevents json, nixevent ..., event json ..., linger before the first execute', async () => {
    body = (channel) => channel.waitFor('hangup').then(() => undefined);
    const { peer } = await call('sub-1');
    assert.deepEqual(peer.commands.map((c) => c.line.split(' ').slice(0, 2).join(' ')),
      ['connect', 'myevents json', 'nixevent CHANNEL_APPLICATION', 'event json', 'linger 10']);
    assert.match(peer.commands[3]?.line ?? '', / CUSTOM conference::maintenance$/);
    peer.socket.destroy();
  });

  it('an execute without argument sends no execute-app-arg, and every reply goes to its own command', async () => {
    let results: string[] = [];
    body = async (channel) => {
      const [answer, api, bg] = await Promise.all([
        channel.execute('answer'),
        channel.api('status'),
        channel.bgapi('version'),
      ]);
      results = [answer.application, api, bg];
    };
    const { peer } = await call('fifo-1');
    const exec = await peer.command(FIRST_CALL_COMMAND);
    assert.equal(exec.line, 'sendmsg');
    assert.equal(exec.headers['execute-app-name'], 'answer');
    assert.equal('execute-app-arg' in exec.headers, false);
    assert.equal((await peer.command(FIRST_CALL_COMMAND + 1)).line, 'api status');
    const bgapi = await peer.command(FIRST_CALL_COMMAND + 2);
    assert.equal(bgapi.line, 'bgapi version');
    const jobUuid = bgapi.headers['job-uuid'] as string;
    peer.write(commandReply('+OK'));
    peer.write(apiResponse('UP 0 years\n'));
    peer.write(commandReply(`+OK Job-UUID: ${jobUuid}`, { 'Job-UUID': jobUuid }));
    peer.write(jsonEvent({ 'Event-Name': 'BACKGROUND_JOB', 'Job-UUID': jobUuid, 'Job-Owner-UUID': 'fifo-1' }, 'FreeSWITCH 1.10\n'));
    peer.write(jsonEvent({ 'Event-Name': 'CHANNEL_EXECUTE_COMPLETE', 'Unique-ID': 'fifo-1', Application: 'answer',
      'Application-Response': '_none_', 'Application-UUID': exec.headers['event-uuid'] as string }));
    await eventually(() => results.length === 3);
    assert.deepEqual(results, ['answer', 'UP 0 years\n', 'FreeSWITCH 1.10\n']);
    peer.socket.destroy();
  });

  it('a refused sendmsg rejects its execute with ERR_ESL_COMMAND_FAILED', async () => {
    let outcome: { error?: unknown } = {};
    let pendingAfter = -1;
    body = async (channel) => {
      outcome = await settlesWithin(channel.execute('playback', 'x.wav'), 1000);
      pendingAfter = channel.pendingCount;
    };
    const { peer } = await call('err-1');
    await peer.command(FIRST_CALL_COMMAND);
    peer.write(commandReply('-ERR invalid session id [err-1]'));
    await eventually(() => 'error' in outcome);
    assert.equal(codeOf(outcome), 'ERR_ESL_COMMAND_FAILED');
    assert.equal(pendingAfter, 0);
    peer.socket.destroy();
  });

  it('a multi-line argument travels as a body counted in bytes', async () => {
    body = async (channel) => { await channel.execute('speak', 'flite|kal|première ligne\nseconde'); };
    const { peer } = await call('body-1');
    const exec = await peer.command(FIRST_CALL_COMMAND);
    assert.equal(exec.headers['content-type'], 'text/plain');
    assert.equal(exec.headers['content-length'], String(Buffer.byteLength('flite|kal|première ligne\nseconde')));
    assert.equal(exec.body, 'flite|kal|première ligne\nseconde');
    peer.socket.destroy();
  });

  for (const pending of ['execute', 'api', 'bgapi', 'waitFor'] as const) {
    it(`a socket drop rejects a pending ${pending} within 100 ms`, async () => {
      let promise: Promise<unknown> | undefined;
      body = async (channel) => {
        promise = pending === 'execute' ? channel.execute('park') : pending === 'api' ? channel.api('status')
          : pending === 'bgapi' ? channel.bgapi('status') : channel.waitFor('dtmf');
        await promise.catch(() => undefined);
      };
      const { peer } = await call(`drop-${pending}`);
      if (pending === 'waitFor') await eventually(() => promise !== undefined);
      else await peer.command(FIRST_CALL_COMMAND);
      assert.ok(promise);
      peer.socket.destroy();
      const outcome = await settlesWithin(promise, 100);
      assert.equal(codeOf(outcome), 'ERR_ESL_DISCONNECTED');
      await eventually(() => h.server.openConnections === 0 && h.server.activeCalls === 0);
      const channel = h.channels[0] as EslChannel;
      assert.equal(channel.pendingCount, 0);
      assert.equal(channel.listenerCount, 0);
    });
  }

  it('a connection reset is logged, never thrown, and leaves no entry in the connection table', async () => {
    body = () => new Promise(() => {});
    const { peer } = await call('reset-1');
    peer.socket.resetAndDestroy();
    await eventually(() => h.server.openConnections === 0 && h.server.activeCalls === 0);
    assert.equal(h.channels[0]?.signal.aborted, true);
  });

  it('CHANNEL_HANGUP rejects a pending execute with the hangup cause; HANGUP_COMPLETE still arrives', async () => {
    let outcome: { error?: unknown } = {};
    body = async (channel) => { outcome = await settlesWithin(channel.execute('playback', 'long.wav'), 1000); };
    const { peer } = await call('hup-1');
    const exec = await peer.command(FIRST_CALL_COMMAND);
    peer.write(commandReply('+OK'));
    peer.write(jsonEvent({ 'Event-Name': 'CHANNEL_EXECUTE', 'Unique-ID': 'hup-1', Application: 'playback',
      'Application-UUID': exec.headers['event-uuid'] as string }));
    peer.write(jsonEvent({ 'Event-Name': 'CHANNEL_HANGUP', 'Unique-ID': 'hup-1', 'Hangup-Cause': 'NORMAL_CLEARING' }));
    await eventually(() => 'error' in outcome);
    const err = outcome.error as { code: string; hangupCause?: string };
    assert.equal(err.code, 'ERR_CALL_HANGUP');
    assert.equal(err.hangupCause, 'NORMAL_CLEARING');
    peer.write(disconnectNotice('hup-1', 'linger'));
    peer.write(jsonEvent({ 'Event-Name': 'CHANNEL_HANGUP_COMPLETE', 'Unique-ID': 'hup-1', 'Hangup-Cause': 'NORMAL_CLEARING',
      variable_billsec: '7' }));
    const exit = await peer.command(FIRST_CALL_COMMAND + 1);
    assert.equal(exit.line, 'exit', 'no hangup is sent for a call already gone');
    peer.write(commandReply('+OK bye'));
    peer.write(disconnectNotice('hup-1', 'disconnect'));
    peer.socket.end();
    await eventually(() => h.server.activeCalls === 0);
    const complete = await (h.channels[0] as EslChannel).hangupComplete;
    assert.equal(complete?.variable('billsec'), '7');
  });

  it('an execute that asked for it gets its completion when it arrives just after the hangup', async () => {
    let outcome: { value?: unknown; error?: unknown } = {};
    body = async (channel) => {
      outcome = await settlesWithin(channel.execute('record', '/tmp/r.wav 60', { completeAfterHangup: true }), 1000);
    };
    const { peer } = await call('rec-1');
    const exec = await peer.command(FIRST_CALL_COMMAND);
    const appUuid = exec.headers['event-uuid'] as string;
    peer.write(commandReply('+OK'));
    peer.write(jsonEvent({ 'Event-Name': 'CHANNEL_EXECUTE', 'Unique-ID': 'rec-1', Application: 'record', 'Application-UUID': appUuid }));
    peer.write(jsonEvent({ 'Event-Name': 'CHANNEL_HANGUP', 'Unique-ID': 'rec-1', 'Hangup-Cause': 'NORMAL_CLEARING' }));
    peer.write(jsonEvent({ 'Event-Name': 'CHANNEL_EXECUTE_COMPLETE', 'Unique-ID': 'rec-1', Application: 'record',
      'Application-Response': '_none_', 'Application-UUID': appUuid, variable_record_ms: '4200' }));
    await eventually(() => 'value' in outcome || 'error' in outcome);
    const result = outcome.value as { event: { variable(n: string): string | undefined } };
    assert.equal(result.event.variable('record_ms'), '4200');
    peer.socket.destroy();
  });

  it('a started execute whose completion never comes rejects after the grace, within 100 ms', async () => {
    let promise: Promise<unknown> | undefined;
    body = async (channel) => {
      promise = channel.execute('record', '/tmp/r.wav 60', { completeAfterHangup: true });
      await promise.catch(() => undefined);
    };
    const { peer } = await call('rec-2');
    const exec = await peer.command(FIRST_CALL_COMMAND);
    peer.write(commandReply('+OK'));
    peer.write(jsonEvent({ 'Event-Name': 'CHANNEL_EXECUTE', 'Unique-ID': 'rec-2', Application: 'record',
      'Application-UUID': exec.headers['event-uuid'] as string }));
    await eventually(() => promise !== undefined);
    peer.write(jsonEvent({ 'Event-Name': 'CHANNEL_HANGUP', 'Unique-ID': 'rec-2', 'Hangup-Cause': 'NORMAL_CLEARING' }));
    const outcome = await settlesWithin(promise as Promise<unknown>, 100);
    assert.equal(codeOf(outcome), 'ERR_CALL_HANGUP');
    peer.socket.destroy();
  });
});
