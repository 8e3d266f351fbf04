/**
 * FreeSWITCH's URL encoding of plain-format event values.
 *
 * FreeSWITCH encodes per UTF-8 byte, with uppercase hex, and leaves only letters, digits and
 * `! $ ' ( ) * , - . / _ ~` alone. A `%` already followed by two uppercase hex digits is passed
 * through unchanged (no double encoding), which makes decoding ambiguous: see the `%25(` in
 * `tone_stream%3A//%25(500,0,440)` of esl-captures/transcript-basic-loopback.txt, where `%(` is
 * not a hex pair and therefore is encoded.
 */

const PASS = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) PASS[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) PASS[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) PASS[c] = 1;
for (const ch of "!$'()*,-./_~") PASS[ch.charCodeAt(0)] = 1;

const HEX = '0123456789ABCDEF';

function isUpperHex(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46));
}

/** Encodes one header value exactly as FreeSWITCH writes it in `text/event-plain` events. */
export function urlEncodeLikeFreeSwitch(value: string): string {
  let i = 0;
  const n = value.length;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c >= 128 || PASS[c] === 0) break;
    i++;
  }
  if (i === n) return value;
  const bytes = Buffer.from(value, 'utf8');
  let out = value.slice(0, i);
  for (let j = i; j < bytes.length; j++) {
    const b = bytes[j] as number;
    if (b < 128 && PASS[b] === 1) {
      out += String.fromCharCode(b);
    } else if (b === 0x25 && isUpperHex(bytes[j + 1]) && isUpperHex(bytes[j + 2])) {
      out += '%';
    } else {
      out += '%' + HEX[b >> 4] + HEX[b & 15];
    }
  }
  return out;
}
