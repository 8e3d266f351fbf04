/**
 * Structural view of a FreeSWITCH message for comparisons: the outer headers, the serialised
 * event (plain headers with their raw URL-encoded values, or the JSON members in order) and any
 * body, with volatile values masked.
 */

/** A header with its value as it appears on the wire (encoded for plain, decoded for JSON). */
export type Pair = readonly [string, string];

/** A parsed message. */
export interface EslMessage {
  readonly outer: Pair[];
  readonly kind: 'plain' | 'json' | 'none' | 'raw';
  readonly event: Pair[];
  readonly body: string;
  /** Byte length of what follows the outer blank line. */
  readonly bodyBytes: number;
  /** For JSON events: whether the text is exactly what JSON.stringify gives (cJSON layout). */
  readonly compactJson: boolean;
}

function lines(text: string): Pair[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const i = l.indexOf(': ');
      return i < 0 ? ([l, ''] as const) : ([l.slice(0, i), l.slice(i + 2)] as const);
    });
}

/** Parses one message as read from the socket. */
export function parseMessage(raw: Buffer): EslMessage {
  const end = raw.indexOf('\n\n');
  const outer = lines(raw.toString('utf8', 0, end));
  const rest = raw.subarray(end + 2);
  const type = outer.find(([k]) => k === 'Content-Type')?.[1];
  if (type === 'text/event-plain') {
    const text = rest.toString('utf8');
    const inner = text.indexOf('\n\n');
    const event = lines(text.slice(0, inner));
    return { outer, kind: 'plain', event, body: text.slice(inner + 2), bodyBytes: rest.length, compactJson: true };
  }
  if (type === 'text/event-json') {
    const text = rest.toString('utf8');
    const event = jsonPairs(text);
    const printed = '{' + event.map(([k, v]) => JSON.stringify(k) + ':' + (v.startsWith('[') ? v : JSON.stringify(v))).join(',') + '}';
    return { outer, kind: 'json', event, body: '', bodyBytes: rest.length, compactJson: printed === text };
  }
  return { outer, kind: rest.length ? 'raw' : 'none', event: [], body: rest.toString('utf8'), bodyBytes: rest.length, compactJson: true };
}

/** Decides whether a header's value is volatile (differs per run) and must be masked. */
export type Masker = (name: string, value: string, msg: Pair[]) => boolean;

const ALWAYS = new Set(['Event-Date-Local', 'Event-Date-GMT', 'Event-Date-Timestamp', 'Event-Sequence']);
const CDR = /^variable_(.*_(stamp|epoch|uepoch)|duration|billsec|progresssec|answersec|waitsec|progress_mediasec|flow_billsec|mduration|billmsec|progressmsec|answermsec|waitmsec|progress_mediamsec|flow_billmsec|uduration|billusec|progressusec|answerusec|waitusec|progress_mediausec|flow_billusec|sip_invite_stamp)$/;

/**
 * The volatile fields of every capture comparison:
 * - event dates, timestamps and the global Event-Sequence (time and switch-wide counters);
 * - non-zero `*-Time` profile timestamps (zero vs non-zero is still compared);
 * - the accounting variables of CHANNEL_HANGUP_COMPLETE (stamps, epochs, durations);
 * - the Application-UUID of the `socket` app, which FreeSWITCH generates and we never send.
 */
export const baseMasker: Masker = (name, value, msg) => {
  if (ALWAYS.has(name)) return true;
  if (/-Time$/.test(name) && /^(Caller|Channel|Other-Leg)-/.test(name)) return value !== '0';
  if (CDR.test(name)) return true;
  if (name === 'Application-UUID') return msg.some(([k, v]) => k === 'Application' && v === 'socket');
  return false;
};

/** Applies a masker. */
export function masked(pairs: Pair[], mask: Masker): Pair[] {
  return pairs.map(([k, v]) => [k, mask(k, v, pairs) ? '<masked>' : v] as const);
}

/**
 * The members of a flat JSON object in order, duplicates kept (CHANNEL_HANGUP_COMPLETE carries
 * Hangup-Cause twice). Array values are returned as their compact JSON text.
 */
export function jsonPairs(text: string): Pair[] {
  const out: Pair[] = [];
  let i = 1;
  const str = (): string => {
    let j = i + 1;
    while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    const s = JSON.parse(text.slice(i, j + 1)) as string;
    i = j + 1;
    return s;
  };
  while (i < text.length && text[i] !== '}') {
    if (text[i] === ',') i++;
    const key = str();
    i++; // ':'
    if (text[i] === '[') {
      const items: string[] = [];
      i++;
      while (text[i] !== ']') {
        if (text[i] === ',') i++;
        items.push(str());
      }
      i++;
      out.push([key, JSON.stringify(items)]);
    } else out.push([key, str()]);
  }
  return out;
}
