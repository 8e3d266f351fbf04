/**
 * The one place fast-xml-parser is configured. `readXmlTree` checks well-formedness with the library's validator,
 * then parses with a shared parser object into a small ordered tree of elements and text, each element carrying
 * its source offset. Comments and processing instructions (the XML declaration included) are dropped, CDATA
 * becomes plain text, and entities are decoded by {@link XML_ENTITY_DECODER} only.
 */
import { XMLParser, XMLValidator, type X2jOptions } from 'fast-xml-parser';
import { XML_ENTITY_DECODER, XmlReferenceError } from './xml-entities.js';

/** An element: its name, attributes in document order, and its children. `offset` is the index of its `<`. */
export interface XmlElement {
  readonly type: 'element';
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlNode[];
  readonly offset: number;
}

/** A run of character data (CDATA included), entities already decoded. */
export interface XmlText {
  readonly type: 'text';
  readonly text: string;
}

/** A child of an element. */
export type XmlNode = XmlElement | XmlText;

/** Result of reading a document: its root element, or why it is not well-formed. */
export type XmlReadResult =
  | { readonly ok: true; readonly root: XmlElement }
  | {
      readonly ok: false;
      readonly message: string;
      /** Line and column, when the failure can be placed. */
      readonly line?: number;
      readonly column?: number;
      /** Offset into the text, when the failure was found by position rather than line. */
      readonly offset?: number;
    };

/** Deepest nesting the parser itself tolerates; configured limits are capped below it. */
export const PARSER_MAX_DEPTH = 1000;

const OPTIONS: X2jOptions = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  allowBooleanAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  entityDecoder: XML_ENTITY_DECODER,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
  cdataPropName: false,
  removeNSPrefix: false,
  captureMetaData: true,
  maxNestedTags: PARSER_MAX_DEPTH + 8,
};

const PARSER = new XMLParser(OPTIONS);
// Typed as the `Symbol` wrapper by the library; at run time it is a plain symbol.
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;
const TEXT_KEY = '#text';
const ATTRS_KEY = ':@';

function isRecord(value: unknown): value is Record<string | symbol, unknown> {
  return typeof value === 'object' && value !== null;
}

function toAttributes(raw: unknown): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  if (!isRecord(raw)) return map;
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === 'string') map.set(name, value);
  }
  return map;
}

function offsetOf(entry: Record<string | symbol, unknown>): number {
  const meta = entry[META];
  if (isRecord(meta) && typeof meta['startIndex'] === 'number') return meta['startIndex'];
  return 0;
}

function toNodes(list: unknown): XmlNode[] {
  const nodes: XmlNode[] = [];
  if (!Array.isArray(list)) return nodes;
  for (const entry of list as unknown[]) {
    if (!isRecord(entry)) continue;
    const text = entry[TEXT_KEY];
    if (typeof text === 'string') {
      nodes.push({ type: 'text', text });
      continue;
    }
    const name = Object.keys(entry).find((key) => key !== ATTRS_KEY);
    if (name === undefined) continue;
    nodes.push({
      type: 'element',
      name,
      attributes: toAttributes(entry[ATTRS_KEY]),
      children: toNodes(entry[name]),
      offset: offsetOf(entry),
    });
  }
  return nodes;
}

const BARE_AMPERSAND = /&(?!(?:#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z_][A-Za-z0-9._-]*);)/;

/** Best guess at where a refused reference sits; -1 when it cannot be told (a `<` inside an attribute). */
function locateReference(text: string, reference: string): number {
  if (reference === '&') return text.search(BARE_AMPERSAND);
  if (reference === '<') return -1;
  return text.indexOf(reference);
}

/**
 * Reads a document that has already passed the size, declaration and structure checks.
 * Never throws: every failure comes back as a value.
 */
export function readXmlTree(text: string): XmlReadResult {
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) {
    return { ok: false, message: verdict.err.msg, line: verdict.err.line, column: verdict.err.col };
  }
  let parsed: unknown;
  try {
    parsed = PARSER.parse(text);
  } catch (err) {
    if (err instanceof XmlReferenceError) {
      const at = locateReference(text, err.reference);
      return at === -1 ? { ok: false, message: err.message } : { ok: false, message: err.message, offset: at };
    }
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  const root = toNodes(parsed).find((node): node is XmlElement => node.type === 'element');
  if (!root) return { ok: false, message: 'the document has no root element' };
  return { ok: true, root };
}
