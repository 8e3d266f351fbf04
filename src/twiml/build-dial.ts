/**
 * `<Dial>` and its nouns. A Dial holds either a bare number, or up to ten ringing nouns (Number, Sip, User,
 * Device) in any mix, or exactly one Conference, or exactly one Queue; Twilio nouns this server does not run are
 * skipped.
 */
import type {
  ConferenceNoun,
  DeviceNoun,
  DialNoun,
  DialVerb,
  NodeInfo,
  NumberNoun,
  QueueNoun,
  SipNoun,
  UserNoun,
} from './ast.js';
import { defaultsOf } from './attributes.js';
import type { Checker } from './checker.js';
import { SCHEMA } from './schema.js';
import type { XmlElement } from './xml-tree.js';

/** Most nouns one `<Dial>` rings at once. */
export const MAX_RING_NOUNS = 10;

const SIP_URI = /^sips?:\S+$/i;
/** A URI scheme other than sip/sips (`tel:`, `http:`); a host with a port (`example.com:5060`) has a dot, a scheme has none. */
const OTHER_SCHEME = /^[a-z][a-z0-9+-]*:/i;

/** The trimmed body of a noun; reports it when empty. */
function requiredText(el: XmlElement, ck: Checker, what: string): string {
  const text = ck.content(el, SCHEMA[nounName(el)]).text.trim();
  if (text === '') ck.error('ERR_TWIML_MISSING_VALUE', `<${el.name}> needs ${what}`, el);
  return text;
}

type NounName = 'Number' | 'Sip' | 'User' | 'Device' | 'Conference' | 'Queue';

function nounName(el: XmlElement): NounName {
  switch (el.name) {
    case 'Sip':
    case 'User':
    case 'Device':
    case 'Conference':
    case 'Queue':
      return el.name;
    default:
      return 'Number';
  }
}

function buildNumber(el: XmlElement, ck: Checker): NumberNoun {
  const { values, info } = ck.attributes(el, SCHEMA.Number);
  return { kind: 'Number', ...info, ...values, number: requiredText(el, ck, 'a phone number') };
}

/**
 * The URI of a `<Sip>`: a `sip:`/`sips:` URI as written, or one written without a scheme (`kate@example.com`, as in
 * Twilio's and Kazoo's examples) as a `sip:` URI; undefined for any other scheme.
 */
function sipUri(text: string): string | undefined {
  if (SIP_URI.test(text)) return text;
  if (OTHER_SCHEME.test(text) || /\s/.test(text)) return undefined;
  return `sip:${text}`;
}

function buildSip(el: XmlElement, ck: Checker): SipNoun {
  const { values, info } = ck.attributes(el, SCHEMA.Sip);
  const text = requiredText(el, ck, 'a SIP URI');
  const uri = text === '' ? text : sipUri(text);
  if (uri === undefined) {
    ck.error('ERR_TWIML_INVALID_TEXT', `<Sip> "${text.slice(0, 60)}" is not a sip: or sips: URI`, el);
  }
  return { kind: 'Sip', ...info, ...values, uri: uri ?? text };
}

function buildUser(el: XmlElement, ck: Checker): UserNoun {
  const { info } = ck.attributes(el, SCHEMA.User);
  return { kind: 'User', ...info, id: requiredText(el, ck, 'a user id') };
}

function buildDevice(el: XmlElement, ck: Checker): DeviceNoun {
  const { info } = ck.attributes(el, SCHEMA.Device);
  return { kind: 'Device', ...info, id: requiredText(el, ck, 'a device id') };
}

function buildConference(el: XmlElement, ck: Checker): ConferenceNoun {
  const { values, info } = ck.attributes(el, SCHEMA.Conference);
  return { kind: 'Conference', ...info, ...values, name: requiredText(el, ck, 'a conference name') };
}

function buildQueue(el: XmlElement, ck: Checker): QueueNoun {
  const { values, info } = ck.attributes(el, SCHEMA.Queue);
  return { kind: 'Queue', ...info, ...values, name: requiredText(el, ck, 'a queue name') };
}

