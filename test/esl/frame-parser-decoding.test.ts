import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { EslEvent } from '../../src/esl/event.js';
import { parseHeaderBlock } from '../../src/esl/frame-parser.js';
import { apiResponse, commandReply, fixture, jsonEvent } from '../support/frames.js';
import { cutAt, feed, fsEncode, plainEvent, sameMessages } from './frame-feed.js';

/** Parses the bytes whole and cut in two at every boundary; every cut must give the whole's messages. */
function parseAtEverySplit(bytes: Buffer): EslEvent[] {
  const whole = feed([bytes]);
  assert.deepEqual(whole.errors, []);
  assert.equal(whole.buffered, 0);
  const bad: number[] = [];
  for (let k = 1; k < bytes.length; k++) {
    const out = feed(cutAt(bytes, [k]));
    if (out.errors.length > 0 || !sameMessages(out.messages, whole.messages)) bad.push(k);
  }
  assert.deepEqual(bad, [], 'split points giving other messages');
  return whole.messages;
}

/** The connect reply of the SIP capture with extra raw header lines just before its `Content-Type`. */
function connectReplyWith(lines: string): Buffer {
  const text = fixture('connect-reply-sip.txt').toString('latin1');
  const at = text.indexOf('Content-Type: command/reply\n');
  assert.ok(at > 0);
  return Buffer.from(text.slice(0, at) + lines + text.slice(at), 'latin1');
}

const NAME = 'Renée Ørsted 日本 😀';
const BODY = 'Merci ✓ 日本語 🎉\nsecond line é\n';

describe('FrameParser with multi-byte UTF-8', () => {
  it('counts Content-Length in bytes for JSON events, plain events and api responses', () => {
    const json = jsonEvent({ 'Event-Name': 'BACKGROUND_JOB', 'Job-UUID': 'job-1', 'Caller-Caller-ID-Name': NAME }, BODY);
    const plain = plainEvent({ 'Event-Name': 'BACKGROUND_JOB', 'Job-UUID': 'job-2', 'Caller-Caller-ID-Name': NAME },
      BODY);
    const stream = Buffer.concat([Buffer.from(json), plain, Buffer.from(apiResponse(BODY)),
      Buffer.from(commandReply('+OK after'))]);
    assert.notEqual(Buffer.byteLength(BODY), BODY.length);
    const [a, b, c, d, ...rest] = parseAtEverySplit(stream);
    assert.deepEqual(rest, []);
    assert.equal(a?.contentType, 'text/event-json');
    assert.equal(a?.header('Job-UUID'), 'job-1');
    assert.equal(a?.header('Caller-Caller-ID-Name'), NAME);
    assert.equal(a?.body, BODY);
    assert.equal(b?.contentType, 'text/event-plain');
    assert.equal(b?.header('Job-UUID'), 'job-2');
    assert.equal(b?.header('Caller-Caller-ID-Name'), NAME);
    assert.equal(b?.body, BODY);
    assert.equal(c?.contentType, 'api/response');
    assert.equal(c?.body, BODY);
    assert.equal(d?.header('Reply-Text'), '+OK after');
  });

  it('decodes a character whose bytes arrive in different chunks', () => {
    const frame = Buffer.from(jsonEvent({ 'Event-Name': 'CUSTOM', 'Caller-Caller-ID-Name': '日本' }, '😀'));
    const hi = frame.indexOf(Buffer.from('日'));
    const emoji = frame.indexOf(Buffer.from('😀'));
    assert.ok(hi > 0 && emoji > hi);
    // Cut after the first byte of 日 and after the second byte of the four-byte emoji.
    for (const cuts of [[hi + 1], [emoji + 2], [hi + 1, hi + 2, emoji + 1, emoji + 3]]) {
      const [message, ...rest] = feed(cutAt(frame, cuts)).messages;
      assert.deepEqual(rest, []);
      assert.equal(message?.header('Caller-Caller-ID-Name'), '日本', `cuts ${cuts.join(',')}`);
      assert.equal(message?.body, '😀');
    }
  });

  it('reads a raw (not %-encoded) UTF-8 value in a command reply', () => {
    const [message] = parseAtEverySplit(Buffer.from(commandReply('Zoë 日本')));
    assert.equal(message?.header('Reply-Text'), 'Zoë 日本');
  });
});

describe('FrameParser with bad %-encoding in the connect reply', () => {
  const lines = 'variable_x: %E9%C3(\nvariable_lone: 100%\nvariable_g: %G1\nvariable_trail: abc%4\n' +
    'variable_latin_name: Ren%E9e\nvariable_mixed: Caf%C3%A9%20%E9%2050%\nvariable_lower: %c3%a9\n';

  it('never throws and decodes each value as far as it can', () => {
    const [reply, ...rest] = parseAtEverySplit(connectReplyWith(lines));
    assert.deepEqual(rest, []);
    assert.ok(reply);
    assert.equal(reply.contentType, 'command/reply');
    assert.equal(reply.name, 'CHANNEL_DATA');
    assert.equal(reply.variable('x'), '\uFFFD\uFFFD(');
    assert.equal(reply.variable('lone'), '100%');
    assert.equal(reply.variable('g'), '%G1');
    assert.equal(reply.variable('trail'), 'abc%4');
    assert.equal(reply.variable('latin_name'), 'Ren\uFFFDe');
    assert.equal(reply.variable('mixed'), 'Café \uFFFD 50%');
    assert.equal(reply.variable('lower'), 'é');
    // The rest of the reply is untouched by the bad lines.
    assert.equal(reply.header('Reply-Text'), '+OK\n');
    assert.equal(reply.header('Unique-ID'), '56cc20c7-abd5-4f72-99e8-fe4969731447');
    assert.equal(reply.header('Control'), 'full');
  });

  it('keeps decoding the messages that follow', () => {
    const stream = Buffer.concat([connectReplyWith(lines), fixture('channel-execute-complete-answer.txt')]);
    const out = feed([stream]);
    assert.deepEqual(out.errors, []);
    assert.equal(out.messages.length, 2);
    assert.equal(out.messages[1]?.header('Application-UUID'), '6889ce10-4466-42b3-b378-96f114acdac0');
  });
});

