import assert from 'node:assert/strict';
import { parseTwiml, TwimlError } from '../../src/twiml/index.js';
import { readXmlTree } from '../../src/twiml/xml-tree.js';
import { BASE, parse, rejects, response } from './helpers.js';

describe('twiml: hardening', () => {
  it('refuses a billion-laughs document before parsing, whatever its size', () => {
    const entities = Array.from({ length: 10 }, (_, i) =>
      i === 0 ? '<!ENTITY a0 "ha">' : `<!ENTITY a${i} "${`&a${i - 1};`.repeat(10)}">`,
    ).join('\n');
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE Response [\n${entities}\n]>\n<Response><Say>&a9;</Say></Response>`;
    rejects(xml, 'ERR_TWIML_DOCTYPE', 12100, 2);
  });

  it('refuses external entities and a lone ENTITY declaration', () => {
    rejects('<!DOCTYPE r SYSTEM "http://evil.example.com/x.dtd"><Response/>', 'ERR_TWIML_DOCTYPE', 12100, 1);
    rejects('<Response>\n<!ENTITY x "y"></Response>', 'ERR_TWIML_DOCTYPE', 12100, 2);
    rejects('<Response><Say><![CDATA[<!doctype html>]]></Say></Response>', 'ERR_TWIML_DOCTYPE', 12100, 1);
  });

  it('the XML layer itself never expands a declared entity, even when a DOCTYPE reaches it', () => {
    const internal = readXmlTree('<!DOCTYPE Response [<!ENTITY a "expanded">]><Response><Say>&a;</Say></Response>');
    assert.equal(internal.ok, false);
    const external = readXmlTree('<!DOCTYPE Response [<!ENTITY x SYSTEM "file:///etc/passwd">]><Response><Say>&x;</Say></Response>');
    assert.equal(external.ok, false);
    const unused = readXmlTree('<!DOCTYPE Response [<!ENTITY a "expanded">]><Response><Say a="&amp;">ok</Say></Response>');
    assert.ok(unused.ok);
  });

  it('never expands an entity that is not predefined', () => {
    rejects(response('<Say>&lol;</Say>'), 'ERR_TWIML_PARSE', 12100, 1);
    rejects(response('<Say voice="&lol;">x</Say>'), 'ERR_TWIML_PARSE', 12100, 1);
  });

  it('decodes the predefined entities and character references in text and attributes', () => {
    const doc = parse(response('<Say voice="a&amp;b&#39;&#x22;">&lt;1&gt; &quot;two&quot; &apos;3&apos; &#233;t&#xE9; &#x1F600;</Say>'));
    const say = doc.verbs[0];
    assert.ok(say?.kind === 'Say');
    assert.equal(say.voice, 'a&b\'"');
    assert.equal(say.text, '<1> "two" \'3\' été 😀');
  });

  it('refuses a bare & or < in an attribute, and references to forbidden characters', () => {
    rejects(response('<Redirect method="GET">/next?a=1&b=2</Redirect>'), 'ERR_TWIML_PARSE', 12100, 1);
    rejects(response('<Gather action="/menu?a=1&b=2"/>'), 'ERR_TWIML_PARSE', 12100, 1);
    const located = rejects('<Response>\n<Say>&amp;</Say>\n<Gather action="/m?a=1&b=2"/></Response>', 'ERR_TWIML_PARSE', 12100, 3);
    assert.equal(located.column, 23);
    rejects(response('<Gather action="/a<b"/>'), 'ERR_TWIML_PARSE', 12100);
    rejects(response('<Say>&#0;</Say>'), 'ERR_TWIML_PARSE', 12100);
    rejects(response('<Say>a\u0001b</Say>'), 'ERR_TWIML_PARSE', 12100, 1);
  });

  it('refuses a document over 64 KB, counted in UTF-8 bytes', () => {
    const filler = `<Say>${'x'.repeat(65 * 1024)}</Say>`;
    const err = rejects(response(filler), 'ERR_TWIML_TOO_LARGE', undefined);
    assert.equal(err.line, undefined);
    const justUnder = response(`<Say>${'x'.repeat(65_536 - 32)}</Say>`);
    assert.ok(Buffer.byteLength(justUnder) <= 65_536);
    assert.equal(parse(justUnder).verbs.length, 1);
    const multiByte = response(`<Say>${'é'.repeat(33_000)}</Say>`);
    assert.ok(multiByte.length < 65_536);
    rejects(multiByte, 'ERR_TWIML_TOO_LARGE', undefined);
  });

  it('refuses 10,000-deep nesting', () => {
    const deep = `${'<Gather>'.repeat(10_000)}${'</Gather>'.repeat(10_000)}`;
    let caught: unknown;
    try {
      parseTwiml(response(deep), BASE, { maxBytes: 1_000_000 });
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof TwimlError);
    assert.equal(caught.code, 'ERR_TWIML_TOO_DEEP');
    assert.equal(caught.line, 1);
    assert.equal(caught.column, 1 + '<Response>'.length + 15 * '<Gather>'.length);
    const compact = `<Response>${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</Response>`;
    assert.throws(() => parseTwiml(compact, BASE), TwimlError);
  });

  it('depth and element limits are parameters', () => {
    const nested = response('<Dial><Number>1</Number></Dial>');
    assert.equal(parseTwiml(nested, BASE, { maxDepth: 3 }).verbs.length, 1);
    assert.throws(() => parseTwiml(nested, BASE, { maxDepth: 2 }), { code: 'ERR_TWIML_TOO_DEEP' });
    assert.throws(() => parseTwiml(response('<Pause/>'.repeat(1000)), BASE), { code: 'ERR_TWIML_TOO_MANY_ELEMENTS', line: 1 });
    assert.equal(parseTwiml(response('<Pause/>'.repeat(999)), BASE).verbs.length, 999);
    assert.equal(parseTwiml(response('<Pause/>'.repeat(5)), BASE, { maxElements: 6 }).verbs.length, 5);
    assert.throws(() => parseTwiml(response('<Pause/>'.repeat(6)), BASE, { maxElements: 6 }), {
      code: 'ERR_TWIML_TOO_MANY_ELEMENTS',
    });
    assert.throws(() => parseTwiml('<Response/>', BASE, { maxDepth: 0 }), RangeError);
    assert.throws(() => parseTwiml('<Response/>', BASE, { maxDepth: 5000 }), RangeError);
  });

  it('ignores processing instructions and comments, keeps CDATA as text', () => {
    const doc = parse('<?xml version="1.0"?><?php echo "x"; ?><!-- a --><Response><!-- <Hangup/> --><?pi?><Say>a <![CDATA[& b]]></Say></Response>');
    assert.deepEqual(doc.verbs.map((v) => v.kind), ['Say']);
    assert.ok(doc.verbs[0]?.kind === 'Say' && doc.verbs[0].text === 'a & b');
  });

  it('an XML declaration that is not at the very start is not well-formed', () => {
    rejects('\n<?xml version="1.0"?><Response/>', 'ERR_TWIML_PARSE', 12100);
  });

  it('refuses text after the root and a second root', () => {
    rejects('<Response/>trailing', 'ERR_TWIML_PARSE', 12100, 1);
    rejects('<Response/>\n<Response/>', 'ERR_TWIML_PARSE', 12100, 2);
    rejects('', 'ERR_TWIML_PARSE', 12100);
    rejects('   ', 'ERR_TWIML_PARSE', 12100);
  });

  it('names that look like JavaScript internals are handled as plain names', () => {
    rejects(response('<toString/>'), 'ERR_TWIML_UNKNOWN_VERB', 12200, 1);
    const doc = parse(response('<Hangup hasOwnProperty="1"/>'));
    assert.equal(doc.verbs[0]?.unknownAttributes.length, 1);
  });
});
