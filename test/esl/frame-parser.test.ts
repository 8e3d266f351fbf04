import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { EslEvent } from '../../src/esl/event.js';
import { fixture } from '../support/frames.js';
import { byteChunks, cutAt, feed, randomChunks, sameMessages } from './frame-feed.js';

/** What one captured message must parse to: content type, event name and a few decoded headers (and body). */
interface Expected {
  type: string;
  name: string;
  headers: Record<string, string>;
  body?: string;
}

const REPLY = 'command/reply';
const PLAIN = 'text/event-plain';
const JSON_EVENT = 'text/event-json';
const API = 'api/response';
const NOTICE = 'text/disconnect-notice';
const BYE = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';

const LOOP_UUID = 'd22586fa-6930-4d8c-a6e6-f091858193c6';
const CONF_UUID = 'd90f1119-9173-437a-96dd-4211ae594162';
const BGAPI_UUID = 'c06e74f6-e10e-4d33-8608-86b85b892921';

function reply(text: string, headers: Record<string, string> = {}): Expected {
  return { type: REPLY, name: '', headers: { 'Reply-Text': text, ...headers } };
}
function complete(type: string, uuid: string, app: string, appUuid: string, response: string): Expected {
  return {
    type, name: 'CHANNEL_EXECUTE_COMPLETE',
    headers: { 'Unique-ID': uuid, Application: app, 'Application-UUID': appUuid, 'Application-Response': response },
  };
}
function event(type: string, name: string, headers: Record<string, string>, body?: string): Expected {
  return body === undefined ? { type, name, headers } : { type, name, headers, body };
}
function notice(disposition: string, uuid: string, body = ''): Expected {
  return { type: NOTICE, name: '', headers: { 'Content-Disposition': disposition, 'Controlled-Session-UUID': uuid }, body };
}
function withHeaders(base: Expected, headers: Record<string, string>): Expected {
  return { ...base, headers: { ...base.headers, ...headers } };
}
function api(body: string): Expected {
  return { type: API, name: '', headers: {}, body };
}

