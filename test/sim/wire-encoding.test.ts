/** FreeSWITCH's serialisation rules: URL encoding, cJSON strings, frames and replies. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  apiResponse,
  commandReply,
  disconnectNotice,
  encodeEventFrame,
  encodePlainHeaders,
  lingerNotice,
  quoteJsonLikeCJson,
  urlEncodeLikeFreeSwitch,
} from '../../src/sim/index.js';

const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../../../test/fixtures/esl/${name}`, import.meta.url)), 'utf8');

describe('FreeSWITCH URL encoding', () => {
  it('leaves letters, digits and ! $ \' ( ) * , - . / _ ~ alone', () => {
    const safe = "AZaz09!$'()*,-./_~";
    assert.equal(urlEncodeLikeFreeSwitch(safe), safe);
  });

  it('encodes every other printable character with uppercase hex', () => {
    const cases: Array<[string, string]> = [
      [' ', '%20'], ['"', '%22'], ['#', '%23'], ['%', '%25'], ['&', '%26'], ['+', '%2B'], [':', '%3A'],
      [';', '%3B'], ['<', '%3C'], ['=', '%3D'], ['>', '%3E'], ['?', '%3F'], ['@', '%40'], ['[', '%5B'],
      ['\\', '%5C'], [']', '%5D'], ['^', '%5E'], ['`', '%60'], ['{', '%7B'], ['|', '%7C'], ['}', '%7D'],
      ['\n', '%0A'], ['\r', '%0D'], ['\t', '%09'], ['\x7f', '%7F'],
    ];
    for (const [raw, enc] of cases) assert.equal(urlEncodeLikeFreeSwitch(raw), enc, JSON.stringify(raw));
  });

  it('encodes non-ASCII per UTF-8 byte', () => {
    assert.equal(urlEncodeLikeFreeSwitch('José'), 'Jos%C3%A9');
    assert.equal(urlEncodeLikeFreeSwitch('日'), '%E6%97%A5');
  });

  it('passes a % followed by two uppercase hex digits through (no double encoding)', () => {
    assert.equal(urlEncodeLikeFreeSwitch('50%AB'), '50%AB');
    assert.equal(urlEncodeLikeFreeSwitch('50%ab'), '50%25ab');
    assert.equal(urlEncodeLikeFreeSwitch('tone_stream://%(500,0,440)'), 'tone_stream%3A//%25(500,0,440)');
    assert.equal(urlEncodeLikeFreeSwitch('%2'), '%252');
  });

  it('writes empty values as _undef_ and arrays as ARRAY::a|:b', () => {
    assert.equal(encodePlainHeaders([['a', ''], ['DP', ['7001', '7001']]]), 'a: _undef_\nDP: ARRAY%3A%3A7001%7C%3A7001\n');
  });
});

describe('cJSON strings', () => {
  it('escapes only quotes, backslashes and control characters; UTF-8 stays raw', () => {
    assert.equal(quoteJsonLikeCJson('a"b\\c/é'), '"a\\"b\\\\c/é"');
    assert.equal(quoteJsonLikeCJson('\r\n\t\b\f\x01'), '"\\r\\n\\t\\b\\f\\u0001"');
  });
});

describe('event frames', () => {
  const headers = [['Event-Name', 'CUSTOM'], ['Caller-Caller-ID-Name', 'Zoë 日本'], ['DP', ['1', '2']]] as const;

  it('plain: Content-Length counts bytes, values are URL-encoded, a blank line ends the event', () => {
    const frame = encodeEventFrame('plain', headers);
    const body = 'Event-Name: CUSTOM\nCaller-Caller-ID-Name: Zo%C3%AB%20%E6%97%A5%E6%9C%AC\nDP: ARRAY%3A%3A1%7C%3A2\n\n';
    assert.equal(frame, `Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-plain\n\n${body}`);
  });

  it('json: one compact object, raw UTF-8, arrays as arrays, byte-counted', () => {
    const frame = encodeEventFrame('json', headers);
    const body = '{"Event-Name":"CUSTOM","Caller-Caller-ID-Name":"Zoë 日本","DP":["1","2"]}';
    assert.notEqual(Buffer.byteLength(body), body.length);
    assert.equal(frame, `Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-json\n\n${body}`);
  });

  it('a body: inner Content-Length (bytes) in plain, Content-Length + _body in json', () => {
    const h = [['Event-Name', 'BACKGROUND_JOB']] as const;
    const plain = encodeEventFrame('plain', h, 'é\n');
    assert.ok(plain.endsWith('Event-Name: BACKGROUND_JOB\nContent-Length: 3\n\né\n'));
    const json = encodeEventFrame('json', h, 'é\n');
    assert.ok(json.endsWith('{"Event-Name":"BACKGROUND_JOB","Content-Length":"3","_body":"é\\n"}'));
  });
});

describe('replies and notices', () => {
  it('match the captured bytes', () => {
    const exit = fixture('exit-bye-and-final-disconnect.txt');
    const uuid = /Controlled-Session-UUID: (\S+)/.exec(exit)?.[1] ?? '';
    assert.equal(commandReply('+OK bye') + disconnectNotice(uuid), exit);
    const linger = fixture('disconnect-notice-linger.txt');
    const m = /Controlled-Session-UUID: (\S+)\n.*\nChannel-Name: (\S+)\nLinger-Time: (-?\d+)/.exec(linger);
    assert.ok(m);
    assert.equal(lingerNotice(m[1] ?? '', m[2] ?? '', Number(m[3])), linger);
  });

  it('api/response puts Content-Type first and counts bytes', () => {
    assert.equal(apiResponse('é\n'), 'Content-Type: api/response\nContent-Length: 3\n\né\n');
  });

  it('bgapi replies carry a Job-UUID header', () => {
    assert.equal(commandReply('+OK Job-UUID: x', [['Job-UUID', 'x']]), 'Content-Type: command/reply\nReply-Text: +OK Job-UUID: x\nJob-UUID: x\n\n');
  });
});
