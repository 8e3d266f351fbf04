/** One-line, human-readable descriptions of TwiML verbs, for call transcripts. */
import type { DialNoun, GatherPrompt, HttpMethod, Verb, VariableNoun } from '../twiml/index.js';

const MAX_TEXT = 60;

function quoted(text: string): string {
  return JSON.stringify(text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);
}

function target(url: string | undefined, method: HttpMethod): string {
  return `${method} ${url ?? '(this document)'}`;
}

function variables(list: readonly VariableNoun[]): string {
  return list.map((v) => `${v.key}=${v.value}`).join(' ');
}

function prompt(p: GatherPrompt): string {
  switch (p.kind) {
    case 'Say':
      return `Say ${quoted(p.text)}`;
    case 'Play':
      return `Play ${p.url ?? (p.mediaId === undefined ? `digits ${p.digits ?? ''}` : `media ${p.mediaId}`)}`;
    case 'Pause':
      return `Pause ${p.length}s`;
  }
}

function noun(n: DialNoun): string {
  switch (n.kind) {
    case 'Number':
      return n.number;
    case 'Sip':
      return n.uri;
    case 'User':
    case 'Device':
      return `${n.kind} ${n.id}`;
    case 'Conference':
    case 'Queue':
      return `${n.kind} ${n.name}`;
  }
}

function parts(...items: Array<string | false | undefined>): string {
  return items.filter((s): s is string => typeof s === 'string' && s !== '').join(' ');
}

/**
 * Describes `verb` on one line with the attributes that shape what the caller hears or where the call goes.
 * @example describeVerb(sayVerb) === 'Say "Hello" voice=alice'
 */
export function describeVerb(verb: Verb): string {
  switch (verb.kind) {
    case 'Say':
      return parts('Say', quoted(verb.text), verb.voice && `voice=${verb.voice}`, verb.language && `language=${verb.language}`,
        verb.loop !== 1 && `loop=${verb.loop}`);
    case 'Play':
      return parts('Play', verb.url, verb.mediaId !== undefined && `media ${verb.mediaId}`, verb.digits !== undefined && `digits=${verb.digits}`, verb.loop !== 1 && `loop=${verb.loop}`);
    case 'Pause':
      return `Pause ${verb.length}s`;
    case 'Gather':
      return parts('Gather', verb.numDigits !== undefined && `numDigits=${verb.numDigits}`, `timeout=${verb.timeout}s`,
        `finishOnKey=${verb.finishOnKey === '' ? '(none)' : verb.finishOnKey}`, `action=${target(verb.action, verb.method)}`,
        verb.children.length > 0 && `prompts: ${verb.children.map(prompt).join(', ')}`);
    case 'Record':
      return parts('Record', `maxLength=${verb.maxLength}s`, `timeout=${verb.timeout}s`,
        `finishOnKey=${verb.finishOnKey === '' ? '(none)' : verb.finishOnKey}`, !verb.playBeep && 'playBeep=false',
        `action=${target(verb.action, verb.method)}`, verb.recordingUrl !== undefined && `recordingUrl=${verb.recordingUrl}`);
    case 'Redirect':
      return parts('Redirect', target(verb.url === '' ? undefined : verb.url, verb.method), verb.variables.length > 0 && `with ${variables(verb.variables)}`);
    case 'Set':
      return parts('Set', variables(verb.variables));
    case 'Dial':
      return parts('Dial', verb.nouns.map(noun).join(', '), `timeout=${verb.timeout}s`,
        verb.action !== undefined && `action=${target(verb.action, verb.method)}`);
    case 'Reject':
      return `Reject reason=${verb.reason}`;
    case 'Enqueue':
      return `Enqueue ${verb.name}`;
    case 'Hangup':
    case 'Leave':
      return verb.kind;
    case 'Pay':
    case 'Refer':
    case 'Connect':
      return parts(verb.kind, '(not supported: skipped)', verb.action !== undefined && `action=${target(verb.action, verb.method)}`);
  }
}