const SINGLE_CAPTURES: ReadonlyArray<readonly [string, Expected[]]> = [
  ['connect-reply-loopback.txt', [event(REPLY, 'CHANNEL_DATA', {
    'Unique-ID': LOOP_UUID, 'Reply-Text': '+OK\n', 'Socket-Mode': 'async', Control: 'full',
    'Channel-Name': 'loopback/7001-b', 'Event-Date-Local': '2026-11-23 19:44:09', 'FreeSWITCH-IPv6': 'fd00::2',
    'variable_pivot_url': 'http://127.0.0.1:8090/twiml',
    'variable_current_application_data': '127.0.0.1:8084 async full',
  })]],
  ['connect-reply-sip.txt', [event(REPLY, 'CHANNEL_DATA', {
    'Unique-ID': '56cc20c7-abd5-4f72-99e8-fe4969731447', 'Reply-Text': '+OK\n', 'Answer-State': 'ringing',
    'Channel-Name': 'sofia/internal/sipp@127.0.0.1:5070',
  })]],
  ['channel-execute-complete-answer.txt',
    [complete(PLAIN, LOOP_UUID, 'answer', '6889ce10-4466-42b3-b378-96f114acdac0', '_none_')]],
  ['channel-execute-complete-conference.txt',
    [complete(PLAIN, CONF_UUID, 'conference', '0429a888-de31-4d6b-a9d0-f5bc673952ba', '_none_')]],
  ['channel-execute-complete-play-and-get-digits.txt', [complete(PLAIN, '9503fbfc-05eb-45a2-884d-b3be650f1663',
    'play_and_get_digits', '62a2c05e-9f15-4b28-9782-575da93efc79', '_none_')]],
  ['channel-execute-complete-playback-http_cache.txt', [complete(PLAIN, '83d85d78-a00b-4f21-bc9f-f9080d95b3bf',
    'playback', '1487f9d1-64df-45f5-adfd-4df4b52678ea', 'FILE PLAYED')]],
  ['channel-execute-complete-playback-json.txt', [complete(JSON_EVENT, 'dca5a609-1b3d-46e8-a2de-e823fc62236e',
    'playback', '8f0bec20-b71a-487a-aa42-cb9bec0ff18f', 'FILE PLAYED')]],
  ['channel-execute-complete-playback-mp3-file.txt', [complete(PLAIN, 'b7548ec8-2f6b-4fb4-94aa-ed0499dbf855',
    'playback', '0cbb8f40-b058-41be-89f3-040b087e4676', 'FILE PLAYED')]],
  ['channel-execute-complete-playback-mp3-shout-http.txt', [complete(PLAIN, 'b7548ec8-2f6b-4fb4-94aa-ed0499dbf855',
    'playback', 'bf65672f-2bfb-4a29-abb1-dd0192ccebdb', 'FILE PLAYED')]],
  ['channel-execute-complete-playback.txt',
    [complete(PLAIN, LOOP_UUID, 'playback', 'c7914b1b-f9b7-4ada-ae7a-3c0adf487903', 'FILE PLAYED')]],
  ['channel-execute-complete-record.txt', [complete(PLAIN, 'a9288e82-5b28-4f72-b535-2747dd6afe23', 'record',
    '530ce1eb-a3fd-40fb-88cf-08e007f57e09', '_none_')]],
  ['channel-execute-complete-speak-flite.txt', [complete(PLAIN, '647a05ba-efc8-4869-b5d3-f82960072eb4', 'speak',
    '8826ca40-07b5-40c8-92ad-6b1ddb71f108', '_none_')]],
  ['channel-execute-complete-speak-interrupted-by-caller-bye.txt', [complete(PLAIN,
    '01787d3d-7f4c-43c6-9397-0cd647f48f14', 'speak', '8b5c7509-39b3-4dc4-9269-a837ed8e9081', '_none_')]],
  ['channel-hangup-complete.txt', [event(PLAIN, 'CHANNEL_HANGUP_COMPLETE',
    { 'Unique-ID': LOOP_UUID, 'Hangup-Cause': 'NORMAL_CLEARING', 'Answer-State': 'hangup' })]],
  ['conference-maintenance-0-add-member.txt', [event(PLAIN, 'CUSTOM',
    { 'Unique-ID': CONF_UUID, 'Event-Subclass': 'conference::maintenance', Action: 'add-member' })]],
  ['conference-maintenance-1-floor-change.txt', [event(PLAIN, 'CUSTOM',
    { 'Unique-ID': CONF_UUID, 'Event-Subclass': 'conference::maintenance', Action: 'floor-change' })]],
  ['conference-maintenance-2-kick-member.txt', [event(PLAIN, 'CUSTOM',
    { 'Unique-ID': CONF_UUID, 'Event-Subclass': 'conference::maintenance', Action: 'kick-member' })]],
  ['conference-maintenance-3-del-member.txt', [event(PLAIN, 'CUSTOM',
    { 'Unique-ID': CONF_UUID, 'Event-Subclass': 'conference::maintenance', Action: 'del-member' })]],
  ['dtmf-event-loopback-uuid_send_dtmf.txt', [event(PLAIN, 'DTMF',
    { 'Unique-ID': '9503fbfc-05eb-45a2-884d-b3be650f1663', 'DTMF-Digit': '1', 'DTMF-Source': 'UNKNOWN' })]],
  ['dtmf-event-sip-info.txt', [event(PLAIN, 'DTMF',
    { 'Unique-ID': 'c9bdc7f1-9f35-4362-810b-106aa9015aed', 'DTMF-Digit': '7', 'DTMF-Source': 'ENDPOINT' })]],
  ['dtmf-event-sip-rfc2833.txt', [event(PLAIN, 'DTMF',
    { 'Unique-ID': '31a95ae1-9527-4ddc-b61b-9f8ce6dafb68', 'DTMF-Digit': '1', 'DTMF-Source': 'RTP' })]],
  ['dtmf-event-uuid_recv_dtmf.txt', [event(PLAIN, 'DTMF',
    { 'Unique-ID': '0ae50ce1-3745-4de6-acff-ce43413dcec8', 'DTMF-Digit': '4', 'DTMF-Source': 'APP' })]],
  ['disconnect-notice-linger.txt', [withHeaders(notice('linger', LOOP_UUID), { 'Linger-Time': '-1' })]],
  ['exit-bye-and-final-disconnect.txt', [reply('+OK bye'), notice('disconnect', LOOP_UUID, BYE)]],
  ['bgapi-and-vars/01-connect-reply.txt', [event(REPLY, 'CHANNEL_DATA',
    { 'Unique-ID': BGAPI_UUID, 'Reply-Text': '+OK\n', 'Channel-Name': 'loopback/7125-b' })]],
  ['bgapi-and-vars/04-channel-park.txt', [event(JSON_EVENT, 'CHANNEL_PARK',
    { 'Unique-ID': BGAPI_UUID, 'Answer-State': 'ringing' })]],
  ['bgapi-and-vars/08-reply-bgapi-status.txt', [reply('+OK Job-UUID: 7aae3e77-fd93-491e-a046-07b37d4ed192',
    { 'Job-UUID': '7aae3e77-fd93-491e-a046-07b37d4ed192' })]],
  ['bgapi-and-vars/11-background-job-2.txt', [event(JSON_EVENT, 'BACKGROUND_JOB',
    { 'Job-UUID': 'f585ba02-7029-402f-b284-47b913e98f16', 'Job-Command': 'uuid_getvar' },
    'http://127.0.0.1:8090/twiml')]],
  ['bgapi-and-vars/13-background-job-3.txt', [event(JSON_EVENT, 'BACKGROUND_JOB',
    { 'Job-UUID': '540a62f8-f4cd-4e0f-8d83-15e8679abed6' }, '-ERR nosuchcommand Command not found!\n')]],
  ['bgapi-and-vars/14-api-response-uuid_setvar.txt', [api('+OK\n')]],
  ['bgapi-and-vars/15-reply-getvar-foo.txt', [reply('bar')]],
  ['bgapi-and-vars/17-reply-getvar-unset.txt', [reply('-ERR command not found')]],
  ['bgapi-and-vars/18-api-response-uuid_getvar-unset.txt', [api('_undef_')]],
  ['bgapi-and-vars/20-api-response-uuid_getvar-bad-uuid.txt', [api('-ERR No such channel!\n')]],
  ['bgapi-and-vars/21-execute-complete-set-foo2.txt', [withHeaders(
    complete(JSON_EVENT, BGAPI_UUID, 'set', 'e41d59ab-6966-410a-b036-6675204fa13f', '_none_'),
    { 'Application-Data': 'foo2=with space and = sign', 'variable_foo2': 'with space and = sign' })]],
  ['bgapi-and-vars/22-reply-getvar-foo2.txt', [reply('with space and = sign')]],
  ['bgapi-and-vars/27-disconnect-notice-linger.txt', [notice('linger', BGAPI_UUID)]],
  ['bgapi-and-vars/28-exit-reply-and-final-disconnect.txt', [reply('+OK bye'), notice('disconnect', BGAPI_UUID, BYE)]],
  ['bridge-answered/12-execute-complete-bridge.txt', [complete(JSON_EVENT, 'd30919d2-c0fd-482b-863a-7cc445058991',
    'bridge', '6fa2e648-31ed-46c8-9114-d94dc30d1928', '_none_')]],
  ['bridge-answered-plain/12-execute-complete-bridge.txt', [complete(PLAIN, 'c9a22326-86c8-47ab-a3ae-646e0791d187',
    'bridge', '104b3f63-8194-49cf-a007-05d000550b8b', '_none_')]],
];

