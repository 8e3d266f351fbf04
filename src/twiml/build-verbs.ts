/**
 * Turns checked XML elements into verb nodes, applying the schema and the per-verb content rules (required text,
 * allowed children). Problems go to the {@link Checker}; the returned nodes are only used when there are none.
 */
import type {
  EnqueueVerb,
  GatherPrompt,
  GatherVerb,
  HangupVerb,
  LeaveVerb,
  PauseVerb,
  PlayVerb,
  RecordVerb,
  RedirectVerb,
  RejectVerb,
  SayVerb,
  SetVerb,
  SkippedVerb,
  SkippedVerbName,
  VariableNoun,
  Verb,
} from './ast.js';
import { method, url } from './attributes.js';
import { buildDial } from './build-dial.js';
import { clip, type Checker, type ElementContent } from './checker.js';
import { isElementName, SCHEMA, SKIPPED_VERB_NAMES, SSML_NAMES } from './schema.js';
import type { XmlElement } from './xml-tree.js';

/** Longest queue name TwiML accepts. */
const MAX_QUEUE_NAME = 64;

/** The spoken text of an SSML `<sub alias="...">`: its alias, when it has a non-empty one. */
function subAlias(el: XmlElement): string | undefined {
  if (el.name !== 'sub') return undefined;
  const alias = el.attributes.get('alias');
  return alias === undefined || alias.trim() === '' ? undefined : alias;
}

/**
 * Reduces a `<Say>` body to plain text: SSML tags keep their text, `<sub alias>` is replaced by its alias (what
 * SSML speaks), `break`/`p`/`s` separate words.
 */
