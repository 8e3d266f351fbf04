/**
 * How FreeSWITCH reads a dial string, step by step as switch_ivr_originate.c does it with the helpers of
 * switch_utils.c (switch_separate_string, switch_find_end_paren) and switch_event.c (switch_event_create_brackets):
 *
 * 1. `<...>` and `{...}` lists at the front: each ends at its matching bracket (brackets are counted, never
 *    escaped); its content is split on `,` (or on `X` when it starts with `^^X`), each item on the first `=`.
 * 2. The rest is split on `|` (failover groups).
 * 3. In a group, every `,` inside a leg's `[...]` that is not after a backslash is marked as a variable separator
 *    (all of them, as literal commas, when the list starts with `^^X` or inside `'` quotes); the group is then
 *    split on the remaining `,` into legs.
 * 4. A leg's `[...]` lists are split on the marked separators (or `X`), each item on the first `=`.
 *
 * Every split honours `'` quotes and backslash escapes, and cleans each piece as cleanup_separated_string does:
 * leading and trailing spaces go, quote pairs go, and `\'`, `\"`, `\\`, `\<separator>`, `\n`, `\r`, `\t`, `\s`
 * become the character they stand for; any other backslash stays.
 */

const ESCAPE = '\\';
/** switch_ivr_originate.c's markers for the commas of a leg list: kept as commas, or separating variables. */
const QUOTED_ESC_COMMA = '\u0001';
const UNQUOTED_ESC_COMMA = '\u0002';

function unescapeChar(c: string): string {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 's':
      return ' ';
    default:
      return c;
  }
}

/** cleanup_separated_string: trims spaces, drops quote pairs, resolves escapes. */
function cleanup(text: string, delim: string | undefined): string {
  let i = 0;
  while (text[i] === ' ') i++;
  let out = '';
  let end = -1;
  let inside = false;
  for (; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === ESCAPE && i + 1 < text.length) {
      const next = text[i + 1] ?? '';
      const plain = next === "'" || next === '"' || next === delim || next === ESCAPE;
      if (plain || unescapeChar(next) !== next) {
        out += plain ? next : unescapeChar(next);
        end = out.length;
        i++;
        continue;
      }
    }
    if (ch === "'" && (inside || text.indexOf("'", i + 1) >= 0)) {
      inside = !inside;
      if (inside) end = out.length;
    } else {
      out += ch;
      if (ch !== ' ' || inside) end = out.length;
    }
  }
  return end < 0 ? out : out.slice(0, end);
}

/** separate_string_char_delim: pieces before cleanup (once `max` pieces are started, the last keeps the rest). */
function splitOnChar(text: string, delim: string, max: number): string[] {
  const starts: number[] = [];
  const ends: number[] = [];
  let finding = false;
  let inside = false;
  let i = 0;
  while (i < text.length && starts.length < max) {
    if (!finding) {
      starts.push(i);
      finding = true;
      continue;
    }
    const ch = text[i];
    if (ch === ESCAPE) {
      i++;
    } else if (ch === "'" && (inside || text.indexOf("'", i + 1) >= 0)) {
      inside = !inside;
    } else if (ch === delim && !inside) {
      ends[starts.length - 1] = i;
      finding = false;
    }
    i++;
  }
  return starts.map((start, k) => text.slice(start, ends[k] ?? text.length));
}

/** separate_string_blank_delim: pieces before cleanup, split on runs of spaces. */
function splitOnBlanks(text: string, max: number): string[] {
  const starts: number[] = [];
  const ends: number[] = [];
  let state: 'start' | 'skip-initial' | 'find' | 'skip-ending' = 'start';
  let inside = false;
  let i = 0;
  while (i < text.length && starts.length < max) {
    const ch = text[i];
    if (state === 'start') {
      starts.push(i);
      state = 'skip-initial';
    } else if (state === 'skip-initial') {
      if (ch === ' ') i++;
      else state = 'find';
    } else if (state === 'find') {
      if (ch === ESCAPE) {
        i++;
      } else if (ch === "'") {
        inside = !inside;
      } else if (ch === ' ' && !inside) {
        ends[starts.length - 1] = i;
        state = 'skip-ending';
      }
      i++;
    } else if (ch === ' ') {
      i++;
    } else {
      state = 'start';
    }
  }
  return starts.map((start, k) => text.slice(start, ends[k] ?? text.length));
}

/** switch_separate_string: split on `delim` (or on `X` when the text starts with `^^X`), each piece cleaned. */
export function separateString(text: string, delim: string, max = 1024): string[] {
  let buf = text;
  let sep = delim;
  if (buf.startsWith('^^') && buf.length >= 4) {
    sep = buf[2] ?? delim;
    buf = buf.slice(3);
  }
  if (sep === ' ') return splitOnBlanks(buf, max).map((p) => cleanup(p, undefined));
  return splitOnChar(buf, sep, max).map((p) => cleanup(p, sep));
}

