/**
 * The TwiML parser and validator: pure code, no I/O. `parseTwiml` turns a response body into a validated
 * {@link TwimlDocument}; `validateTwiml` lists every problem; `classifyContentType` decides whether a response is
 * TwiML at all; `resolveUrl` resolves the document's URLs against its own URL.
 */
export type * from './ast.js';
export { classifyContentType, mediaType } from './content-type.js';
export { TwimlError, type TwimlCode, type TwimlProblem } from './errors.js';
export { DEFAULT_TWIML_LIMITS, parseTwiml, validateTwiml, type TwimlCheckOptions, type TwimlLimits } from './parse.js';
export { resolveUrl } from './url.js';
export { INLINE_TWIML_BASE, isInlineBase, parseInlineTwiml } from './inline.js';
export { isFreeswitchStream } from './build-verbs.js';
