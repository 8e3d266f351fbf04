import assert from 'node:assert/strict';
import { EslEvent } from '../../src/esl/event.js';
import { findJsonString } from '../../src/esl/json-lookup.js';

describe('reading single members of a JSON event', () => {
  const json = JSON.stringify({
    'Event-Name': 'CHANNEL_EXECUTE_COMPLETE',
    'Caller-Caller-ID-Name': 'say "Event-Name":"FAKE" to me \\ ok',
    'Unique-ID': 'abc',
    variable_DP_MATCH: ['7001', '7001'],
    variable_name: 'Ren\u00e9 \u65e5\u672c \ud83d\ude00 tab\there',
    'Event-Name-Suffix': 'not this',
    _body: 'line one\nline two',
  });

  it('finds string members, unescaping only when needed', () => {
    assert.equal(findJsonString(json, 'Event-Name'), 'CHANNEL_EXECUTE_COMPLETE');
    assert.equal(findJsonString(json, 'Unique-ID'), 'abc');
    assert.equal(findJsonString(json, 'Caller-Caller-ID-Name'), 'say "Event-Name":"FAKE" to me \\ ok');
    assert.equal(findJsonString(json, 'variable_name'), 'Ren\u00e9 \u65e5\u672c \ud83d\ude00 tab\there');
    assert.equal(findJsonString(json, '_body'), 'line one\nline two');
  });

  it('tells absent members from members that are not strings', () => {
    assert.equal(findJsonString(json, 'Application-UUID'), undefined);
    assert.equal(findJsonString(json, 'variable_DP_MATCH'), null);
    assert.equal(findJsonString('{"a":"unterminated', 'a'), undefined);
  });

  it('gives the same answers through an EslEvent as the parsed table does', () => {
    const lazy = EslEvent.fromJson(json);
    assert.equal(lazy.name, 'CHANNEL_EXECUTE_COMPLETE');
    assert.equal(lazy.header('variable_DP_MATCH'), 'ARRAY::7001|:7001');
    assert.equal(lazy.body, 'line one\nline two');
    assert.equal(lazy.header('_body'), undefined);
    const table = lazy.headers;
    assert.equal(table['Caller-Caller-ID-Name'], 'say "Event-Name":"FAKE" to me \\ ok');
    assert.equal('_body' in table, false);
    assert.deepEqual(lazy.headerList('variable_DP_MATCH'), ['7001', '7001']);
  });

  it('a text broken inside its braces gives an event with no members, never an exception', () => {
    const broken = EslEvent.fromJson('{"Event-Name":"DTMF",,}');
    assert.deepEqual(broken.headers, {});
    assert.equal(broken.name, '');
  });
});
