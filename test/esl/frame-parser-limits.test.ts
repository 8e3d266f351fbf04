import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { EslError } from '../../src/errors.js';
import { DEFAULT_FRAME_LIMITS, type FrameParserOptions } from '../../src/esl/frame-parser.js';
import { apiResponse, commandReply, fixture, jsonEvent } from '../support/frames.js';
import { cutAt, evenChunks, feed, type Outcome } from './frame-feed.js';

const PAD_LINES = 6000;

/** The SIP connect reply padded with PAD_LINES extra variables (about 600 KB), as one header block. */
function hugeConnectReply(): Buffer {
  const text = fixture('connect-reply-sip.txt').toString('latin1');
  const at = text.indexOf('Content-Type: command/reply\n');
  assert.ok(at > 0);
  let pad = '';
  for (let i = 0; i < PAD_LINES; i++) {
    const n = String(i).padStart(5, '0');
    pad += `variable_pad_${n}: value%20${n}%20${'x'.repeat(64)}%3Adone%E2%9C%93\n`;
  }
  return Buffer.from(text.slice(0, at) + pad + text.slice(at), 'latin1');
}

function onlyError(out: Outcome, code: string): EslError {
  assert.equal(out.errors.length, 1, 'exactly one error');
  const err = out.errors[0];
  assert.ok(err instanceof EslError);
  assert.equal(err.code, code);
  assert.equal(out.buffered, 0);
  return err;
}

describe('FrameParser with a huge CHANNEL_DATA', () => {
  const huge = hugeConnectReply();
  const tail = fixture('channel-execute-complete-answer.txt');
  const stream = Buffer.concat([huge, tail]);

  function checkHuge(out: Outcome): void {
    assert.deepEqual(out.errors, []);
    assert.equal(out.messages.length, 2);
    const [reply, after] = out.messages;
    assert.ok(reply && after);
    assert.equal(reply.name, 'CHANNEL_DATA');
    assert.equal(reply.header('Reply-Text'), '+OK\n');
    assert.equal(reply.header('Unique-ID'), '56cc20c7-abd5-4f72-99e8-fe4969731447');
    const pads = Object.keys(reply.variables()).filter((k) => k.startsWith('pad_'));
    assert.equal(pads.length, PAD_LINES);
    assert.equal(reply.variable('pad_00000'), `value 00000 ${'x'.repeat(64)}:done✓`);
    assert.equal(reply.variable('pad_05999'), `value 05999 ${'x'.repeat(64)}:done✓`);
    assert.equal(after.header('Application-UUID'), '6889ce10-4466-42b3-b378-96f114acdac0');
    assert.equal(out.buffered, 0);
  }

  it('is big but within the default header limit', () => {
    assert.ok(huge.length > 600_000 && huge.length < DEFAULT_FRAME_LIMITS.maxHeaderBytes, String(huge.length));
    assert.equal(DEFAULT_FRAME_LIMITS.maxHeaderBytes, 1024 * 1024);
  });

  it('parses in one chunk', () => {
    checkHuge(feed([stream]));
  });

  it('parses split into 1,000 chunks', () => {
    const chunks = evenChunks(stream, 1000);
    assert.equal(chunks.length, 1000);
    checkHuge(feed(chunks));
  });

  it('is refused whole when the header limit is below its size', () => {
    const out = feed(evenChunks(stream, 1000), { maxHeaderBytes: 512 * 1024, maxBodyBytes: 1024 });
    assert.deepEqual(out.messages, []);
    onlyError(out, 'ERR_ESL_FRAME_TOO_LARGE');
  });
});

