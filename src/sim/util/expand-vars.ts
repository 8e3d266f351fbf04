/**
 * Channel-variable expansion of application arguments (`${name}` becomes the variable's value,
 * or nothing when unset). `$${global}` is left alone: FreeSWITCH expands globals when it loads
 * its configuration, not per call. API calls (`${api(args)}`) are not modelled and expand to nothing.
 */

/** The variable lookup expansion needs. */
export interface VarLookup {
  get(name: string): string | undefined;
}

/** Expands `${var}` references in `text`. */
export function expandVariables(text: string, vars: VarLookup): string {
  if (!text.includes('${')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('${', i);
    if (at < 0) break;
    if (at > 0 && text[at - 1] === '$') {
      out += text.slice(i, at + 2);
      i = at + 2;
      continue;
    }
    const end = text.indexOf('}', at + 2);
    if (end < 0) break;
    out += text.slice(i, at);
    const name = text.slice(at + 2, end);
    out += /[()]/.test(name) ? '' : (vars.get(name) ?? '');
    i = end + 1;
  }
  return out + text.slice(i);
}
