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
  /** Child elements skipped with a warning (Twilio TwiML this server does not run), in document order. */
  readonly skipped: readonly XmlElement[];
}

/** What an element's name is: in the schema, Twilio TwiML this server skips, or not TwiML at all. */
export type NameStatus = 'schema' | 'skipped' | 'unknown';

function isIgnoredAttribute(name: string): boolean {
  return name === 'xmlns' || name.startsWith('xmlns:') || name.startsWith('xml:');
}

/** Problem collector and rule applier for one document. */
export class Checker {
  readonly #base: URL;
  readonly #lines: LineIndex;
  readonly #strict: boolean;
  readonly #problems: TwimlProblem[] = [];

  /** `strict`: Twilio TwiML this server does not run is an error instead of being skipped. */
  constructor(base: URL, lines: LineIndex, strict = false) {
    this.#base = base;
    this.#lines = lines;
    this.#strict = strict;
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
  attributes<S extends AttrSpecs>(
    el: XmlElement,
    schema: Pick<ElementSchema<S>, 'attributes' | 'unsupported'>,
    opts: { readonly reportUnknown?: boolean } = {},
  ): { values: AttrValues<S>; info: NodeInfo } {
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
      if (opts.reportUnknown === false) continue;
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

  /** Splits an element's children into text, allowed and skipped elements, reporting everything out of place. */
  content(el: XmlElement, schema: ElementSchema): ElementContent {
    let text = '';
    const elements: XmlElement[] = [];
    const skipped: XmlElement[] = [];
    let strayText = false;
    for (const child of el.children) {
      if (child.type === 'text') {
        if (schema.text === 'allowed') text += child.text;
        else if (child.text.trim() !== '') strayText = true;
        continue;
      }
      const status = this.nameStatus(child);
      if (status === 'skipped') skipped.push(child);
      else if (status === 'unknown') continue;
      else if (schema.children.some((name) => name === child.name)) elements.push(child);
      else if (schema.skipped?.some((name) => name === child.name)) {
        this.skip(child, `<${child.name}> is not run inside <${el.name}>`);
        skipped.push(child);
      } else this.error('ERR_TWIML_INVALID_NESTING', `<${child.name}> is not allowed inside <${el.name}>`, child);
    }
    if (strayText) this.error('ERR_TWIML_INVALID_NESTING', `<${el.name}> cannot contain text`, el);
    return { text, elements, skipped };
  }

  /**
   * Says what an element's name is. Twilio TwiML this server does not run is reported as skipped (a warning, or
   * an error when strict); a name that is not TwiML at all is reported as an error.
   */
  nameStatus(el: XmlElement): NameStatus {
    if (isElementName(el.name)) return 'schema';
    if (UNSUPPORTED_TWILIO_NAMES.has(el.name)) {
      this.skip(el, `<${el.name}> is not supported by this server`);
      return 'skipped';
    }
    const near = [...Object.keys(SCHEMA), ...UNSUPPORTED_TWILIO_NAMES].find((name) => name.toLowerCase() === el.name.toLowerCase());
    const message = near === undefined
      ? `<${el.name}> is not a TwiML verb or noun`
      : `<${el.name}> is not a TwiML verb or noun (names are case-sensitive: <${near}>)`;
    this.error('ERR_TWIML_UNKNOWN_VERB', message, el);
    return 'unknown';
  }

  /** Reports an element that is skipped: a warning, or an error when checking strictly. */
  skip(el: XmlElement, reason: string): void {
    if (this.#strict) this.error('ERR_TWIML_SKIPPED', `${reason} (it is skipped unless checking strictly)`, el);
    else this.warn('ERR_TWIML_SKIPPED', `${reason}; skipped`, el);
  }
}

/** Shortens a value quoted in a message. */
export function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
