/**
 * Attribute value types of the TwiML schema. Each spec turns the text of one attribute into a typed value, or
 * says why it cannot; `absent` is the value (TwiML's default) when the attribute is missing.
 */
import type { HttpMethod } from './ast.js';
import { TwimlError, type TwimlCode } from './errors.js';
import { resolveUrl } from './url.js';

/** The outcome of parsing one attribute value. */
export type AttrResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: TwimlCode; readonly reason: string };

/** How one attribute is read. */
export interface AttrSpec<T> {
  /** The value when the attribute is missing: TwiML's default. */
  readonly absent: T;
  /** Parses the attribute's text (entities decoded, not trimmed); `base` resolves URLs. */
  parse(raw: string, base: URL): AttrResult<T>;
}

/** A table of attribute specs, keyed by TwiML attribute name. */
export type AttrSpecs = Readonly<Record<string, AttrSpec<unknown>>>;

/** The typed values a table of specs produces. */
export type AttrValues<S extends AttrSpecs> = { readonly [K in keyof S]: S[K] extends AttrSpec<infer T> ? T : never };

function ok<T>(value: T): AttrResult<T> {
  return { ok: true, value };
}

function bad<T>(reason: string, code: TwimlCode = 'ERR_TWIML_INVALID_ATTRIBUTE'): AttrResult<T> {
  return { ok: false, code, reason };
}

function rangeText(min: number, max: number | undefined): string {
  return max === undefined ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
}

function parseInteger(raw: string, min: number, max: number | undefined): AttrResult<number> {
  const text = raw.trim();
  if (!/^[+-]?\d{1,15}$/.test(text)) return bad(`must be ${rangeText(min, max)}`);
  const value = Number(text);
  if (value < min || (max !== undefined && value > max)) return bad(`must be ${rangeText(min, max)}`);
  return ok(value);
}

/** An integer with a default and an inclusive range. */
export function integer(opts: { readonly default: number; readonly min: number; readonly max?: number }): AttrSpec<number> {
  return { absent: opts.default, parse: (raw) => parseInteger(raw, opts.min, opts.max) };
}

/** An integer with no default: absent means "not set". */
export function optionalInteger(opts: { readonly min: number; readonly max?: number }): AttrSpec<number | undefined> {
  return { absent: undefined, parse: (raw) => parseInteger(raw, opts.min, opts.max) };
}

/** `true` or `false` (any case). */
export function boolean(defaultValue: boolean): AttrSpec<boolean> {
  return {
    absent: defaultValue,
    parse(raw) {
      const text = raw.trim().toLowerCase();
      if (text === 'true') return ok(true);
      if (text === 'false') return ok(false);
      return bad('must be true or false');
    },
  };
}

/** `GET` or `POST`, any case. */
export function method(defaultValue: HttpMethod = 'POST'): AttrSpec<HttpMethod> {
  return {
    absent: defaultValue,
    parse(raw) {
      const text = raw.trim().toUpperCase();
      return text === 'GET' || text === 'POST' ? ok(text) : bad('must be GET or POST');
    },
  };
}

/** One of a fixed set of values, matched exactly as TwiML spells them. */
export function oneOf<const T extends string>(values: readonly T[], defaultValue: T): AttrSpec<T> {
  return {
    absent: defaultValue,
    parse(raw) {
      const text = raw.trim();
      const found = values.find((v) => v === text);
      return found === undefined ? bad(`must be one of ${values.join(', ')}`) : ok(found);
    },
  };
}

/** A list of values from a fixed set, separated by spaces or commas; empty means the default. */
export function listOf<const T extends string>(values: readonly T[], defaultValue: readonly T[]): AttrSpec<readonly T[]> {
  return {
    absent: defaultValue,
    parse(raw) {
      const tokens = raw.split(/[\s,]+/).filter((t) => t !== '');
      if (tokens.length === 0) return ok(defaultValue);
      const out: T[] = [];
      for (const token of tokens) {
        const found = values.find((v) => v === token);
        if (found === undefined) return bad(`"${token}" is not one of ${values.join(', ')}`);
        if (!out.includes(found)) out.push(found);
      }
      return ok(out);
    },
  };
}

/** Free text, trimmed; empty means absent. An optional pattern restricts it. */
export function optionalText(pattern?: RegExp, describe?: string): AttrSpec<string | undefined> {
  return {
    absent: undefined,
    parse(raw) {
      const text = raw.trim();
      if (text === '') return ok(undefined);
      if (pattern && !pattern.test(text)) return bad(`must be ${describe ?? `like ${String(pattern)}`}`);
      return ok(text);
    },
  };
}

/** Free text kept exactly as written (entities decoded). */
export function verbatim(defaultValue: string): AttrSpec<string> {
  return { absent: defaultValue, parse: (raw) => ok(raw) };
}

/** DTMF keys matching `pattern`; an empty value is kept as `''`. */
export function keys(pattern: RegExp, defaultValue: string, describe: string): AttrSpec<string> {
  return {
    absent: defaultValue,
    parse(raw) {
      const text = raw.trim();
      return pattern.test(text) ? ok(text) : bad(`must be ${describe}`);
    },
  };
}

/**
 * A URL, checked to resolve to http(s) against the document URL but kept as written. Empty means absent, unless
 * `keepEmpty` (where `''` has a meaning of its own, such as silence for a conference's `waitUrl`).
 */
export function url(opts: { readonly keepEmpty?: boolean } = {}): AttrSpec<string | undefined> {
  return {
    absent: undefined,
    parse(raw, base) {
      const text = raw.trim();
      if (text === '') return ok(opts.keepEmpty === true ? '' : undefined);
      try {
        resolveUrl(text, base);
      } catch (err) {
        if (err instanceof TwimlError) return bad(err.message, err.code);
        throw err;
      }
      return ok(text);
    },
  };
}

/** The values a table of specs gives when every attribute is absent. */
export function defaultsOf<S extends AttrSpecs>(specs: S): AttrValues<S> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) values[name] = spec.absent;
  // Each key holds its own spec's `absent`, which has the spec's value type.
  return values as AttrValues<S>;
}
