/**
 * What a call subscribes to: every event FreeSWITCH sends costs it a copy of the event, its JSON (3-7 KB with every
 * channel variable) and a write, so a call takes only what it reads: the bytes at connect are pinned, on-demand
 * events are subscribed while something listens, and the completions after our own hangup are turned off.
 */
import assert from 'node:assert/strict';
import type { EslChannel } from '../../src/esl/channel.js';
import { CallEndedError } from '../../src/errors.js';
import { FsSimulator } from '../../src/sim/index.js';
import { apiResponse, commandReply, connectReply, jsonEvent } from '../support/frames.js';
import { eventually, startServer, type Harness } from '../support/harness.js';
import { RawPeer } from '../support/raw-peer.js';
import { FIRST_CALL_COMMAND, subscribedRawCall } from '../support/raw-call.js';

/** The subscription every call sends after `connect`, byte for byte. */
const SUBSCRIPTION = 'myevents json\n\n' +
  'nixevent CHANNEL_APPLICATION CHANNEL_CREATE CHANNEL_DATA CHANNEL_DESTROY CHANNEL_EXECUTE CHANNEL_HANGUP ' +
  'CHANNEL_ORIGINATE CHANNEL_UUID CHANNEL_OUTGOING CHANNEL_PARK CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_STATE CHANNEL_UNPARK ' +
  'DETECTED_SPEECH NOTALK TALK\n\n' +
  'event json BACKGROUND_JOB CUSTOM conference::maintenance\n\n' +
  'linger 10\n\n';