function check(actual: readonly EslEvent[], expected: readonly Expected[], where: string): void {
  assert.equal(actual.length, expected.length, `${where}: message count`);
  expected.forEach((want, i) => {
    const got = actual[i] as EslEvent;
    assert.equal(got.contentType, want.type, `${where} #${i}: content type`);
    assert.equal(got.name, want.name, `${where} #${i}: event name`);
    for (const [name, value] of Object.entries(want.headers)) {
      assert.equal(got.header(name), value, `${where} #${i}: ${name}`);
    }
    if (want.body !== undefined) assert.equal(got.body, want.body, `${where} #${i}: body`);
  });
}

describe('FrameParser on captured FreeSWITCH messages', () => {
  for (const [file, expected] of SINGLE_CAPTURES) {
    it(`parses ${file}`, () => {
      const out = feed([fixture(file)]);
      assert.deepEqual(out.errors, []);
      assert.equal(out.buffered, 0);
      check(out.messages, expected, file);
      for (const message of out.messages) {
        // The outer envelope of events is dropped; the event keeps its own headers only.
        if (message.isEvent) assert.equal(message.header('Content-Type'), undefined);
        assert.equal(message.header('_body'), undefined);
      }
    });
  }

  it('keeps an event-json body out of the headers', () => {
    const [job] = feed([fixture('bgapi-and-vars/09-background-job.txt')]).messages;
    assert.ok(job);
    assert.match(job.body, /^UP 0 years, 0 days, 0 hours, 23 minutes, 36 seconds/);
    assert.equal(job.header('Job-Command'), 'status');
    assert.equal(job.header('Content-Length'), String(Buffer.byteLength(job.body)));
  });

  it('parses the same kinds of event in the JSON and the plain bridge scenario', () => {
    const kinds: ReadonlyArray<readonly [string, string, string]> = [
      ['04-channel-park', '05-channel-park', 'CHANNEL_PARK'],
      ['06-channel-answer', '06-channel-answer', 'CHANNEL_ANSWER'],
      ['10-channel-bridge', '10-channel-bridge', 'CHANNEL_BRIDGE'],
      ['11-channel-unbridge', '11-channel-unbridge', 'CHANNEL_UNBRIDGE'],
      ['13-playback-start', '13-playback-start', 'PLAYBACK_START'],
      ['14-playback-stop', '14-playback-stop', 'PLAYBACK_STOP'],
      ['16-channel-hangup', '16-channel-hangup', 'CHANNEL_HANGUP'],
      ['19-channel-hangup-complete', '19-channel-hangup-complete', 'CHANNEL_HANGUP_COMPLETE'],
    ];
    for (const [jsonFile, plainFile, name] of kinds) {
      for (const [file, type] of [[`bridge-answered/${jsonFile}.txt`, JSON_EVENT],
        [`bridge-answered-plain/${plainFile}.txt`, PLAIN]] as const) {
        const out = feed([fixture(file)]);
        assert.deepEqual(out.errors, [], file);
        check(out.messages, [event(type, name, {})], file);
      }
    }
  });
});