describe('FrameParser limits', () => {
  const small: FrameParserOptions = { maxHeaderBytes: 1024, maxBodyBytes: 4096 };
  const good = Buffer.from(commandReply('+OK'));

  it('reports a header block over maxHeaderBytes without a blank line, once, and nothing after', () => {
    const line = Buffer.from(`Variable-Pad: ${'y'.repeat(200)}\n`);
    const chunks = [good, ...Array.from({ length: 6 }, () => line), good, line, good];
    const out = feed(chunks, small);
    assert.equal(out.messages.length, 1, 'only the reply before the overflow');
    assert.equal(out.messages[0]?.header('Reply-Text'), '+OK');
    const err = onlyError(out, 'ERR_ESL_FRAME_TOO_LARGE');
    assert.match(err.message, /1024/);
  });

  it('accepts a header block of exactly maxHeaderBytes still waiting for its blank line', () => {
    const block = Buffer.from(`Content-Type: command/reply\nReply-Text: ${'z'.repeat(900)}\n`);
    const pending = Buffer.concat([block, Buffer.alloc(1024 - block.length - 1, 'a'), Buffer.from('\n')]);
    assert.equal(pending.length, 1024);
    const out = feed([pending, Buffer.from('\n')], small);
    assert.deepEqual(out.errors, []);
    assert.equal(out.messages.length, 1);
  });

  it('reports a header block over the default 1 MiB limit', () => {
    const line = Buffer.from(`variable_pad: ${'p'.repeat(1000)}\n`);
    const chunks = Array.from({ length: 1100 }, () => line);
    const out = feed(chunks);
    assert.deepEqual(out.messages, []);
    onlyError(out, 'ERR_ESL_FRAME_TOO_LARGE');
  });

  it('reports a Content-Length over maxBodyBytes before reading the body', () => {
    const over = Buffer.from('Content-Type: api/response\nContent-Length: 4097\n\n');
    const out = feed([good, over, Buffer.alloc(4097, 'b'), good], small);
    assert.equal(out.messages.length, 1);
    onlyError(out, 'ERR_ESL_FRAME_TOO_LARGE');
    const atLimit = feed([Buffer.from(apiResponse('c'.repeat(4096))), good], small);
    assert.deepEqual(atLimit.errors, []);
    assert.equal(atLimit.messages[0]?.body.length, 4096);
    assert.equal(atLimit.messages.length, 2);
  });

  it('reports a Content-Length over the default 16 MiB', () => {
    const out = feed([Buffer.from(`Content-Type: api/response\nContent-Length: ${16 * 1024 * 1024 + 1}\n\n`)]);
    onlyError(out, 'ERR_ESL_FRAME_TOO_LARGE');
    assert.deepEqual(out.messages, []);
  });

  for (const length of ['abc', '-5', '12abc', '', '1e3', '0x10']) {
    it(`reports a non-numeric Content-Length ${JSON.stringify(length)} as a protocol error`, () => {
      const bad = Buffer.from(`Content-Type: api/response\nContent-Length: ${length}\n\nbody`);
      const out = feed([good, Buffer.concat([bad, good]), good]);
      assert.equal(out.messages.length, 1);
      onlyError(out, 'ERR_ESL_PROTOCOL');
    });
  }

  it('reports an event-json body that is not JSON, once, and nothing after', () => {
    const text = '{"Event-Name":"DTMF","DTMF-Digit":';
    const bad = Buffer.from(`Content-Length: ${text.length}\nContent-Type: text/event-json\n\n${text}`);
    const next = Buffer.from(jsonEvent({ 'Event-Name': 'DTMF', 'DTMF-Digit': '5' }));
    const out = feed([Buffer.from(jsonEvent({ 'Event-Name': 'DTMF', 'DTMF-Digit': '4' })), bad, next, good]);
    assert.equal(out.messages.length, 1);
    assert.equal(out.messages[0]?.header('DTMF-Digit'), '4');
    onlyError(out, 'ERR_ESL_PROTOCOL');
  });

  it('reports an event-json body that is JSON but not an object', () => {
    for (const text of ['[1,2]', '"text"', 'null', '42']) {
      const bad = Buffer.from(`Content-Length: ${text.length}\nContent-Type: text/event-json\n\n${text}`);
      const out = feed([Buffer.concat([bad, good])]);
      assert.deepEqual(out.messages, [], text);
      onlyError(out, 'ERR_ESL_PROTOCOL');
    }
  });

  it('reads a Content-Length of 0 at the very end of a chunk', () => {
    const linger = fixture('disconnect-notice-linger.txt');
    const out = feed([linger]);
    assert.deepEqual(out.errors, []);
    assert.equal(out.messages.length, 1);
    assert.equal(out.messages[0]?.header('Content-Disposition'), 'linger');
    assert.equal(out.messages[0]?.body, '');
    const split = feed(cutAt(Buffer.concat([linger, good]), [linger.length - 1, linger.length]));
    assert.deepEqual(split.errors, []);
    assert.deepEqual(split.messages.map((m) => m.contentType), ['text/disconnect-notice', 'command/reply']);
  });
});