describe('FrameParser with array headers', () => {
  const json = feed([fixture('bridge-answered/10-channel-bridge.txt')]).messages[0] as EslEvent;
  const plain = feed([fixture('bridge-answered-plain/10-channel-bridge.txt')]).messages[0] as EslEvent;

  it('reads variable_DP_MATCH as a list in JSON and as ARRAY:: in plain', () => {
    assert.deepEqual(json.headers['variable_DP_MATCH'], ['7101', '7101']);
    assert.equal(json.header('variable_DP_MATCH'), 'ARRAY::7101|:7101');
    assert.deepEqual(json.headerList('variable_DP_MATCH'), ['7101', '7101']);
    assert.equal(json.variable('DP_MATCH'), 'ARRAY::7101|:7101');
    assert.equal(json.variables()['DP_MATCH'], 'ARRAY::7101|:7101');

    assert.equal(plain.headers['variable_DP_MATCH'], 'ARRAY::7102|:7102');
    assert.equal(plain.header('variable_DP_MATCH'), 'ARRAY::7102|:7102');
    assert.deepEqual(plain.headerList('variable_DP_MATCH'), ['7102', '7102']);
    assert.equal(plain.variables()['DP_MATCH'], 'ARRAY::7102|:7102');
  });

  it('gives the two formats the same shape: the dialled number twice, and the same header names', () => {
    for (const message of [json, plain]) {
      const dialled = message.header('Caller-Destination-Number') ?? '';
      assert.match(dialled, /^710[12]$/);
      assert.deepEqual(message.headerList('variable_DP_MATCH'), [dialled, dialled]);
      assert.equal(message.header('variable_DP_MATCH'), `ARRAY::${dialled}|:${dialled}`);
    }
    assert.deepEqual(Object.keys(json.headers).sort(), Object.keys(plain.headers).sort());
    assert.deepEqual(json.headerList('Unique-ID'), ['d30919d2-c0fd-482b-863a-7cc445058991']);
    assert.deepEqual(plain.headerList('missing'), []);
  });

  it('reads the JSON capture re-serialised as plain exactly as the JSON itself', () => {
    const asPlain = feed([plainEvent(json.headers)]).messages[0] as EslEvent;
    assert.equal(asPlain.contentType, 'text/event-plain');
    assert.deepEqual(Object.keys(asPlain.headers), Object.keys(json.headers));
    for (const name of Object.keys(json.headers)) {
      assert.equal(asPlain.header(name), json.header(name), name);
      assert.deepEqual(asPlain.headerList(name), json.headerList(name), name);
    }
    assert.deepEqual(asPlain.variables(), json.variables());
    assert.equal(fsEncode('ARRAY::7101|:7101'), 'ARRAY%3A%3A7101%7C%3A7101');
  });
});

describe('FrameParser with CRLF line ends', () => {
  it('parseHeaderBlock drops the CR of each line', () => {
    const text = 'Content-Type: command/reply\r\nReply-Text: %2BOK%20done\r\nEmpty:\r\n\r\n';
    assert.deepEqual(parseHeaderBlock(text, true),
      { 'Content-Type': 'command/reply', 'Reply-Text': '+OK done', Empty: '' });
    assert.deepEqual(parseHeaderBlock(text, false),
      { 'Content-Type': 'command/reply', 'Reply-Text': '%2BOK%20done', Empty: '' });
  });

  it('ends a header block at a CRLF blank line, at every split point', () => {
    const stream = Buffer.from('Content-Type: command/reply\r\nReply-Text: +OK accepted\r\n\r\n' +
      'Content-Type: api/response\r\nContent-Length: 6\r\n\r\n+OK\r\n\n' +
      'Content-Type: command/reply\nReply-Text: +OK plain\n\n');
    const [first, second, third, ...rest] = parseAtEverySplit(stream);
    assert.deepEqual(rest, []);
    assert.deepEqual(first?.headers, { 'Content-Type': 'command/reply', 'Reply-Text': '+OK accepted' });
    assert.equal(second?.contentType, 'api/response');
    assert.equal(second?.body, '+OK\r\n\n');
    assert.equal(third?.header('Reply-Text'), '+OK plain');
  });

  it('reads the captured connect reply rewritten with CRLF as the original', () => {
    const original = fixture('connect-reply-loopback.txt');
    const crlf = Buffer.from(original.toString('latin1').replaceAll('\n', '\r\n'), 'latin1');
    const [want] = feed([original]).messages;
    const out = feed([crlf]);
    assert.deepEqual(out.errors, []);
    assert.equal(out.messages.length, 1);
    assert.ok(want);
    assert.deepEqual(out.messages[0]?.headers, want.headers);
    assert.equal(out.messages[0]?.header('Reply-Text'), '+OK\n');
    assert.equal(out.buffered, 0);
  });
});
