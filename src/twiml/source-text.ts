import type { SourcePosition } from './ast.js';

/** Maps string offsets of one document to 1-based line and column numbers (LF, CRLF and CR end a line). */
export class LineIndex {
  readonly #text: string;
  #starts: number[] | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  /** Line and column of the character at `offset`. */
  position(offset: number): SourcePosition {
    const starts = this.#lineStarts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
  }

  /** Built on first use: documents without problems never pay for it. */
  #lineStarts(): number[] {
    if (this.#starts) return this.#starts;
    const starts = [0];
    const text = this.#text;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.#starts = starts;
    return starts;
  }
}

/** Outcome of the structural pre-scan: the first rule broken, if any. */
export type ScanVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly rule: 'depth' | 'elements' | 'outside-root'; readonly offset: number };

/** Index just past `needle` searched from `from`, or the text's length when it never closes. */
function skipPast(text: string, needle: string, from: number): number {
  const at = text.indexOf(needle, from);
  return at === -1 ? text.length : at + needle.length;
}

/** Index of the `>` that ends the tag starting at `from`, skipping quoted attribute values; -1 if none. */
function tagEnd(text: string, from: number): number {
  let quote = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return i;
  }
  return -1;
}

/** Offset of the first non-whitespace character in `text[from, to)`, or -1. */
function firstNonSpace(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
  }
  return -1;
}

/**
 * Counts elements and nesting depth in one linear pass, skipping comments, CDATA sections, processing
 * instructions and quoted attribute values, and stops at the first limit broken. It also refuses text or a second
 * element outside the root, which the library's validator lets through after a self-closing root. It runs
 * before the XML parser, so a hostile document is refused before any tree is built; other well-formedness
 * rules are left to the validator.
 */
export function scanStructure(text: string, maxDepth: number, maxElements: number): ScanVerdict {
  let depth = 0;
  let elements = 0;
  let roots = 0;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const gapEnd = lt === -1 ? text.length : lt;
    if (depth === 0) {
      const stray = firstNonSpace(text, i, gapEnd);
      if (stray !== -1) return { ok: false, rule: 'outside-root', offset: stray };
    }
    if (lt === -1) break;
    const next = text.charCodeAt(lt + 1);
    if (text.startsWith('<!--', lt)) i = skipPast(text, '-->', lt + 4);
    else if (text.startsWith('<![CDATA[', lt)) i = skipPast(text, ']]>', lt + 9);
    else if (next === 63 /* ? */) i = skipPast(text, '?>', lt + 2);
    else if (next === 33 /* ! */) i = skipPast(text, '>', lt + 2);
    else {
      const end = tagEnd(text, lt + 1);
      if (end === -1) break;
      if (next === 47 /* / */) depth = Math.max(0, depth - 1);
      else {
        elements++;
        if (depth === 0 && ++roots > 1) return { ok: false, rule: 'outside-root', offset: lt };
        if (elements > maxElements) return { ok: false, rule: 'elements', offset: lt };
        const selfClosing = text.charCodeAt(end - 1) === 47;
        if (depth + 1 > maxDepth) return { ok: false, rule: 'depth', offset: lt };
        if (!selfClosing) depth++;
      }
      i = end + 1;
    }
  }
  return { ok: true };
}

const DECLARATION = /<!\s*(?:DOCTYPE|ENTITY)/i;
// XML 1.0 excludes these code units from documents.
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Offset of the first DOCTYPE or ENTITY declaration anywhere in the text (even in a comment), or -1. */
export function findDeclaration(text: string): number {
  return text.search(DECLARATION);
}

/** Offset of the first character XML 1.0 forbids, or -1. */
export function findForbiddenChar(text: string): number {
  return text.search(FORBIDDEN_CHAR);
}
