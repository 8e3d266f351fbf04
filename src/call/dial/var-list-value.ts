/**
 * A value inside a dial string's variable list, written the way FreeSWITCH reads it back (switch_ivr_originate.c,
 * switch_event_create_brackets, switch_separate_string):
 *
 * - `{...}` (every leg) is cut off the dial string first; `[...]` (one leg) is read after the string was split on
 *   `|` (failover) and `,` (legs). Each split honours a backslash before the separator and drops it, so a `,` in a
 *   value is written `\,` in both lists and a `|` is written `\|` in a `[...]` list (in `{...}` it needs nothing).
 * - The end of a list is found by counting its own brackets, with no escape: `{`/`}` in a `{...}` value and `[`/`]`
 *   in a `[...]` value must balance.
 * - Each split also strips `'` quote pairs, turns `\\`, `\'`, `\"`, `\n`, `\s`, `\t` into other characters and trims
 *   spaces, and the application's `${...}` expansion runs before all of it: a value with a quote `'`, a backslash,
 *   `${`, a control character or a line break, or with spaces at either end, cannot be carried intact, nor one with
 *   `:_:` (FreeSWITCH's enterprise originate separator).
 *
 * Double quotes, `^`, `=`, `<`, `>`, `;`, `&`, `%`, a `$` not followed by `{`, and brackets of the other list's kind
 * have no meaning inside a value and are written as they are.
 */

/** The two kinds of variable list. */
export type VarListKind = 'global' | 'leg';

const BRACKETS: Record<VarListKind, readonly [open: string, close: string]> = { global: ['{', '}'], leg: ['[', ']'] };

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Whether the list's own brackets open and close in order. */
function balanced(value: string, kind: VarListKind): boolean {
  const [open, close] = BRACKETS[kind];
  let depth = 0;
  for (const c of value) {
    if (c === open) depth++;
    else if (c === close && --depth < 0) return false;
  }
  return depth === 0;
}

/** Why a value cannot be carried intact in a list of this kind, or undefined when it can. */
export function uncarriable(value: string, kind: VarListKind): string | undefined {
  if (value === '') return 'it is empty';
  if (CONTROL.test(value)) return 'it holds a line break or another control character';
  if (value !== value.trim()) return 'it starts or ends with a space';
  if (value.includes('\\')) return 'it holds a backslash';
  if (value.includes("'")) return "it holds a ' quote";
  if (value.includes('${')) return 'it holds a ${ expansion';
  if (value.includes(':_:')) return 'it holds :_:';
  if (!balanced(value, kind)) return `its ${BRACKETS[kind].join('')} brackets do not balance`;
  return undefined;
}

/** A value as written in a list of this kind; check it with {@link uncarriable} first. */
export function escapeListValue(value: string, kind: VarListKind): string {
  return kind === 'leg' ? value.replace(/[,|]/g, '\\$&') : value.replace(/,/g, '\\,');
}
