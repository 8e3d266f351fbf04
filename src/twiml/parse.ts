/**
 * Entry points: `parseTwiml` returns a fully validated document or throws, `validateTwiml` lists every problem.
 * Both run the same checks in the same order: size, DOCTYPE/ENTITY declarations, forbidden characters, depth and
 * element count, XML well-formedness, root element, then the TwiML schema over the whole tree.
 */
import type { TwimlDocument, Verb } from './ast.js';
import { buildVerb, verbElements } from './build-verbs.js';
import { Checker } from './checker.js';
import { makeProblem, TwimlError, type ProblemLocation, type TwimlCode, type TwimlProblem } from './errors.js';
import { SCHEMA } from './schema.js';
import { findDeclaration, findForbiddenChar, LineIndex, scanStructure } from './source-text.js';
import { PARSER_MAX_DEPTH, readXmlTree, type XmlElement } from './xml-tree.js';

/** Limits that protect the parser from hostile or runaway documents. */
export interface TwimlLimits {
  /** Largest accepted document, in UTF-8 bytes. */
  readonly maxBytes: number;
  /** Deepest element nesting; `<Response>` is depth 1. At most 1000. */
  readonly maxDepth: number;
  /** Most elements in one document, `<Response>` included. */
  readonly maxElements: number;
}

/** 64 KB, depth 16, 1,000 elements. */
export const DEFAULT_TWIML_LIMITS: TwimlLimits = Object.freeze({ maxBytes: 65_536, maxDepth: 16, maxElements: 1000 });

/** The full outcome of checking a document. */
interface Analysis {
  readonly problems: readonly TwimlProblem[];
  readonly document: TwimlDocument | undefined;
}

function resolveLimits(overrides: Partial<TwimlLimits> | undefined): TwimlLimits {
  const limits = { ...DEFAULT_TWIML_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`TwiML limit ${name} must be a positive integer`);
  }
  if (limits.maxDepth > PARSER_MAX_DEPTH) throw new RangeError(`TwiML limit maxDepth must be at most ${PARSER_MAX_DEPTH}`);
  return limits;
}

function exceedsBytes(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  return text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes;
}

function refused(code: TwimlCode, message: string, where?: ProblemLocation): Analysis {
  return { problems: [makeProblem('error', code, message, where)], document: undefined };
}

function describeChar(text: string, offset: number): string {
  const code = text.codePointAt(offset) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Runs the checks that come before the tree exists; returns the root element, or the refusal. */
function readRoot(text: string, lines: LineIndex, limits: TwimlLimits): XmlElement | Analysis {
  const declaration = findDeclaration(text);
  if (declaration !== -1) {
    return refused('ERR_TWIML_DOCTYPE', 'DOCTYPE and ENTITY declarations are not accepted', lines.position(declaration));
  }
  const forbidden = findForbiddenChar(text);
  if (forbidden !== -1) {
    const message = `the character ${describeChar(text, forbidden)} is not allowed in XML`;
    return refused('ERR_TWIML_PARSE', message, lines.position(forbidden));
  }
  const scan = scanStructure(text, limits.maxDepth, limits.maxElements);
  if (!scan.ok) {
    const where = lines.position(scan.offset);
    switch (scan.rule) {
      case 'depth':
        return refused('ERR_TWIML_TOO_DEEP', `elements are nested deeper than ${limits.maxDepth} levels`, where);
      case 'elements':
        return refused('ERR_TWIML_TOO_MANY_ELEMENTS', `the document has more than ${limits.maxElements} elements`, where);
      case 'outside-root':
        return refused('ERR_TWIML_PARSE', 'the document is not well-formed XML: content outside the root element', where);
    }
  }
  const tree = readXmlTree(text);
  if (!tree.ok) {
    const where = tree.offset !== undefined ? lines.position(tree.offset) : { line: tree.line, column: tree.column };
    return refused('ERR_TWIML_PARSE', `the document is not well-formed XML: ${tree.message}`, where);
  }
  if (tree.root.name !== 'Response') {
    const where = { ...lines.position(tree.root.offset), element: tree.root.name };
    return refused('ERR_TWIML_PARSE', `the root element must be <Response>, not <${tree.root.name}>`, where);
  }
  return tree.root;
}

function byPosition(a: TwimlProblem, b: TwimlProblem): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

/** How a document is checked. */
export interface TwimlCheckOptions {
  /**
   * Twilio TwiML this server does not run (`<Start>`, `<Client>`...) is an error, as the document would not run
   * as written, instead of being skipped with a warning. Used by `pivot-esl check --strict`; calls never use it.
   */
  readonly strict?: boolean;
}

function analyse(
  xml: string,
  sourceUrl: URL,
  overrides: Partial<TwimlLimits> | undefined,
  options: TwimlCheckOptions = {},
): Analysis {
  const limits = resolveLimits(overrides);
  if (exceedsBytes(xml, limits.maxBytes)) {
    return refused('ERR_TWIML_TOO_LARGE', `the document is larger than ${limits.maxBytes} bytes`);
  }
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  const lines = new LineIndex(text);
  const root = readRoot(text, lines, limits);
  if (!('type' in root)) return root;

  const source = new URL(sourceUrl.href);
  const ck = new Checker(source, lines, options.strict === true);
  ck.attributes(root, SCHEMA.Response);
  const verbs: Verb[] = [];
  for (const el of verbElements(ck.content(root, SCHEMA.Response))) {
    const verb = buildVerb(el, ck);
    if (verb) verbs.push(verb);
  }
  const problems = [...ck.problems].sort(byPosition);
  if (ck.hasErrors) return { problems, document: undefined };
  return { problems, document: { source, verbs, warnings: problems } };
}

/**
 * Parses and validates a whole TwiML document before anything runs. A document with any error gives no AST.
 *
 * @param xml the response body, already decoded as text
 * @param sourceUrl the URL the document came from: the base of its relative URLs
 * @param limits overrides of {@link DEFAULT_TWIML_LIMITS}
 * @throws TwimlError for the first error found; its `problems` lists them all (warnings included)
 * @throws RangeError when a limit is not a positive integer
 */
export function parseTwiml(xml: string, sourceUrl: URL, limits?: Partial<TwimlLimits>): TwimlDocument {
  const { problems, document } = analyse(xml, sourceUrl, limits);
  if (document) return document;
  const first = problems.find((p) => p.severity === 'error') ?? problems[0];
  if (!first) throw new TwimlError('ERR_TWIML_SCHEMA', 'the document could not be validated');
  throw TwimlError.fromProblem(first, problems);
}

/**
 * Lists every problem of a TwiML document (errors and warnings, in document order) instead of stopping at the
 * first; an empty list means the document is valid and has no warnings. Checks that refuse a document outright
 * (size, declarations, depth, well-formedness, root) yield a single problem.
 *
 * @param options `strict`: Twilio TwiML this server skips is reported as an error instead of a warning
 */
export function validateTwiml(
  xml: string,
  sourceUrl: URL,
  limits?: Partial<TwimlLimits>,
  options?: TwimlCheckOptions,
): TwimlProblem[] {
  return [...analyse(xml, sourceUrl, limits, options).problems];
}

/**
 * Whether a body is a well-formed XML document whose root is `<Response>`, within the default limits. The schema
 * is not checked. Used to accept TwiML served under a content type other than text/xml or application/xml.
 */
export function readsAsResponse(xml: string): boolean {
  if (exceedsBytes(xml, DEFAULT_TWIML_LIMITS.maxBytes)) return false;
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  return 'type' in readRoot(text, new LineIndex(text), DEFAULT_TWIML_LIMITS);
}
