/**
 * The entity decoder handed to fast-xml-parser. It knows the five predefined XML entities and numeric character
 * references, and nothing else: entities a document declares are dropped (`addInputEntities` does nothing), so no
 * user-defined entity can ever expand. A reference it does not know, a bare `&`, or a `<` in an attribute value
 * makes it throw {@link XmlReferenceError}, which the parser reports as a well-formedness failure.
 */
import type { EntityDecoderOptions } from 'fast-xml-parser';

const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);

const REFERENCE = /&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|([A-Za-z_][A-Za-z0-9._-]*))?;?/g;

/** A character or entity reference that is not well-formed XML, or not one we decode. */
export class XmlReferenceError extends Error {
  /** The offending source text, e.g. `&nbsp;` or `&`. */
  readonly reference: string;
  constructor(reference: string, message: string) {
    super(message);
    this.name = 'XmlReferenceError';
    this.reference = reference;
  }
}

/** Whether a code point is an XML 1.0 `Char`. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function decodeOne(match: string, hex: string | undefined, dec: string | undefined, name: string | undefined): string {
  if (!match.endsWith(';') || (hex === undefined && dec === undefined && name === undefined)) {
    throw new XmlReferenceError(match, `"&" must be escaped as "&amp;" (found "${match}")`);
  }
  if (name !== undefined) {
    const value = PREDEFINED.get(name);
    if (value === undefined) throw new XmlReferenceError(match, `the entity "${match}" is not defined`);
    return value;
  }
  const cp = hex !== undefined ? Number.parseInt(hex, 16) : Number.parseInt(dec ?? '', 10);
  if (!isXmlChar(cp)) throw new XmlReferenceError(match, `the character reference "${match}" is not an XML character`);
  return String.fromCodePoint(cp);
}

/** Decodes the references in one text or attribute value. */
export function decodeXmlReferences(text: string): string {
  if (text.includes('<')) throw new XmlReferenceError('<', '"<" must be escaped as "&lt;" in an attribute value');
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, decodeOne);
}

/** The decoder object fast-xml-parser calls; stateless, so one instance serves every parse. */
export const XML_ENTITY_DECODER: EntityDecoderOptions = {
  setExternalEntities: () => undefined,
  addInputEntities: () => undefined,
  reset: () => undefined,
  setXmlVersion: () => undefined,
  decode: decodeXmlReferences,
};
