import assert from 'node:assert/strict';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import { parseTwiml, resolveUrl, TwimlError, validateTwiml } from '../../src/twiml/index.js';
import { BASE, response } from './helpers.js';

const BROKEN = `<Response>
  <Say loop="x">Hello</Say>
  <Gather timeout="0" colour="blue">
    <Dial>123</Dial>
  </Gather>
  <Redirect/>
  <Dance/>
  <Play>https://ok.example.com/a.mp3</Play>
</Response>`;

describe('twiml: validateTwiml and error details', () => {
  it('lists every problem with its code, Twilio number and line, in document order', () => {
    const problems = validateTwiml(BROKEN, BASE);
    assert.deepEqual(
      problems.map((p) => [p.severity, p.code, p.twilioCode, p.line, p.element]),
      [
        ['error', 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 2, 'Say'],
        ['error', 'ERR_TWIML_INVALID_ATTRIBUTE', 12200, 3, 'Gather'],
        ['warning', 'ERR_TWIML_UNKNOWN_ATTRIBUTE', 12200, 3, 'Gather'],
        ['error', 'ERR_TWIML_INVALID_NESTING', 12200, 4, 'Dial'],
        ['warning', 'ERR_TWIML_MISSING_VALUE', 12200, 6, 'Redirect'],
        ['error', 'ERR_TWIML_UNKNOWN_VERB', 12200, 7, 'Dance'],
      ],
    );
    assert.equal(problems[0]?.column, 3);
    assert.ok(problems.every((p) => p.message.length > 0));
  });

  it('parseTwiml throws the first error, carrying the full list', () => {
    let caught: unknown;
    try {
      parseTwiml(BROKEN, BASE);
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof TwimlError);
    assert.equal(caught.code, 'ERR_TWIML_INVALID_ATTRIBUTE');
    assert.equal(caught.twilioCode, 12200);
    assert.equal(caught.line, 2);
    assert.equal(caught.column, 3);
    assert.equal(caught.element, 'Say');
    assert.match(caught.message, /line 2, column 3/);
    assert.equal(caught.problems.length, 6);
  });

  it('a valid document has no problems; warnings alone do not make it invalid', () => {
    assert.deepEqual(validateTwiml(response('<Say>hi</Say>'), BASE), []);
    const warnings = validateTwiml(response('<Say engine="flite" pitch="high">hi</Say>'), BASE);
    assert.deepEqual(warnings.map((w) => [w.severity, w.code]), [
      ['warning', 'ERR_TWIML_UNSUPPORTED'],
      ['warning', 'ERR_TWIML_UNKNOWN_ATTRIBUTE'],
    ]);
    const doc = parseTwiml(response('<Say engine="flite" pitch="high">hi</Say>'), BASE);
    assert.equal(doc.warnings.length, 2);
    assert.deepEqual(doc.verbs[0]?.unknownAttributes, ['pitch']);
  });

  it('a refused document yields exactly one problem', () => {
    const problems = validateTwiml('<Response><Say>oops</Response>', BASE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.code, 'ERR_TWIML_PARSE');
    assert.equal(problems[0]?.twilioCode, 12100);
    assert.equal(problems[0]?.line, 1);
  });

  it('suggests the right case for a mis-cased verb', () => {
    const [problem] = validateTwiml(response('<gather/>'), BASE);
    assert.equal(problem?.code, 'ERR_TWIML_UNKNOWN_VERB');
    assert.match(problem?.message ?? '', /<Gather>/);
  });
});

describe('twiml: resolveUrl', () => {
  const base = new URL('https://h.example.com/ivr/menu/start.php?x=1');

  it('follows RFC 3986 against the document URL', () => {
    assert.equal(resolveUrl('next.php', base).href, 'https://h.example.com/ivr/menu/next.php');
    assert.equal(resolveUrl('/root.xml', base).href, 'https://h.example.com/root.xml');
    assert.equal(resolveUrl('../up.xml?a=b', base).href, 'https://h.example.com/ivr/up.xml?a=b');
    assert.equal(resolveUrl('//cdn.example.com/a.mp3', base).href, 'https://cdn.example.com/a.mp3');
    assert.equal(resolveUrl(' http://other.example.com/x ', base).href, 'http://other.example.com/x');
    assert.equal(resolveUrl('?step=2', base).href, 'https://h.example.com/ivr/menu/start.php?step=2');
  });

  it('throws a TwimlError for unusable or non-http(s) URLs', () => {
    for (const ref of ['ftp://h/x', 'javascript:alert(1)', 'file:///etc/passwd', 'http://[bad']) {
      assert.throws(() => resolveUrl(ref, base), (err: unknown) => {
        assert.ok(err instanceof TwimlError);
        assert.equal(err.code, 'ERR_TWIML_INVALID_URL');
        assert.equal(err.twilioCode, 12200);
        return true;
      });
    }
  });
});

describe('twiml: error catalogue', () => {
  it('uses only the Twilio numbers confirmed for TwiML: 12100, 12200, 12300', () => {
    const twiml = Object.entries(ERROR_CATALOGUE).filter(([code]) => code.startsWith('ERR_TWIML_'));
    assert.ok(twiml.length >= 10);
    for (const [code, entry] of twiml) {
      const twilio = (entry as { readonly twilio?: number }).twilio;
      assert.ok(twilio === undefined || [12100, 12200, 12300].includes(twilio), code);
    }
    assert.equal(ERROR_CATALOGUE.ERR_TWIML_PARSE.twilio, 12100);
    assert.equal(ERROR_CATALOGUE.ERR_TWIML_UNKNOWN_VERB.twilio, 12200);
    assert.equal(ERROR_CATALOGUE.ERR_TWIML_CONTENT_TYPE.twilio, 12300);
  });
});
