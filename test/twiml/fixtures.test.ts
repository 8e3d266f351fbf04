import assert from 'node:assert/strict';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import { validateTwiml, type TwimlCode } from '../../src/twiml/index.js';
import { BASE, fixtures, parse, rejects } from './helpers.js';

/** Invalid fixtures are named `<code>--<what>--line<N>.xml`. */
function expectation(name: string): { code: TwimlCode; line: number } {
  const match = /^(ERR_TWIML_[A-Z_]+)--[a-z0-9-]+--line(\d+)\.xml$/.exec(name);
  assert.ok(match?.[1] && match[2], `fixture name ${name} does not state a code and a line`);
  const code = match[1];
  assert.ok(code in ERROR_CATALOGUE, `${code} is not in the catalogue`);
  return { code: code as TwimlCode, line: Number(match[2]) };
}

describe('twiml: fixture documents', () => {
  const valid = fixtures('valid');
  const invalid = fixtures('invalid');

  it('has fixtures to check', () => {
    assert.ok(valid.length >= 10);
    assert.ok(invalid.length >= 10);
  });

  for (const { name, xml } of valid) {
    it(`valid/${name} parses without errors`, () => {
      const doc = parse(xml);
      assert.ok(Array.isArray(doc.verbs));
      assert.deepEqual(validateTwiml(xml, BASE).filter((p) => p.severity === 'error'), []);
    });
  }

  for (const { name, xml } of invalid) {
    it(`invalid/${name} is refused with its code and line`, () => {
      const { code, line } = expectation(name);
      const twilio: number | undefined = (ERROR_CATALOGUE[code] as { readonly twilio?: number }).twilio;
      rejects(xml, code, twilio, line);
    });
  }
});

describe('twiml: the documented samples', () => {
  const byName = new Map(fixtures('valid').map((f) => [f.name, f.xml]));
  const load = (name: string): string => {
    const xml = byName.get(name);
    assert.ok(xml !== undefined, name);
    return xml;
  };

  it('IVR menu: Gather with Say and Pause, then Say and Hangup', () => {
    const doc = parse(load('ivr-menu.xml'));
    assert.deepEqual(doc.verbs.map((v) => v.kind), ['Gather', 'Say', 'Hangup']);
    const gather = doc.verbs[0];
    assert.ok(gather?.kind === 'Gather');
    assert.deepEqual(gather.children.map((c) => c.kind), ['Say', 'Pause']);
    const say = gather.children[0];
    assert.ok(say?.kind === 'Say');
    assert.match(say.text, /^Thanks for calling Example Dental\. For appointments, press 1\. For billing/);
    assert.deepEqual(gather.position, { line: 3, column: 3 });
  });

  it('voicemail: Record with its action and limits', () => {
    const record = parse(load('voicemail.xml')).verbs[1];
    assert.ok(record?.kind === 'Record');
    assert.deepEqual([record.action, record.maxLength, record.finishOnKey, record.timeout], ['voicemail-saved.php', 120, '*', 10]);
  });

  it('Redirect with Variables, and Set with several Variables', () => {
    const redirect = parse(load('redirect-variables.xml')).verbs[0];
    assert.ok(redirect?.kind === 'Redirect');
    assert.equal(redirect.url, 'https://app.example.com/ivr/step2.php');
    assert.deepEqual(redirect.variables.map((v) => v.key), ['customer_id', 'language']);
    const sets = parse(load('set-variables.xml')).verbs.filter((v) => v.kind === 'Set');
    assert.deepEqual(sets.map((s) => s.variables.length), [1, 2]);
  });

  it('comments, CDATA and processing instructions', () => {
    const doc = parse(load('comments-cdata-pi.xml'));
    assert.deepEqual(doc.verbs.map((v) => v.kind), ['Say', 'Play', 'Reject']);
    const say = doc.verbs[0];
    assert.ok(say?.kind === 'Say');
    assert.equal(say.text, "Tom & Jerry's <favourite> shop");
    assert.deepEqual(doc.warnings, []);
  });

  it('a BOM and CRLF line ends', () => {
    const doc = parse(load('bom-crlf.xml'));
    assert.deepEqual(doc.verbs[0]?.position, { line: 3, column: 3 });
  });

  it('an empty <Response/> has no verbs', () => {
    assert.deepEqual(parse(load('empty-response.xml')).verbs, []);
    assert.deepEqual(parse('<Response></Response>').verbs, []);
  });
});
