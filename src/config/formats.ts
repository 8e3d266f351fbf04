/**
 * The convict formats of the configuration's own value kinds (networks, dial templates, TTS voices, media paths,
 * status callback events...): registered once, when this module is first imported, before the schema is built.
 */
import convict from 'convict';
import { parseNetwork } from '../util/networks.js';
import { FALSE_WORDS, parseFlag, TRUE_WORDS } from '../util/flag-words.js';

/**
 * A boolean setting. convict's own Boolean turns every string but "false" into true (so `0`, `no` and `off` mean
 * on); this one takes true/false, 1/0, yes/no and on/off and leaves anything else as it is, for the check to refuse.
 */
convict.addFormat({
  name: 'flag',
  coerce: (value: unknown) => (typeof value === 'string' ? parseFlag(value) ?? value : value),
  validate: (value: unknown) => {
    if (typeof value !== 'boolean') {
      throw new Error(`must be one of ${TRUE_WORDS.map((yes, i) => `${yes}/${FALSE_WORDS[i] ?? ''}`).join(', ')}`);
    }
  },
});

convict.addFormat({
  name: 'network-list',
  coerce: (value: unknown) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value),
  validate: (value: unknown) => {
    if (!Array.isArray(value) || value.length === 0) throw new Error('must be a non-empty list of addresses or CIDR networks');
    for (const entry of value) {
      if (typeof entry !== 'string') throw new Error('must list addresses as strings');
      parseNetwork(entry);
    }
  },
});

convict.addFormat({
  name: 'network-list-or-empty',
  coerce: (value: unknown) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value),
  validate: (value: unknown) => {
    if (!Array.isArray(value)) throw new Error('must be a list of addresses or CIDR networks');
    for (const entry of value) {
      if (typeof entry !== 'string') throw new Error('must list addresses as strings');
      parseNetwork(entry);
    }
  },
});

convict.addFormat({
  name: 'hangup-cause',
  validate: (value: unknown) => {
    if (typeof value !== 'string' || !/^[A-Z][A-Z_]*$/.test(value)) throw new Error('must be a FreeSWITCH hangup cause name');
  },
});

convict.addFormat({
  name: 'http-url-or-empty',
  validate: (value: unknown) => {
    if (value === '') return;
    if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) throw new Error('must be an http(s) URL or empty');
    new URL(value);
  },
});

convict.addFormat({
  name: 'voice-routes',
  validate: (value: unknown) => {
    if (!Array.isArray(value)) throw new Error('must be a list of { destination, url } entries');
    for (const entry of value as unknown[]) {
      const e = entry as { destination?: unknown; url?: unknown; method?: unknown };
      if (typeof e !== 'object' || e === null || typeof e.destination !== 'string' || typeof e.url !== 'string') {
        throw new Error('each entry needs a destination pattern and a url');
      }
      new RegExp(e.destination);
      if (!/^https?:\/\//i.test(e.url)) throw new Error(`${e.url} is not an http(s) URL`);
      new URL(e.url);
      if (e.method !== undefined && e.method !== 'GET' && e.method !== 'POST') throw new Error('method must be GET or POST');
    }
  },
});

const TTS_VOICE = /^[A-Za-z0-9_-]+\|[A-Za-z0-9_.-]+$/;

convict.addFormat({
  name: 'tts-voice',
  validate: (value: unknown) => {
    if (typeof value !== 'string' || !TTS_VOICE.test(value)) throw new Error('must be engine|voice, e.g. flite|slt');
  },
});

convict.addFormat({
  name: 'tts-voices',
  validate: (value: unknown) => {
    if (!Array.isArray(value)) throw new Error('must be a list of { voice, language?, tts } entries');
    for (const entry of value as unknown[]) {
      const e = entry as { voice?: unknown; language?: unknown; tts?: unknown };
      if (typeof e !== 'object' || e === null || typeof e.voice !== 'string' || e.voice === '') {
        throw new Error('each entry needs a voice (a name, or a prefix ending in *)');
      }
      if (e.language !== undefined && typeof e.language !== 'string') throw new Error('language must be a string');
      if (typeof e.tts !== 'string' || !TTS_VOICE.test(e.tts)) throw new Error(`${String(e.tts)} is not engine|voice`);
    }
  },
});

convict.addFormat({
  name: 'media-prefixes',
  validate: (value: unknown) => {
    if (!Array.isArray(value)) throw new Error('must be a list of FreeSWITCH path prefixes');
    for (const entry of value as unknown[]) {
      if (typeof entry !== 'string' || entry === '' || /[\s$]/.test(entry)) throw new Error(`${String(entry)} is not a path prefix`);
    }
  },
});

convict.addFormat({
  name: 'spool-dir',
  validate: (value: unknown) => {
    if (typeof value !== 'string' || !/^\/[A-Za-z0-9_./-]*$/.test(value)) {
      throw new Error('must be an absolute path of letters, digits, _ . / and - (FreeSWITCH splits arguments on spaces)');
    }
  },
});

convict.addFormat({
  name: 'group-or-empty',
  validate: (value: unknown) => {
    if (typeof value !== 'string' || !/^(|[0-9]+|[A-Za-z_][A-Za-z0-9_.-]*)$/.test(value)) {
      throw new Error('must be a group name, a numeric gid, or empty');
    }
  },
});

convict.addFormat({
  name: 'dir-mode',
  validate: (value: unknown) => {
    if (typeof value !== 'string' || !/^0?[0-7]{3,4}$/.test(value)) throw new Error('must be an octal mode written as a string, e.g. "2770"');
    if ((parseInt(value, 8) & 0o700) !== 0o700) throw new Error('must let the owner (this server) read, write and enter it (7 in the owner digit)');
  },
});

convict.addFormat({
  name: 'conference-word',
  validate: (value: unknown) => {
    if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value)) throw new Error('must be letters, digits, _ and -');
  },
});

