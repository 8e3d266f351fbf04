import { createHmac } from 'node:crypto';
import type { Params } from './params.js';

/** The request header that carries the signature. */
export const SIGNATURE_HEADER = 'x-twilio-signature';

/**
 * Computes the `X-Twilio-Signature` value of a request: HMAC-SHA1, keyed with the auth token, over the full URL
 * (scheme through query string; any fragment is left out) and, for a POST form body, each parameter name followed
 * by its value, names sorted by UTF-16 code unit, the values of a repeated name de-duplicated and sorted. For GET
 * (and any other method) the parameters are already in the URL, so only the URL is signed. Base64 with padding.
 * @example
 * computeSignature(token, new URL('https://example.test/voice'), [['CallSid', 'CA1']], 'POST');
 */
export function computeSignature(authToken: string, url: URL | string, params: Params, method: string): string {
  const hmac = createHmac('sha1', authToken);
  hmac.update(withoutFragment(url), 'utf8');
  if (method.toUpperCase() === 'POST') {
    for (const [name, values] of groupSorted(params)) {
      for (const value of values) hmac.update(name + value, 'utf8');
    }
  }
  return hmac.digest('base64');
}

function withoutFragment(url: URL | string): string {
  if (typeof url !== 'string') {
    if (url.hash === '') return url.href;
    const copy = new URL(url);
    copy.hash = '';
    return copy.href;
  }
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

/** Names in code-unit order, each with its distinct values in code-unit order. */
function groupSorted(params: Params): Array<[string, string[]]> {
  const byName = new Map<string, Set<string>>();
  for (const [name, value] of params) {
    let values = byName.get(name);
    if (!values) byName.set(name, (values = new Set()));
    values.add(value);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .map(([name, values]) => [name, [...values].sort(compareCodeUnits)]);
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
