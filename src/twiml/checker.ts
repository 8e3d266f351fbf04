/**
 * Collects the problems of one document while its tree is turned into the AST, and applies the schema's
 * attribute and content rules to single elements. Validation never stops at the first problem: a bad value is
 * reported and replaced by its default so the rest of the document is still checked.
 */
import type { NodeInfo, SourcePosition } from './ast.js';
import type { AttrSpecs, AttrValues } from './attributes.js';
import { makeProblem, TwimlError, type TwimlCode, type TwimlProblem } from './errors.js';
import { isElementName, SCHEMA, UNSUPPORTED_TWILIO_NAMES, type ElementSchema } from './schema.js';
import type { LineIndex } from './source-text.js';
import { resolveUrl } from './url.js';
import type { XmlElement } from './xml-tree.js';

/** The content of an element once stray text and misplaced children have been reported. */
export interface ElementContent {
  /** All character data of the element, concatenated, untrimmed. */
  readonly text: string;
  /** Child elements the schema allows here. */
  readonly elements: readonly XmlElement[];
}

function isIgnoredAttribute(name: string): boolean {
  return name === 'xmlns' || name.startsWith('xmlns:') || name.startsWith('xml:');
}

/** Problem collector and rule applier for one document. */
export class Checker {
  readonly #base: URL;
  readonly #lines: LineIndex;
  readonly #problems: TwimlProblem[] = [];

  constructor(base: URL, lines: LineIndex) {
    this.#base = base;
    this.#lines = lines;
  }

  /** Every problem so far, in the order found. */
  get problems(): readonly TwimlProblem[] {
    return this.#problems;
  }

  /** The document URL, against which relative URLs resolve. */
  get base(): URL {
    return this.#base;
  }

  /** Whether any problem is an error. */
  get hasErrors(): boolean {
    return this.#problems.some((p) => p.severity === 'error');
  }

  /** Line and column of an element. */
  position(el: XmlElement): SourcePosition {
    return this.#lines.position(el.offset);
  }

  /** Records an error about an element. */
  error(code: TwimlCode, message: string, el: XmlElement): void {
    this.#add('error', code, message, el);
  }

  /** Records a warning about an element. */
  warn(code: TwimlCode, message: string, el: XmlElement): void {
    this.#add('warning', code, message, el);
  }

  #add(severity: TwimlProblem['severity'], code: TwimlCode, message: string, el: XmlElement): void {
    const { line, column } = this.position(el);
    this.#problems.push(makeProblem(severity, code, message, { line, column, element: el.name }));
  }

  /**
   * Reads an element's attributes by its schema: typed values with defaults applied, plus the node info
   * (position and the names of unknown attributes). Bad values are reported and replaced by the default.
   */
  attributes<S extends AttrSpecs>(el: XmlElement, schema: ElementSchema<S>): { values: AttrValues<S>; info: NodeInfo } {
    const values: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(schema.attributes)) {
      const raw = el.attributes.get(name);
      if (raw === undefined) {
        values[name] = spec.absent;
        continue;
      }
      const result = spec.parse(raw, this.#base);
      if (result.ok) values[name] = result.value;
      else {
        values[name] = spec.absent;
        this.error(result.code, `<${el.name}> ${name}="${clip(raw)}": ${result.reason}`, el);
      }
    }
    const unknownAttributes: string[] = [];
    for (const name of el.attributes.keys()) {
      if (Object.hasOwn(schema.attributes, name) || isIgnoredAttribute(name)) continue;
      if (schema.unsupported.includes(name)) {
        this.warn('ERR_TWIML_UNSUPPORTED', `<${el.name}> ${name} is not supported and is ignored`, el);
      } else {
        unknownAttributes.push(name);
        this.warn('ERR_TWIML_UNKNOWN_ATTRIBUTE', `<${el.name}> has no attribute ${name}; it is ignored`, el);
      }
    }
    // The spec table guarantees each key holds its spec's value type.
    return { values: values as AttrValues<S>, info: { position: this.position(el), unknownAttributes } };
  }

  /** Checks that a URL written as element text resolves to http(s); returns the trimmed text. */
  urlText(text: string, el: XmlElement): string {
    const trimmed = text.trim();
    if (trimmed === '') return trimmed;
    try {
      resolveUrl(trimmed, this.#base);
    } catch (err) {
      if (!(err instanceof TwimlError)) throw err;
      this.error(err.code, `<${el.name}> ${err.message}`, el);
    }
    return trimmed;
  }

  /** Splits an element's children into text and allowed elements, reporting everything out of place. */
  content(el: XmlElement, schema: ElementSchema): ElementContent {
    let text = '';
    const elements: XmlElement[] = [];
    let strayText = false;
    for (const child of el.children) {
      if (child.type === 'text') {
        if (schema.text === 'allowed') text += child.text;
        else if (child.text.trim() !== '') strayText = true;
      } else if (this.requireKnown(child) && schema.children.some((name) => name === child.name)) {
        elements.push(child);
      } else if (isElementName(child.name)) {
        this.error('ERR_TWIML_INVALID_NESTING', `<${child.name}> is not allowed inside <${el.name}>`, child);
      }
    }
    if (strayText) this.error('ERR_TWIML_INVALID_NESTING', `<${el.name}> cannot contain text`, el);
    return { text, elements };
  }

  /** Reports an element whose name the schema does not know; returns whether it is known. */
  requireKnown(el: XmlElement): boolean {
    if (isElementName(el.name)) return true;
    const near = Object.keys(SCHEMA).find((name) => name.toLowerCase() === el.name.toLowerCase());
    const message = UNSUPPORTED_TWILIO_NAMES.has(el.name)
      ? `<${el.name}> is not supported by this server`
      : near === undefined
        ? `<${el.name}> is not a TwiML verb or noun`
        : `<${el.name}> is not a TwiML verb or noun (names are case-sensitive: <${near}>)`;
    this.error('ERR_TWIML_UNKNOWN_VERB', message, el);
    return false;
  }
}

/** Shortens a value quoted in a message. */
export function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