convict.addFormat({
  name: 'conference-flags',
  validate: (value: unknown) => {
    if (!Array.isArray(value)) throw new Error('must be a list of mod_conference flag names');
    for (const entry of value as unknown[]) {
      if (typeof entry !== 'string' || !/^[a-z][a-z0-9_-]*$/.test(entry)) throw new Error(`${String(entry)} is not a flag name`);
    }
  },
});

convict.addFormat({
  name: 'dial-template',
  validate: (value: unknown) => {
    if (typeof value !== 'string' || !/\{[a-z]+\}/.test(value) || /[\s,|^'"[\]]|\$\{/.test(value)) {
      throw new Error('must be a FreeSWITCH endpoint with a {placeholder} and no spaces, quotes, , | ^ [ ] or ${');
    }
  },
});

convict.addFormat({
  name: 'whisper-socket',
  validate: (value: unknown) => {
    if (typeof value !== 'string' || (value !== '' && !/^[A-Za-z0-9.:_-]+:[0-9]{1,5}$/.test(value))) {
      throw new Error('must be empty or host:port (no spaces, quotes, , | ^ [ ])');
    }
  },
});

convict.addFormat({
  name: 'media-url-template',
  validate: (value: unknown) => {
    if (value === '') return;
    if (typeof value !== 'string' || !/^https?:\/\//i.test(value) || !value.includes('{id}') || /[\s$]/.test(value)) {
      throw new Error('must be empty, or an http(s) URL with an {id} placeholder (and optionally {account}), without spaces or $');
    }
    new URL(value.replace(/\{[a-z]+\}/g, 'x'));
  },
});

convict.addFormat({
  name: 'media-path',
  validate: (value: unknown) => {
    if (typeof value !== 'string' || /[\s$]/.test(value)) throw new Error('must be a media path or URL without spaces or $');
  },
});

const STATUS_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];

convict.addFormat({
  name: 'status-events',
  coerce: (value: unknown) => (typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : value),
  validate: (value: unknown) => {
    if (!Array.isArray(value)) throw new Error(`must be a list of ${STATUS_EVENTS.join(', ')}`);
    for (const entry of value as unknown[]) {
      if (typeof entry !== 'string' || !STATUS_EVENTS.includes(entry)) throw new Error(`${String(entry)} is not one of ${STATUS_EVENTS.join(', ')}`);
    }
  },
});

convict.addFormat({
  name: 'account-limits',
  validate: (value: unknown) => {
    if (!Array.isArray(value)) throw new Error('must be a list of { accountSid, maxCalls } entries');
    for (const entry of value as unknown[]) {
      const e = entry as { accountSid?: unknown; maxCalls?: unknown };
      if (typeof e !== 'object' || e === null || typeof e.accountSid !== 'string' || e.accountSid === '') {
        throw new Error('each entry needs an accountSid');
      }
      if (typeof e.maxCalls !== 'number' || !Number.isInteger(e.maxCalls) || e.maxCalls < 0) {
        throw new Error(`maxCalls of ${e.accountSid} must be an integer of 0 or more (0: unlimited)`);
      }
    }
  },
});

convict.addFormat({
  name: 'account-tokens',
  validate: (value: unknown) => {
    if (!Array.isArray(value)) throw new Error('must be a list of { accountSid, authToken } entries');
    for (const entry of value as unknown[]) {
      const e = entry as { accountSid?: unknown; authToken?: unknown };
      if (typeof e !== 'object' || e === null || typeof e.accountSid !== 'string' || e.accountSid === ''
        || typeof e.authToken !== 'string' || e.authToken === '') {
        throw new Error('each entry needs an accountSid and a non-empty authToken');
      }
    }
  },
});

convict.addFormat({
  name: 'dir-or-empty',
  validate: (value: unknown) => {
    if (value === '') return;
    if (typeof value !== 'string' || !value.startsWith('/')) throw new Error('must be an absolute directory path or empty');
  },
});

/** Registers (once) and names a convict format: an integer within [min, max], parsed from env strings. */
export function intBetween(min: number, max: number): string {
  const name = `int-${min}-${max}`;
  convict.addFormat({
    name,
    coerce: (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value),
    validate: (value: unknown) => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        throw new Error(`must be an integer from ${min} to ${max}`);
      }
    },
  });
  return name;
}
