import assert from 'node:assert/strict';
import { parseTwiml, TwimlError } from '../../src/twiml/index.js';

const BASE = new URL('http://app.test/voice');

describe('twiml: Play bodies', () => {
  it('keeps FreeSWITCH stream paths as they are', () => {
    const doc = parseTwiml('<Response><Play>tone_stream://%(500,0,440)</Play><Play>local_stream://moh</Play></Response>', BASE);
    assert.deepEqual(doc.verbs.map((v) => (v.kind === 'Play' ? v.url : '')), ['tone_stream://%(500,0,440)', 'local_stream://moh']);
  });

  it('still refuses other schemes', () => {
    assert.throws(() => parseTwiml('<Response><Play>ftp://files.test/a.wav</Play></Response>', BASE),
      (err: unknown) => err instanceof TwimlError && err.code === 'ERR_TWIML_INVALID_URL');
  });

  it('takes anything else as a URL relative to the document, never as a FreeSWITCH path', () => {
    // An underscore is not allowed in a URL scheme, so these are relative references (RFC 3986).
    for (const body of ['file_string://a.wav!b.wav', 'tone_stream://%(1,0,440) x']) {
      const doc = parseTwiml(`<Response><Play>${body}</Play></Response>`, BASE);
      const play = doc.verbs[0];
      assert.equal(play?.kind === 'Play' ? play.url : undefined, body);
      assert.equal(new URL(body, BASE).protocol, 'http:', body);
    }
  });
});