/** switch_find_end_paren: the index of the bracket closing the one `text` opens with (after spaces), or -1. */
export function findEndParen(text: string, open: string, close: string, from = 0): number {
  let i = from;
  while (text[i] === ' ') i++;
  if (text[i] !== open) return -1;
  let depth = 1;
  for (i++; i < text.length; i++) {
    const ch = text[i];
    if (ch === open && open !== close) depth++;
    else if (ch === close && --depth === 0) return i;
  }
  return -1;
}

/** A variable list read off the front of a text, and what follows it. */
export interface BracketList {
  readonly vars: Record<string, string>;
  readonly rest: string;
}

/** switch_event_create_brackets: reads the `open ... close` list `text` starts with, or undefined (a parse error). */
export function readBrackets(text: string, open: string, close: string, sep: string): BracketList | undefined {
  const end = findEndParen(text, open, close);
  if (end < 0) return undefined;
  let content = text.slice(text.indexOf(open) + 1, end);
  let separator = sep;
  if (content.startsWith('^^') && content.length >= 3) {
    separator = content[2] ?? sep;
    content = content.slice(3);
  }
  const vars: Record<string, string> = {};
  for (const item of separateString(content, separator)) {
    const pair = separateString(item, '=', 2);
    if (pair.length === 2) vars[pair[0] ?? ''] = pair[1] ?? '';
  }
  return { vars, rest: text.slice(end + 1) };
}

/** One leg as the originate reads it: its own variables and its endpoint. */
export interface ParsedLeg {
  readonly vars: Record<string, string>;
  readonly endpoint: string;
}

/** A dial string as the originate reads it. */
export interface ParsedDialString {
  /** `<...>` and `{...}` variables: every leg's. */
  readonly vars: Record<string, string>;
  /** Failover groups of legs rung at once. */
  readonly groups: ReadonlyArray<ReadonlyArray<ParsedLeg>>;
}

/** Step 3: marks the commas of each leg's `[...]` list (switch_ivr_originate.c, before splitting the legs). */
function markListCommas(group: string): string {
  const chars = group.split('');
  let end = -1;
  let quoted = false;
  let alt = false;
  for (let i = 0; i < chars.length; i++) {
    if (end < 0 && chars[i] === '[') {
      end = findEndParen(group, '[', ']', i);
      alt = chars[i + 1] === '^' && chars[i + 2] === '^';
      quoted = false;
    }
    if (chars[i] === "'") quoted = !quoted;
    if (end >= 0 && i < end && chars[i] === ',' && chars[i - 1] !== ESCAPE) {
      chars[i] = quoted || alt ? QUOTED_ESC_COMMA : UNQUOTED_ESC_COMMA;
    }
    if (i === end) end = -1;
  }
  return chars.join('');
}

/** Step 4: one leg's `[...]` lists and its endpoint, or undefined on a parse error. */
function readLeg(text: string): ParsedLeg | undefined {
  let rest = text.replace(/^ +/, '');
  const vars: Record<string, string> = {};
  while (rest.startsWith('[')) {
    const end = findEndParen(rest, '[', ']');
    const restored = end < 0 ? rest : rest.slice(0, end).split(QUOTED_ESC_COMMA).join(',') + rest.slice(end);
    const list = readBrackets(restored, '[', ']', UNQUOTED_ESC_COMMA);
    if (list === undefined) return undefined;
    Object.assign(vars, list.vars);
    rest = list.rest;
  }
  return { vars, endpoint: rest.replace(/^ +/, '') };
}

/** Reads a dial string as switch_ivr_originate does; undefined when FreeSWITCH would report a parse error. */
export function readDialString(dial: string): ParsedDialString | undefined {
  let rest = dial.replace(/^ +/, '');
  const vars: Record<string, string> = {};
  for (const [open, close] of [['<', '>'], ['{', '}']] as const) {
    while (rest.startsWith(open)) {
      const list = readBrackets(rest, open, close, ',');
      if (list === undefined) return undefined;
      Object.assign(vars, list.vars);
      rest = list.rest;
    }
  }
  rest = rest.replace(/^ +/, '');
  const groups: ParsedLeg[][] = [];
  for (const group of separateString(rest, '|')) {
    const legs: ParsedLeg[] = [];
    for (const text of separateString(markListCommas(group), ',')) {
      const leg = readLeg(text);
      if (leg === undefined) return undefined;
      legs.push(leg);
    }
    groups.push(legs);
  }
  return { vars, groups };
}