describe('event subscription', () => {
  let h: Harness;
  let body: (channel: EslChannel) => Promise<void>;
  beforeEach(async () => {
    body = async () => {};
    h = await startServer((channel) => body(channel));
  });
  afterEach(async () => {
    await h.close();
  });

  it('sends exactly this subscription after connect: myevents, the nixevent of what no call reads, event, linger', async () => {
    body = (channel) => channel.waitFor('hangup').then(() => undefined);
    const peer = await RawPeer.connect(h.port);
    await peer.command(0);
    const written: Buffer[] = [];
    peer.socket.on('data', (chunk: Buffer) => written.push(chunk));
    peer.write(connectReply('sub-bytes'));
    await peer.command(FIRST_CALL_COMMAND - 1);
    assert.equal(Buffer.concat(written).toString('latin1'), SUBSCRIPTION);
    assert.equal(Buffer.byteLength(SUBSCRIPTION), 347);
    peer.socket.destroy();
  });

  it('subscribes CHANNEL_EXECUTE before the application sent after the first listener, and drops it after the last', async () => {
    let executes = 0;
    body = async (channel) => {
      const offFirst = channel.on('execute', () => executes++);
      const offSecond = channel.on('execute', () => undefined);
      await channel.execute('playback', 'a.wav');
      offFirst();
      await channel.execute('playback', 'b.wav');
      offSecond();
      await channel.execute('playback', 'c.wav');
      await channel.waitFor('hangup');
    };
    const peer = await subscribedRawCall(h.port, 'on-demand');
    let next = FIRST_CALL_COMMAND;
    const play = async (path: string, withExecute: boolean): Promise<void> => {
      const exec = await peer.command(next++);
      assert.equal(exec.headers['execute-app-arg'], path);
      const appUuid = exec.headers['event-uuid'] as string;
      peer.write(commandReply('+OK'));
      if (withExecute) {
        peer.write(jsonEvent({ 'Event-Name': 'CHANNEL_EXECUTE', 'Unique-ID': 'on-demand', Application: 'playback',
          'Application-UUID': appUuid }));
      }
      peer.write(jsonEvent({ 'Event-Name': 'CHANNEL_EXECUTE_COMPLETE', 'Unique-ID': 'on-demand', Application: 'playback',
        'Application-Response': 'FILE PLAYED', 'Application-UUID': appUuid }));
    };
    const subscribe = await peer.command(next++);
    assert.equal(subscribe.line, 'event json CHANNEL_EXECUTE');
    peer.write(commandReply('+OK event listener enabled json'));
    await play('a.wav', true);
    await play('b.wav', true);
    const unsubscribe = await peer.command(next++);
    assert.equal(unsubscribe.line, 'nixevent CHANNEL_EXECUTE');
    peer.write(commandReply('+OK events nixed'));
    await play('c.wav', false);
    await eventually(() => h.channels[0]?.listenerCount === 1, 2000, 'the script to wait for the hangup');
    assert.equal(executes, 1);
    assert.equal(peer.commands.length, next, 'no other command');
    peer.socket.destroy();
  });

  it('a listener that comes and goes within one tick sends nothing; one that stays sends its event once, in that tick', async () => {
    body = async (channel) => {
      channel.on('progress', () => undefined)();
      const offExecute = channel.on('execute', () => undefined);
      channel.on('playbackStart', () => undefined)();
      await new Promise((resolve) => setTimeout(resolve, 20));
      offExecute();
      channel.on('execute', () => undefined)();
      await channel.waitFor('hangup');
    };
    const peer = await subscribedRawCall(h.port, 'same-tick');
    assert.equal((await peer.command(FIRST_CALL_COMMAND)).line, 'event json CHANNEL_EXECUTE');
    peer.write(commandReply('+OK event listener enabled json'));
    assert.equal((await peer.command(FIRST_CALL_COMMAND + 1)).line, 'nixevent CHANNEL_EXECUTE');
    peer.write(commandReply('+OK events nixed'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(peer.commands.length, FIRST_CALL_COMMAND + 2, 'no other command');
    peer.socket.destroy();
  });

  it('an execute FreeSWITCH has taken gets its completion after a hangup, with no CHANNEL_EXECUTE subscribed', async () => {
    let recordMs: string | undefined;
    body = async (channel) => {
      const result = await channel.execute('record', '/tmp/r.wav 60', { completeAfterHangup: true });
      recordMs = result.event.variable('record_ms');
    };
    const peer = await subscribedRawCall(h.port, 'taken-1');
    const exec = await peer.command(FIRST_CALL_COMMAND);
    const appUuid = exec.headers['event-uuid'] as string;
    peer.write(commandReply('+OK'));
    await eventually(() => h.channels[0]?.pendingCount === 1, 2000, 'the sendmsg reply');
    peer.write(jsonEvent({ 'Event-Name': 'CHANNEL_HANGUP', 'Unique-ID': 'taken-1', 'Hangup-Cause': 'NORMAL_CLEARING' }));
    peer.write(jsonEvent({ 'Event-Name': 'CHANNEL_EXECUTE_COMPLETE', 'Unique-ID': 'taken-1', Application: 'record',
      'Application-Response': '_none_', 'Application-UUID': appUuid, variable_record_ms: '4200' }));
    await eventually(() => recordMs !== undefined, 2000, 'the recording\'s completion');
    assert.equal(recordMs, '4200');
    peer.socket.destroy();
  });

  it('with no CHANNEL_HANGUP subscribed, a completion showing the hangup ends the call before it settles the execute', async () => {
    let outcome: unknown;
    let hangup: { cause: string; name: string | undefined } | undefined;
    body = async (channel) => {
      channel.on('hangup', ({ cause, event }) => { hangup = { cause, name: event.name }; });
      outcome = await channel.execute('speak', 'flite|rms|hello').then(() => 'completed', (err: unknown) => err);
    };
    const peer = await subscribedRawCall(h.port, 'bye-1');
    const exec = await peer.command(FIRST_CALL_COMMAND);
    peer.write(commandReply('+OK'));
    // The caller hung up during the speech: FreeSWITCH completes it with the channel's hangup in its headers
    // (esl-captures/channel-execute-complete-speak-interrupted-by-caller-bye.txt).
    peer.write(jsonEvent({ 'Event-Name': 'CHANNEL_EXECUTE_COMPLETE', 'Unique-ID': 'bye-1', 'Answer-State': 'hangup',
      'Hangup-Cause': 'NORMAL_CLEARING', Application: 'speak', 'Application-Response': '_none_',
      'Application-UUID': exec.headers['event-uuid'] as string }));
    await eventually(() => outcome !== undefined, 2000, 'the execute to settle');
    assert.ok(outcome instanceof CallEndedError, String(outcome));
    assert.equal(outcome.code, 'ERR_CALL_HANGUP');
    assert.equal(outcome.hangupCause, 'NORMAL_CLEARING');
    assert.deepEqual(hangup, { cause: 'NORMAL_CLEARING', name: 'CHANNEL_EXECUTE_COMPLETE' });
    peer.socket.destroy();
  });

  it('answers with the uuid_answer api; -ERROR (the channel is gone) ends the call', async () => {
    let answered: boolean | undefined;
    let refused: unknown;
    body = async (channel) => {
      await channel.answer();
      answered = channel.answered;
      refused = await channel.answer().then(() => 'answered', (err: unknown) => err);
    };
    const peer = await subscribedRawCall(h.port, 'answer-1');
    assert.equal((await peer.command(FIRST_CALL_COMMAND)).line, 'api uuid_answer answer-1');
    peer.write(apiResponse('+OK\n'));
    assert.equal((await peer.command(FIRST_CALL_COMMAND + 1)).line, 'api uuid_answer answer-1');
    peer.write(apiResponse('-ERROR\n'));
    await eventually(() => refused !== undefined, 2000, 'the second answer to settle');
    assert.equal(answered, true);
    assert.ok(refused instanceof CallEndedError, String(refused));
    assert.equal(refused.code, 'ERR_CALL_HANGUP');
    peer.socket.destroy();
  });

  it('turns completions off before its own hangup when no application waits, not while one does', async () => {
    body = async (channel) => {
      await channel.hangup();
    };
    const idle = await subscribedRawCall(h.port, 'hangup-idle');
    assert.equal((await idle.command(FIRST_CALL_COMMAND)).line, 'nixevent CHANNEL_EXECUTE_COMPLETE');
    assert.equal((await idle.command(FIRST_CALL_COMMAND + 1)).line, 'api uuid_kill hangup-idle NORMAL_CLEARING');
    idle.write(commandReply('+OK events nixed') + apiResponse('+OK\n'));
    idle.socket.destroy();

    body = async (channel) => {
      const recording = channel.execute('record', '/tmp/r.wav 60', { completeAfterHangup: true });
      recording.catch(() => undefined);
      await channel.hangup();
    };
    const busy = await subscribedRawCall(h.port, 'hangup-busy');
    assert.equal((await busy.command(FIRST_CALL_COMMAND)).line, 'sendmsg');
    assert.equal((await busy.command(FIRST_CALL_COMMAND + 1)).line, 'api uuid_kill hangup-busy NORMAL_CLEARING');
    busy.socket.destroy();
  });
});

describe('event subscription against the FreeSWITCH simulator', () => {
  let h: Harness;
  let sim: FsSimulator;
  beforeEach(() => {
    sim = new FsSimulator({ timeScale: 0.01 });
  });
  afterEach(async () => {
    await sim.close();
    await h.close();
  });

  it('a call answered with uuid_answer gets CHANNEL_ANSWER and no completion for the answer', async () => {
    let answeredAtReply: boolean | undefined;
    h = await startServer(async (channel) => {
      await channel.answer();
      answeredAtReply = channel.answered;
      await channel.execute('playback', 'tone_stream://%(100,0,440)');
    });
    const call = sim.call({ host: '127.0.0.1', port: h.port, profile: 'sip' });
    await call.ended;
    assert.equal(answeredAtReply, true);
    const out = call.transcript.filter((e) => e.dir === 'out').map((e) => e.data.toString('latin1'));
    const names = out.map((frame) => /"Event-Name":"([A-Z_]+)"/.exec(frame)?.[1] ?? (frame.includes('api/response') ? 'api' : ''))
      .filter((name) => name !== '');
    assert.deepEqual(names, ['api', 'CHANNEL_ANSWER', 'CHANNEL_EXECUTE_COMPLETE', 'api', 'CHANNEL_HANGUP_COMPLETE']);
    assert.ok(out.some((frame) => frame.includes('"Event-Name":"CHANNEL_ANSWER"') && frame.includes('"Answer-State":"answered"')));
  });

  it('a call gets its completions with their variables, and none of the events it does not read', async () => {
    let playbackMs: string | undefined;
    h = await startServer(async (channel) => {
      await channel.execute('answer');
      playbackMs = (await channel.execute('playback', 'tone_stream://%(500,0,440)')).event.variable('playback_ms');
    });
    const call = sim.call({ host: '127.0.0.1', port: h.port, profile: 'sip' });
    await call.ended;
    assert.equal(playbackMs, '500');
    const names = call.transcript.filter((e) => e.dir === 'out')
      .map((e) => /"Event-Name":"([A-Z_]+)"/.exec(e.data.toString('latin1'))?.[1])
      .filter((name): name is string => name !== undefined);
    assert.deepEqual(names, ['CHANNEL_ANSWER', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_EXECUTE_COMPLETE',
      'CHANNEL_HANGUP_COMPLETE']);
  });
});