function buildNoun(el: XmlElement, ck: Checker): DialNoun {
  switch (nounName(el)) {
    case 'Sip':
      return buildSip(el, ck);
    case 'User':
      return buildUser(el, ck);
    case 'Device':
      return buildDevice(el, ck);
    case 'Conference':
      return buildConference(el, ck);
    case 'Queue':
      return buildQueue(el, ck);
    case 'Number':
      return buildNumber(el, ck);
  }
}

/** A bare number in `<Dial>` is a `<Number>` with every default. */
function bareNumber(number: string, info: NodeInfo): NumberNoun {
  return { kind: 'Number', position: info.position, unknownAttributes: [], ...defaultsOf(SCHEMA.Number.attributes), number };
}

/**
 * `<Dial>` attributes that have nothing to act on when the Dial joins a `<Conference>`: nothing rings (timeout,
 * ringTone), no call is placed (callerId), the caller is answered as it joins the room (answerOnBridge), and the
 * Dial's recording is of a bridge (record and its companions; a room is recorded with `<Conference record>`).
 */
const NOT_FOR_CONFERENCE: Readonly<Record<string, string>> = {
  timeout: 'nothing rings',
  callerId: 'no call is placed',
  ringTone: 'nothing rings',
  answerOnBridge: 'the caller is answered as it joins the room',
  record: 'use <Conference record="record-from-start">',
  trim: 'use <Conference trim>',
  recordingStatusCallback: 'use <Conference recordingStatusCallback>',
  recordingStatusCallbackMethod: 'use <Conference recordingStatusCallbackMethod>',
  recordingStatusCallbackEvent: 'use <Conference recordingStatusCallbackEvent>',
};

/** Warns of the Dial attributes given that do not apply to the Conference it holds. */
function checkConferenceAttributes(el: XmlElement, elements: readonly XmlElement[], ck: Checker): void {
  if (!elements.some((child) => child.name === 'Conference')) return;
  for (const [name, why] of Object.entries(NOT_FOR_CONFERENCE)) {
    if (el.attributes.has(name)) {
      ck.warn('ERR_TWIML_NOT_APPLICABLE', `<Dial> ${name} does not apply to <Conference> (${why}); it is ignored`, el);
    }
  }
}

/** Checks the Twilio rules on which nouns may be combined. */
function checkCombination(el: XmlElement, elements: readonly XmlElement[], ck: Checker): void {
  const alone = elements.filter((child) => child.name === 'Conference' || child.name === 'Queue');
  if (alone.length > 0 && elements.length > 1) {
    const first = alone[0] ?? el;
    ck.error('ERR_TWIML_INVALID_NESTING', `<${first.name}> must be the only noun in <Dial>`, first);
  }
  if (alone.length === 0 && elements.length > MAX_RING_NOUNS) {
    ck.error('ERR_TWIML_SCHEMA', `<Dial> can ring at most ${MAX_RING_NOUNS} nouns at once (found ${elements.length})`, el);
  }
}

/**
 * `<Dial>`. Nouns this server does not run (`<Client>`, `<Application>`...) are skipped with a warning and the
 * others ring; a Dial left with nothing to ring fails when it runs (DialCallStatus=failed), as a Dial whose every
 * endpoint is refused does.
 */
export function buildDial(el: XmlElement, ck: Checker): DialVerb {
  const { values, info } = ck.attributes(el, SCHEMA.Dial);
  const { text, elements, skipped } = ck.content(el, SCHEMA.Dial);
  const nouns: DialNoun[] = elements.map((child) => buildNoun(child, ck));
  const bare = text.trim();
  if (bare !== '' && elements.length + skipped.length > 0) {
    ck.error('ERR_TWIML_INVALID_NESTING', '<Dial> cannot mix a bare number with nouns', el);
  } else if (bare !== '') {
    nouns.push(bareNumber(bare, info));
  } else if (elements.length === 0 && skipped.length > 0) {
    ck.warn('ERR_TWIML_SKIPPED', '<Dial> has nothing left to ring once its unsupported nouns are skipped: it fails (DialCallStatus=failed)', el);
  } else if (elements.length === 0 && !el.children.some((child) => child.type === 'element')) {
    ck.error('ERR_TWIML_MISSING_VALUE', '<Dial> needs a number or a noun to dial', el);
  }
  checkCombination(el, elements, ck);
  checkConferenceAttributes(el, elements, ck);
  return { kind: 'Dial', ...info, ...values, nouns };
}
