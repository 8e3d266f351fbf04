/**
 * JSON string quoting as cJSON prints it (FreeSWITCH's `text/event-json`): only `"`, `\` and
 * control characters are escaped, everything else (including non-ASCII) is written raw.
 */

const ESCAPES: Record<number, string> = {
  0x08: '\\b',
  0x09: '\\t',
  0x0a: '\\n',
  0x0c: '\\f',
  0x0d: '\\r',
  0x22: '\\"',
  0x5c: '\\\\',
};

/** Returns `value` quoted and escaped like cJSON's unformatted printer. */
export function quoteJsonLikeCJson(value: string): string {
  let start = 0;
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    out += value.slice(start, i);
    out += ESCAPES[c] ?? '\\u' + c.toString(16).padStart(4, '0');
    start = i + 1;
  }
  return out + value.slice(start) + '"';
}
