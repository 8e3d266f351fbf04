/**
 * FreeSWITCH's argument tokeniser for space-separated app arguments (esl.md 2.0): single quotes
 * group words and are removed, a backslash escapes quotes/backslash and turns `\n \r \t \s` into
 * characters (other `\x` stay as they are, so `\d+` survives), a leading `^^X` switches the
 * delimiter to X without quote processing, and the last slot takes the rest of the string.
 */

/** Splits `data` into at most `max` arguments. */
export function separateArgs(data: string, max = Infinity): string[] {
  let text = data;
  let delim = ' ';
  if (text.startsWith('^^') && text.length > 2) {
    delim = text[2] as string;
    text = text.slice(3);
    return splitPlain(text, delim, max);
  }
  const out: string[] = [];
  let i = 0;
  while (i < text.length && out.length < max) {
    while (text[i] === ' ') i++;
    if (i >= text.length) break;
    if (out.length === max - 1) {
      out.push(unquote(text.slice(i)));
      break;
    }
    let token = '';
    let quoted = false;
    for (; i < text.length; i++) {
      const c = text[i] as string;
      if (c === '\\' && i + 1 < text.length) {
        const n = text[i + 1] as string;
        const mapped = ESC[n];
        if (mapped !== undefined) {
          token += mapped;
          i++;
          continue;
        }
        token += c;
        continue;
      }
      if (c === "'") {
        quoted = !quoted;
        continue;
      }
      if (c === ' ' && !quoted) break;
      token += c;
    }
    out.push(token);
  }
  return out;
}

const ESC: Readonly<Record<string, string>> = {
  "'": "'",
  '"': '"',
  '\\': '\\',
  n: '\n',
  r: '\r',
  t: '\t',
  s: ' ',
};

function unquote(rest: string): string {
  const t = rest.trimEnd();
  return t.length >= 2 && t.startsWith("'") && t.endsWith("'") ? t.slice(1, -1) : t;
}

function splitPlain(text: string, delim: string, max: number): string[] {
  const parts = text.split(delim);
  if (parts.length <= max) return parts;
  return [...parts.slice(0, max - 1), parts.slice(max - 1).join(delim)];
}
