/**
 * Choosing how to read a webhook response from its Content-Type. `text/xml` and `application/xml` are TwiML;
 * any other type (or none) is accepted only when the body is a well-formed `<Response>` document, and refused
 * with 12300 otherwise. Kazoo's JSON callflow format is not supported, so a JSON body is always refused.
 */
import { TwimlError } from './errors.js';
import { readsAsResponse } from './parse.js';

const XML_TYPES: ReadonlySet<string> = new Set(['text/xml', 'application/xml']);

/** The media type of a Content-Type header, lower-cased, without parameters such as `charset`. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

/** Index of the first character after the BOM, whitespace, XML declaration, processing instructions and comments. */
function prologEnd(body: string): number {
  let i = body.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (i < body.length && /\s/.test(body.charAt(i))) i++;
    const closer = body.startsWith('<?', i) ? '?>' : body.startsWith('<!--', i) ? '-->' : undefined;
    if (closer === undefined) return i;
    const end = body.indexOf(closer, i + 2);
    if (end === -1) return body.length;
    i = end + closer.length;
  }
}

/** A cheap look at the first element's name, so that HTML or JSON bodies are refused without parsing. */
function startsWithResponse(body: string): boolean {
  const i = prologEnd(body);
  return body.startsWith('<Response', i) && /[\s/>]/.test(body.charAt(i + '<Response'.length));
}

/**
 * Decides whether a response is TwiML.
 *
 * @param contentType the Content-Type header, if any; parameters are ignored
 * @param body the response body as text
 * @returns `'twiml'`, or a TwimlError with code `ERR_TWIML_CONTENT_TYPE` (Twilio 12300) to throw or report
 * @example classifyContentType('text/plain; charset=utf-8', '<Response/>') === 'twiml'
 */
export function classifyContentType(contentType: string | undefined, body: string): 'twiml' | TwimlError {
  const type = mediaType(contentType);
  if (XML_TYPES.has(type)) return 'twiml';
  if (startsWithResponse(body) && readsAsResponse(body)) return 'twiml';
  const shown = type === '' ? 'no content type' : `content type ${type}`;
  return new TwimlError(
    'ERR_TWIML_CONTENT_TYPE',
    `the response has ${shown} and its body is not a <Response> document (TwiML needs text/xml or application/xml)`,
  );
}
