import { TwimlError } from './errors.js';

/**
 * Resolves a URL found in a TwiML document against the document's own URL, with the RFC 3986 rules of the WHATWG
 * URL parser (a leading `/` is host-relative, `..` climbs). Only `http:` and `https:` results are accepted.
 *
 * @throws TwimlError `ERR_TWIML_INVALID_URL` when the reference does not parse or is not http(s).
 * @example resolveUrl('next.xml', new URL('https://h/ivr/start.xml')).href === 'https://h/ivr/next.xml'
 */
export function resolveUrl(ref: string, base: URL): URL {
  let url: URL;
  try {
    url = new URL(ref.trim(), base);
  } catch (err) {
    throw new TwimlError('ERR_TWIML_INVALID_URL', `"${shorten(ref)}" is not a valid URL`, { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TwimlError('ERR_TWIML_INVALID_URL', `"${shorten(ref)}" is not an http or https URL`);
  }
  return url;
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
