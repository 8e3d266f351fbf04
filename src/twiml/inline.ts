/**
 * TwiML given as text rather than fetched (the Calls API's `Twiml` parameter, on create and update). Such a
 * document has no URL: it is parsed as any other, then refused when it has a URL that would need one, before
 * anything happens to the call:
 * - a relative URL (an `action`, a `<Play>` or `<Redirect>` body, a callback): Twilio's 15004;
 * - a recording without an `action` (`<Record>`, a recording `<Dial>`, a `<Conference record>` whose `<Dial>` has
 *   none), whose upload goes to the action URL or the document's: Twilio's 11100 ("no URL provided in Record verb
 *   action attribute when modifying a live call").
 *
 * Its base, {@link INLINE_TWIML_BASE}, is never requested: a verb whose action defaults to the document's URL and
 * has none (a `<Gather>`) goes on with the next verb, as a `<Gather>` with no input does.
 */
import type { TwimlDocument, Verb } from './ast.js';
import { AppError } from '../errors.js';
import { parseTwiml, type TwimlLimits } from './parse.js';

/** The base of a document given inline; it stands for "no URL" and is never requested. */
export const INLINE_TWIML_BASE: URL = new URL('https://inline-twiml.invalid/');

/** Whether `url` is the base of a document given inline. */
export function isInlineBase(url: URL): boolean {
  return url.href === INLINE_TWIML_BASE.href;
}

/** The fields of verbs and nouns that hold a URL. */
const URL_FIELDS: ReadonlySet<string> = new Set([
  'url', 'action', 'statusCallback', 'recordingStatusCallback', 'recordingUrl', 'waitUrl',
]);

/**
 * Parses TwiML given inline.
 * @throws TwimlError as `parseTwiml` does; AppError `ERR_API_TWIML_RELATIVE_URL` (15004) for a relative URL and
 * `ERR_API_TWIML_NO_ACTION` (11100) for a recording with nowhere to go (Twilio's numbers for a request that gives
 * such TwiML, not for a document).
 */
export function parseInlineTwiml(text: string, limits?: Partial<TwimlLimits>): TwimlDocument {
  const document = parseTwiml(text, INLINE_TWIML_BASE, limits);
  for (const verb of document.verbs) {
    const relative = relativeUrlIn(verb);
    if (relative !== undefined) {
      throw new AppError('ERR_API_TWIML_RELATIVE_URL',
        `<${verb.kind}> on line ${verb.position.line} has a relative URL (${JSON.stringify(relative)}); TwiML given inline needs absolute URLs`);
    }
    if (recordsWithoutAction(verb)) {
      throw new AppError('ERR_API_TWIML_NO_ACTION',
        `<${verb.kind}> on line ${verb.position.line} records without an action URL`);
    }
  }
  return document;
}

/** What starts an absolute URL (a scheme; FreeSWITCH streams such as `tone_stream:` too): without one, a reference is relative. */
const SCHEME = /^[a-z][a-z0-9+._-]*:/i;

/** The first relative URL in `node` or the nouns and verbs it holds. */
function relativeUrlIn(node: object): string | undefined {
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string') {
      const ref = value.trim();
      if (URL_FIELDS.has(key) && ref !== '' && !SCHEME.test(ref)) return ref;
    } else if (Array.isArray(value)) {
      for (const item of value as unknown[]) {
        const found = item !== null && typeof item === 'object' ? relativeUrlIn(item) : undefined;
        if (found !== undefined) return found;
      }
    }
  }
  return undefined;
}

function recordsWithoutAction(verb: Verb): boolean {
  if (verb.kind === 'Record') return verb.action === undefined && verb.recordingUrl === undefined;
  if (verb.kind !== 'Dial' || verb.action !== undefined) return false;
  return verb.record !== 'do-not-record'
    || verb.nouns.some((noun) => noun.kind === 'Conference' && noun.record === 'record-from-start');
}
