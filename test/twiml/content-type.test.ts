import assert from 'node:assert/strict';
import { classifyContentType, mediaType, TwimlError } from '../../src/twiml/index.js';

const TWIML = '<?xml version="1.0"?>\n<!-- hi -->\n<Response><Say>Hi</Say></Response>';

function refused(contentType: string | undefined, body: string): TwimlError {
  const verdict = classifyContentType(contentType, body);
  assert.ok(verdict instanceof TwimlError, `expected a refusal for ${String(contentType)}`);
  assert.equal(verdict.code, 'ERR_TWIML_CONTENT_TYPE');
  assert.equal(verdict.twilioCode, 12300);
  return verdict;
}

describe('twiml: content type', () => {
  it('text/xml and application/xml are TwiML, whatever the case and parameters', () => {
    assert.equal(classifyContentType('text/xml', TWIML), 'twiml');
    assert.equal(classifyContentType('application/xml; charset=utf-8', TWIML), 'twiml');
    assert.equal(classifyContentType('Text/XML;charset=ISO-8859-1', TWIML), 'twiml');
    assert.equal(classifyContentType(' application/xml ', '<html/>'), 'twiml');
  });

  it('other types are TwiML only when the body parses as a <Response> document', () => {
    assert.equal(classifyContentType('text/plain', TWIML), 'twiml');
    assert.equal(classifyContentType('text/html; charset=utf-8', '<Response/>'), 'twiml');
    assert.equal(classifyContentType(undefined, '\ufeff  <Response>\n<Hangup/></Response>'), 'twiml');
    assert.equal(classifyContentType('application/octet-stream', TWIML), 'twiml');
  });

  it('refuses HTML pages, JSON (Kazoo callflows are not supported), empty and broken bodies', () => {
    refused('text/html', '<!DOCTYPE html><html><body>502 Bad Gateway</body></html>');
    refused('text/html', '<html><body>Error</body></html>');
    const json = refused('application/json', '{"module":"play","data":{"id":"x"}}');
    assert.match(json.message, /application\/json/);
    refused('application/json', '[]');
    refused(undefined, '');
    refused('text/plain', 'Response');
    refused('text/plain', '<Response><Say>unclosed</Response>');
    refused('text/plain', '<Responses/>');
    refused('', '<?xml version="1.0"?><Document/>');
  });

  it('a JSON content type with a <Response> body is still TwiML', () => {
    assert.equal(classifyContentType('application/json', '<Response/>'), 'twiml');
  });

  it('mediaType drops parameters and lower-cases', () => {
    assert.equal(mediaType('Text/XML; charset=utf-8'), 'text/xml');
    assert.equal(mediaType(undefined), '');
  });
});
