import { percentDecode } from './percent-decode.js';

/** Parses `Name: value` lines (LF or CRLF; empty lines skipped); values are URL-decoded, tolerantly, when `decode`. */
export function parseHeaderBlock(text: string, decode: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = trimCr(text.slice(start, end));
    start = end + 1;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const raw = valueAfterColon(line, colon);
    headers[line.slice(0, colon)] = decode ? percentDecode(raw) : raw;
  }
  return headers;
}

/** The decoded value of the first `name:` line of a header block, found without parsing the other lines. */
export function findHeader(text: string, name: string): string | undefined {
  const key = name + ':';
  let at = 0;
  if (!text.startsWith(key)) {
    const found = text.indexOf('\n' + key);
    if (found < 0) return undefined;
    at = found + 1;
  }
  let end = text.indexOf('\n', at);
  if (end < 0) end = text.length;
  return percentDecode(valueAfterColon(trimCr(text.slice(at, end)), key.length - 1));
}

function trimCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function valueAfterColon(line: string, colon: number): string {
  return line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
}
