import assert from 'node:assert/strict';
import { parseChannelData } from '../../src/esl/channel-data.js';
import { EslEvent } from '../../src/esl/event.js';
import { FrameParser } from '../../src/esl/frame-parser.js';
import { EslError } from '../../src/errors.js';
import { fixture } from '../support/frames.js';

function parseOne(bytes: Buffer): EslEvent {
  const messages: EslEvent[] = [];
  new FrameParser((m) => messages.push(m), (e) => { throw e; }).push(bytes);
  assert.equal(messages.length, 1);
  return messages[0] as EslEvent;
}

describe('channel data from the reply to connect', () => {
  it('parses a SIP call once into a typed object', () => {
    const reply = parseOne(fixture('connect-reply-sip.txt'));
    const data = parseChannelData(reply);
    assert.equal(data.uuid, reply.header('Unique-ID'));
    assert.match(data.uuid, /^[0-9a-f-]{36}$/);
    assert.equal(data.direction, 'inbound');
    assert.equal(data.answerState, 'ringing');
    assert.match(data.channelName, /^sofia\//);
    assert.equal(data.callerIdNumber, reply.header('Caller-Caller-ID-Number'));
    assert.equal(data.destinationNumber, reply.header('Caller-Destination-Number'));
    assert.equal(data.variables['uuid'], data.uuid);
    assert.ok(Object.keys(data.variables).length > 20);
    assert.equal(data.headers['Socket-Mode'], 'async');
    assert.equal(data.headers['Control'], 'full');
  });

  it('parses a loopback call, with the array variable in its plain form', () => {
    const data = parseChannelData(parseOne(fixture('connect-reply-loopback.txt')));
    assert.equal(data.channelName, 'loopback/7001-b');
    assert.equal(data.callerIdNumber, '5551234');
    assert.equal(data.destinationNumber, '7001');
    assert.equal(data.variables['DP_MATCH'], 'ARRAY::7001|:7001');
    assert.equal(data.variables['pivot_url'], 'http://127.0.0.1:8090/twiml');
  });

  it('refuses a reply that describes no channel', () => {
    const reply = new EslEvent('command/reply', { 'Reply-Text': '+OK' });
    assert.throws(() => parseChannelData(reply), (err: unknown) => err instanceof EslError && err.code === 'ERR_ESL_PROTOCOL');
  });
});
