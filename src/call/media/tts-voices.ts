/**
 * Say voices to FreeSWITCH text-to-speech engines. A table maps a TwiML voice (`man`, `woman`, `Polly.Joanna`...),
 * optionally with a language, to `engine|voice`; a voice the table does not know falls back to the default voice
 * with a warning, so a Say never ends a call.
 */

/** One row of the voice table: `voice` is a name, or a prefix when it ends in `*`; names compare case-insensitively. */
export interface VoiceRule {
  readonly voice: string;
  readonly language?: string | undefined;
  /** `engine|voice`, e.g. `flite|slt`. */
  readonly tts: string;
}

/** The engine and voice a Say is spoken with. */
export interface TtsVoice {
  readonly engine: string;
  readonly voice: string;
  /** True when the requested voice had no mapping and the default was used. */
  readonly fallback: boolean;
}

/** Twilio's default voice when a Say names none. */
const TWILIO_DEFAULT_VOICE = 'man';
/** Distinct voice/language pairs remembered; customer documents choose them, so the cache is bounded. */
const CACHE_LIMIT = 512;

interface CompiledRule {
  readonly name: string;
  readonly prefix: boolean;
  readonly language: string | undefined;
  readonly result: TtsVoice;
}

function split(tts: string, fallback: boolean): TtsVoice {
  const bar = tts.indexOf('|');
  return { engine: tts.slice(0, bar), voice: tts.slice(bar + 1), fallback };
}

/** Resolves Say voices; build one per engine (the table is compiled once) and share it between calls. */
export class VoiceMapper {
  readonly #rules: readonly CompiledRule[];
  readonly #default: TtsVoice;
  readonly #cache = new Map<string, TtsVoice>();

  constructor(rules: readonly VoiceRule[], defaultTts: string) {
    this.#default = split(defaultTts, true);
    const compiled = rules.map((rule) => {
      const prefix = rule.voice.endsWith('*');
      return {
        name: (prefix ? rule.voice.slice(0, -1) : rule.voice).toLowerCase(),
        prefix,
        language: rule.language?.toLowerCase(),
        result: split(rule.tts, false),
      };
    });
    // Most specific first: exact names before prefixes, longer prefixes first, rules with a language first.
    this.#rules = compiled.sort((a, b) => Number(a.prefix) - Number(b.prefix) ||
      (a.prefix ? b.name.length - a.name.length : 0) || Number(b.language !== undefined) - Number(a.language !== undefined));
  }

  /** The engine and voice for a Say's `voice` and `language` attributes. */
  resolve(voice: string | undefined, language: string | undefined): TtsVoice {
    const name = (voice ?? TWILIO_DEFAULT_VOICE).toLowerCase();
    const lang = language?.toLowerCase();
    const key = `${name}\n${lang ?? ''}`;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const rule = this.#rules.find((r) => (r.prefix ? name.startsWith(r.name) : name === r.name) &&
      (r.language === undefined || r.language === lang));
    const result = rule?.result ?? this.#default;
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(key, result);
    return result;
  }
}
