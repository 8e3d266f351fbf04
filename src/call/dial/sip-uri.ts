/**
 * `<Sip>` URIs: `sip:` or `sips:`, a user part, a host name or IPv4 address, an optional port and URI parameters,
 * then optional headers after `?`. Only `X-` headers are kept; they become `sip_h_X-...` leg variables. The URI
 * itself goes into the endpoint, so it is checked against a conservative character set and a URI that FreeSWITCH
 * could read as dial-string syntax is refused as a whole. A header value is percent-decoded (`+` is a space),
 * trimmed, and carried as it is in the leg's variable list, escaped there (var-list-value.ts); one that cannot be
 * carried intact (a line break, `${`, a `'` quote, a backslash, unbalanced `[` `]`) refuses the URI.
 */
import { AppError } from '../../errors.js';
import { legValue } from './dial-values.js';

/** A checked SIP URI. */
export interface SipTarget {
  /** The URI without its headers, e.g. `sip:alice@example.com:5080;transport=tcp`. */
  readonly uri: string;
  /** `X-` headers from the query, decoded and checked. */
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>;
  /** Headers left out because they are not `X-` headers. */
  readonly dropped: readonly string[];
}

const SIP_URI = /^(sips?):(?:([A-Za-z0-9_.!~*+&=-]{1,128})@)?([A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}))(?::([0-9]{1,5}))?((?:;[A-Za-z0-9_.-]+(?:=[A-Za-z0-9_.-]+)?)*)$/i;
const HEADER_NAME = /^X-[A-Za-z0-9-]{1,64}$/i;

function refuse(uri: string, why: string): never {
  throw new AppError('ERR_DIAL_ENDPOINT_REFUSED', `the SIP URI ${JSON.stringify(uri.slice(0, 80))} is refused: ${why}`);
}

function decode(text: string, uri: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return refuse(uri, 'a header is not valid percent-encoding');
  }
}

/**
 * Checks a `<Sip>` URI and splits off its headers.
 * @throws AppError ERR_DIAL_ENDPOINT_REFUSED
 */
export function parseSipUri(text: string): SipTarget {
  const q = text.indexOf('?');
  const base = q < 0 ? text : text.slice(0, q);
  const m = SIP_URI.exec(base);
  if (!m) refuse(text, 'not a sip:/sips: URI of user@host[:port][;params]');
  const port = m[4];
  if (port !== undefined && Number(port) > 65535) refuse(text, 'the port is out of range');
  const headers: Array<readonly [string, string]> = [];
  const dropped: string[] = [];
  for (const pair of q < 0 ? [] : text.slice(q + 1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq), text);
    const value = decode(eq < 0 ? '' : pair.slice(eq + 1), text);
    if (!HEADER_NAME.test(name)) {
      dropped.push(name.slice(0, 40));
      continue;
    }
    headers.push([name, legValue(value.trim(), `the header ${name}`)]);
  }
  return { uri: base, headers, dropped };
}