/** The conversation in raw-stream-basic-loopback.txt, message by message. */
const RAW_STREAM: Expected[] = [
  event(REPLY, 'CHANNEL_DATA', { 'Unique-ID': LOOP_UUID, 'Reply-Text': '+OK\n' }),
  reply('+OK Events Enabled'),
  reply('+OK will linger'),
  event(PLAIN, 'CHANNEL_PARK', { 'Unique-ID': LOOP_UUID }),
  { type: API, name: '', headers: {} },
  reply('+OK'),
  event(PLAIN, 'CHANNEL_EXECUTE', { Application: 'answer', 'Application-UUID': '6889ce10-4466-42b3-b378-96f114acdac0' }),
  event(PLAIN, 'CHANNEL_ANSWER', { 'Answer-State': 'answered' }),
  complete(PLAIN, LOOP_UUID, 'answer', '6889ce10-4466-42b3-b378-96f114acdac0', '_none_'),
  reply('+OK'),
  event(PLAIN, 'CHANNEL_EXECUTE', { Application: 'playback' }),
  complete(PLAIN, LOOP_UUID, 'playback', 'c7914b1b-f9b7-4ada-ae7a-3c0adf487903', 'FILE PLAYED'),
  reply('+OK'),
  event(PLAIN, 'CHANNEL_EXECUTE', { Application: 'hangup' }),
  event(PLAIN, 'CHANNEL_HANGUP', { 'Hangup-Cause': 'NORMAL_CLEARING' }),
  complete(PLAIN, LOOP_UUID, 'hangup', 'd5170573-ff1a-45ad-a851-fc5a161eadc0', '_none_'),
  event(PLAIN, 'CHANNEL_UNPARK', {}),
  complete(PLAIN, LOOP_UUID, 'socket', '95d3683e-b4a1-4a5c-82ec-d35e95f60cdf', '_none_'),
  event(PLAIN, 'CHANNEL_STATE', { 'Channel-State': 'CS_HANGUP' }),
  event(PLAIN, 'CHANNEL_STATE', { 'Channel-State': 'CS_REPORTING' }),
  event(PLAIN, 'CHANNEL_HANGUP_COMPLETE', { 'Unique-ID': LOOP_UUID }),
  notice('linger', LOOP_UUID),
  reply('+OK bye'),
  notice('disconnect', LOOP_UUID, BYE),
];

