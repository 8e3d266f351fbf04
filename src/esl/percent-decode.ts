/**
 * Decodes FreeSWITCH's URL-encoded header values without ever throwing.
 *
 * FreeSWITCH encodes each byte on its own and passes through a `%` already followed by two uppercase hex digits,
 * so a value can decode to bytes that are not valid UTF-8 (a Latin-1 caller name `%E9`, or `%C3(`). modesl calls
 * `decodeURIComponent` on it and the URIError escapes from the socket's data handler. Here invalid sequences decode
 * to U+FFFD and a `%` that starts no escape is kept as it is.
 */
export function percentDecode(value: string): string {
  if (value.indexOf('%') === -1) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return decodeBytewise(value);
  }
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

function decodeBytewise(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 37 && i + 2 < value.length) {
      const hi = hexValue(value.charCodeAt(i + 1));
      const lo = hexValue(value.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        bytes.push(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    if (code < 0x80) {
      bytes.push(code);
    } else {
      // A non-ASCII character in the raw text: keep it, as its UTF-8 bytes.
      const end = code >= 0xd800 && code <= 0xdbff ? i + 2 : i + 1;
      for (const b of Buffer.from(value.slice(i, end), 'utf8')) bytes.push(b);
      i = end - 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