function sayText(el: XmlElement, ck: Checker): string {
  const parts: string[] = [];
  let sawSsml = false;
  const walk = (node: XmlElement): void => {
    for (const child of node.children) {
      if (child.type === 'text') parts.push(child.text);
      else if (SSML_NAMES.has(child.name)) {
        sawSsml = true;
        const separates = child.name === 'break' || child.name === 'p' || child.name === 's';
        if (separates) parts.push(' ');
        const alias = subAlias(child);
        if (alias === undefined) walk(child);
        else parts.push(alias);
        if (separates) parts.push(' ');
      } else if (isElementName(child.name)) {
        ck.error('ERR_TWIML_INVALID_NESTING', `<${child.name}> is not allowed inside <Say>`, child);
      } else ck.nameStatus(child);
    }
  };
  walk(el);
  if (sawSsml) ck.warn('ERR_TWIML_UNSUPPORTED', '<Say> SSML is not supported; only its text is spoken', el);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

/** Whether an element has child elements, allowed or not (then a misplaced child was reported instead). */
function hasElementChild(el: XmlElement): boolean {
  return el.children.some((child) => child.type === 'element');
}

/** `<Say>`. */
export function buildSay(el: XmlElement, ck: Checker): SayVerb {
  const { values, info } = ck.attributes(el, SCHEMA.Say);
  const text = sayText(el, ck);
  if (text === '') ck.error('ERR_TWIML_MISSING_VALUE', '<Say> has no text to speak', el);
  return { kind: 'Say', ...info, ...values, text };
}

/** FreeSWITCH's generated audio (`tone_stream://`, `silence_stream://`, `local_stream://`), as a `<Play>` body. */
const FREESWITCH_STREAM = /^(?:tone|silence|local)_stream:\/\/\S+$/;

/** Whether a `<Play>` body is a FreeSWITCH stream path (passed through) rather than a URL. */
export function isFreeswitchStream(body: string): boolean {
  return FREESWITCH_STREAM.test(body);
}

/** A Kazoo media id: the 32 hex digits of a media document of the account (Kazoo Pivot's `<Play>` body). */
const KAZOO_MEDIA_ID = /^[0-9a-f]{32}$/i;

/** `<Play>`: a URL (or a FreeSWITCH stream path, or a Kazoo media id), DTMF digits, or both. */
export function buildPlay(el: XmlElement, ck: Checker): PlayVerb {
  const { values, info } = ck.attributes(el, SCHEMA.Play);
  const text = ck.content(el, SCHEMA.Play).text.trim();
  if (KAZOO_MEDIA_ID.test(text)) {
    ck.warn('ERR_TWIML_KAZOO_MEDIA',
      `<Play> "${text}" is a Kazoo media id: played through call.kazooMediaUrl, or skipped when that is not set`, el);
    return { kind: 'Play', ...info, ...values, mediaId: text.toLowerCase() };
  }
  // FreeSWITCH stream paths pass through to the server, which plays only the forms its configuration allows.
  const url = FREESWITCH_STREAM.test(text) ? text : ck.urlText(text, el);
  // A digits value that failed its own check has been reported already.
  const digitsWritten = (el.attributes.get('digits') ?? '').trim() !== '';
  if (url === '' && !digitsWritten) {
    ck.error('ERR_TWIML_MISSING_VALUE', '<Play> needs an audio URL or a digits attribute', el);
  }
  return { kind: 'Play', ...info, ...values, ...(url === '' ? {} : { url }) };
}

/** `<Pause>`. */
export function buildPause(el: XmlElement, ck: Checker): PauseVerb {
  const { values, info } = ck.attributes(el, SCHEMA.Pause);
  ck.content(el, SCHEMA.Pause);
  return { kind: 'Pause', ...info, ...values };
}

function buildPrompt(el: XmlElement, ck: Checker): GatherPrompt {
  if (el.name === 'Say') return buildSay(el, ck);
  if (el.name === 'Play') return buildPlay(el, ck);
  return buildPause(el, ck);
}

/** `<Gather>`: DTMF only; `speech` input is accepted with a warning. */
export function buildGather(el: XmlElement, ck: Checker): GatherVerb {
  const { values, info } = ck.attributes(el, SCHEMA.Gather);
  if (values.input.includes('speech')) {
    ck.warn('ERR_TWIML_UNSUPPORTED', '<Gather> speech input is not supported; only DTMF is collected', el);
  }
  const children = ck.content(el, SCHEMA.Gather).elements.map((child) => buildPrompt(child, ck));
  return { kind: 'Gather', ...info, ...values, children };
}

/** `<Record>`. */
export function buildRecord(el: XmlElement, ck: Checker): RecordVerb {
  const { values, info } = ck.attributes(el, SCHEMA.Record);
  ck.content(el, SCHEMA.Record);
  return { kind: 'Record', ...info, ...values };
}

/** `<Variable key value/>`. */
export function buildVariable(el: XmlElement, ck: Checker): VariableNoun {
  const { values, info } = ck.attributes(el, SCHEMA.Variable);
  ck.content(el, SCHEMA.Variable);
  if (values.key === undefined) ck.error('ERR_TWIML_MISSING_VALUE', '<Variable> needs a non-empty key', el);
  return { kind: 'Variable', ...info, key: values.key ?? '', value: values.value };
}

/**
 * `<Redirect>`, with the Kazoo Pivot `<Variable>` children. An empty body is the empty relative reference, which
 * resolves to the current document (RFC 3986): it is requested again (Twilio's queue examples rely on it).
 */
export function buildRedirect(el: XmlElement, ck: Checker): RedirectVerb {
  const { values, info } = ck.attributes(el, SCHEMA.Redirect);
  const content = ck.content(el, SCHEMA.Redirect);
  const url = ck.urlText(content.text, el);
  if (url === '') ck.warn('ERR_TWIML_MISSING_VALUE', '<Redirect> has no URL: the current document is requested again', el);
  const variables = content.elements.map((child) => buildVariable(child, ck));
  return { kind: 'Redirect', ...info, ...values, url, variables };
}

/** `<Hangup>`. */
export function buildHangup(el: XmlElement, ck: Checker): HangupVerb {
  const { info } = ck.attributes(el, SCHEMA.Hangup);
  ck.content(el, SCHEMA.Hangup);
  return { kind: 'Hangup', ...info };
}

/** `<Reject>`. */
export function buildReject(el: XmlElement, ck: Checker): RejectVerb {
  const { values, info } = ck.attributes(el, SCHEMA.Reject);
  ck.content(el, SCHEMA.Reject);
  return { kind: 'Reject', ...info, ...values };
}

/** `<Set>` (Kazoo Pivot): one or more `<Variable>`s. */
export function buildSet(el: XmlElement, ck: Checker): SetVerb {
  const { info } = ck.attributes(el, SCHEMA.Set);
  const variables = ck.content(el, SCHEMA.Set).elements.map((child) => buildVariable(child, ck));
  if (variables.length === 0 && !hasElementChild(el)) {
    ck.error('ERR_TWIML_MISSING_VALUE', '<Set> needs at least one <Variable>', el);
  }
  return { kind: 'Set', ...info, variables };
}

/** `<Enqueue>`: the body is the queue name. */
export function buildEnqueue(el: XmlElement, ck: Checker): EnqueueVerb {
  const { values, info } = ck.attributes(el, SCHEMA.Enqueue);
  const name = ck.content(el, SCHEMA.Enqueue).text.trim();
  if (name === '') ck.error('ERR_TWIML_MISSING_VALUE', '<Enqueue> needs a queue name', el);
  else if (name.length > MAX_QUEUE_NAME) {
    ck.error('ERR_TWIML_INVALID_TEXT', `<Enqueue> queue name "${clip(name)}" is longer than ${MAX_QUEUE_NAME} characters`, el);
  }
  return { kind: 'Enqueue', ...info, ...values, name };
}

/** `<Leave>`. */
export function buildLeave(el: XmlElement, ck: Checker): LeaveVerb {
  const { info } = ck.attributes(el, SCHEMA.Leave);
  ck.content(el, SCHEMA.Leave);
  return { kind: 'Leave', ...info };
}

/** What a skipped `<Pay>`, `<Refer>` or `<Connect>` keeps: its action and method; nothing else is checked. */
const SKIPPED_VERB_ATTRIBUTES = { attributes: { action: url(), method: method() }, unsupported: [] } as const;

/** The builder of a verb that is skipped but kept in place; the skip itself was reported with the content. */
function skippedVerb<K extends SkippedVerbName>(kind: K): (el: XmlElement, ck: Checker) => SkippedVerb<K> {
  return (el, ck) => {
    const { values, info } = ck.attributes(el, SKIPPED_VERB_ATTRIBUTES, { reportUnknown: false });
    return { kind, ...info, ...values };
  };
}

type VerbBuilders = { readonly [K in Verb['kind']]: (el: XmlElement, ck: Checker) => Extract<Verb, { kind: K }> };

const BUILDERS: VerbBuilders = {
  Say: buildSay,
  Play: buildPlay,
  Pause: buildPause,
  Gather: buildGather,
  Record: buildRecord,
  Dial: buildDial,
  Redirect: buildRedirect,
  Hangup: buildHangup,
  Reject: buildReject,
  Set: buildSet,
  Enqueue: buildEnqueue,
  Leave: buildLeave,
  Pay: skippedVerb('Pay'),
  Refer: skippedVerb('Refer'),
  Connect: skippedVerb('Connect'),
};

function isVerbName(name: string): name is Verb['kind'] {
  return Object.hasOwn(BUILDERS, name);
}

/** Builds the verb for a child of `<Response>` that the schema allows there, or that is skipped but kept. */
export function buildVerb(el: XmlElement, ck: Checker): Verb | undefined {
  return isVerbName(el.name) ? BUILDERS[el.name](el, ck) : undefined;
}

/** The children of `<Response>` that become verbs, in document order: the allowed ones and the skipped kept ones. */
export function verbElements(content: ElementContent): XmlElement[] {
  const kept = content.skipped.filter((el) => SKIPPED_VERB_NAMES.some((name) => name === el.name));
  return [...content.elements, ...kept].sort((a, b) => a.offset - b.offset);
}