describe('FrameParser on a whole captured conversation', () => {
  const stream = fixture('raw-stream-basic-loopback.txt');
  const whole = feed([stream]);

  it('splits the conversation fed in one chunk into its 24 messages', () => {
    assert.deepEqual(whole.errors, []);
    assert.equal(whole.buffered, 0);
    check(whole.messages, RAW_STREAM, 'one chunk');
    assert.equal(stream.length, 44423);
  });

  it('gives the same messages for the stream cut in two at every byte boundary', function () {
    // 44,423 full parses: bounded by the stream size, not by chance.
    this.timeout(180_000);
    const bad: number[] = [];
    for (let k = 1; k < stream.length; k++) {
      const out = feed(cutAt(stream, [k]));
      if (out.errors.length > 0 || out.buffered !== 0 || !sameMessages(out.messages, whole.messages)) bad.push(k);
    }
    assert.deepEqual(bad, []);
  });

  it('gives the same messages fed one byte at a time', () => {
    const out = feed(byteChunks(stream));
    assert.deepEqual(out.errors, []);
    assert.ok(sameMessages(out.messages, whole.messages));
    assert.deepEqual(out.messages, whole.messages);
  });

  it('gives the same messages in random chunk sizes (seeded)', () => {
    for (const [seed, max] of [[1, 7], [2, 64], [3, 700], [4, 4096], [5, 20_000], [6, 3]] as const) {
      const chunks = randomChunks(stream, seed, max);
      assert.ok(chunks.length > 1, `seed ${seed}`);
      const out = feed(chunks);
      assert.deepEqual(out.errors, [], `seed ${seed}`);
      assert.deepEqual(out.messages, whole.messages, `seed ${seed}`);
    }
  });

  it('delivers many frames given in one chunk, in order', () => {
    const names = ['connect-reply-loopback.txt', 'channel-execute-complete-answer.txt', 'dtmf-event-sip-info.txt',
      'channel-execute-complete-playback-json.txt', 'bgapi-and-vars/14-api-response-uuid_setvar.txt',
      'conference-maintenance-1-floor-change.txt', 'disconnect-notice-linger.txt', 'exit-bye-and-final-disconnect.txt'];
    const expected = names.flatMap((n) => SINGLE_CAPTURES.find(([f]) => f === n)?.[1] ?? []);
    assert.equal(expected.length, 9);
    const joined = Buffer.concat(names.map((n) => fixture(n)));
    const out = feed([joined]);
    assert.deepEqual(out.errors, []);
    assert.equal(out.buffered, 0);
    check(out.messages, expected, 'one chunk');
    // The same bytes with every frame boundary falling inside a chunk.
    check(feed(randomChunks(joined, 99, 1500)).messages, expected, 'random chunks');
  });

  it('holds a partial frame until its last byte arrives', () => {
    const bytes = fixture('channel-execute-complete-answer.txt');
    const head = bytes.subarray(0, bytes.length - 1);
    const partial = feed([head]);
    assert.deepEqual(partial.messages, []);
    assert.deepEqual(partial.errors, []);
    // The header block, once complete, is decoded and no longer held: only the body bytes wait.
    assert.equal(partial.buffered, 2718 - 1);
    const done = feed([head, bytes.subarray(bytes.length - 1)]);
    assert.equal(done.messages.length, 1);
    assert.equal(done.messages[0]?.header('Application-UUID'), '6889ce10-4466-42b3-b378-96f114acdac0');
    assert.equal(done.buffered, 0);
  });
});
