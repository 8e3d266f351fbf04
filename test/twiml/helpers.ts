import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTwiml, TwimlError, type TwimlCode, type TwimlDocument, type Verb } from '../../src/twiml/index.js';

/** The URL every test document is said to come from. */
export const BASE = new URL('https://app.example.com/ivr/start.xml');

/** Wraps verbs in a `<Response>`. */
export function response(body: string): string {
  return `<Response>${body}</Response>`;
}

/** Parses a document that must be valid. */
export function parse(xml: string): TwimlDocument {
  return parseTwiml(xml, BASE);
}

/** Parses `<Response>body</Response>` and returns its only verb, checking its kind. */
export function only<K extends Verb['kind']>(kind: K, body: string): Extract<Verb, { kind: K }> {
  const doc = parse(response(body));
  assert.equal(doc.verbs.length, 1);
  const verb = doc.verbs[0];
  assert.ok(verb && verb.kind === kind, `expected <${kind}>`);
  return verb as Extract<Verb, { kind: K }>;
}

/** Asserts that parsing fails with `code`, Twilio's number, and (when given) the line of the problem. */
export function rejects(xml: string, code: TwimlCode, twilio: number | undefined, line?: number): TwimlError {
  let caught: unknown;
  try {
    parseTwiml(xml, BASE);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof TwimlError, `expected a TwimlError, got ${String(caught)}`);
  assert.equal(caught.name, 'TwimlError');
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.twilioCode, twilio);
  if (line !== undefined) assert.equal(caught.line, line, caught.message);
  return caught;
}

const FIXTURES = new URL('../../../test/fixtures/twiml/', import.meta.url);

/** The fixture files of one folder (`valid` or `invalid`), name and text. */
export function fixtures(folder: 'valid' | 'invalid'): { name: string; xml: string }[] {
  const dir = new URL(`${folder}/`, FIXTURES);
  return readdirSync(fileURLToPath(dir))
    .filter((name) => name.endsWith('.xml'))
    .sort()
    .map((name) => ({ name, xml: readFileSync(fileURLToPath(new URL(name, dir)), 'utf8') }));
}
