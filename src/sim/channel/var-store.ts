/**
 * A channel's variables in FreeSWITCH's order. Setting a variable removes it and appends it at the
 * end, which is why `current_application` jumps behind `current_application_data` once an app
 * starts (esl-captures/transcript-basic-loopback.txt); an empty value unsets.
 */
import {
  encodeJsonMembers,
  LazyHeaderBlock,
  plainValue,
  type EventHeader,
  type HeaderBlock,
  type HeaderValue,
} from '../wire/event-encoder.js';

interface Entry {
  readonly value: HeaderValue;
  plain?: string;
  json?: string;
}

/** Ordered channel variables with a cached `variable_*` header block. */
export class VarStore {
  #map = new Map<string, Entry>();
  #block: HeaderBlock | undefined;

  constructor(initial: Iterable<readonly [string, HeaderValue]> = []) {
    for (const [k, v] of initial) this.#map.set(k, { value: v });
  }

  /** Sets (moving it to the end) or, with an empty/undefined value, unsets a variable. */
  set(name: string, value: HeaderValue | undefined): void {
    this.#map.delete(name);
    if (value !== undefined && value !== '') this.#map.set(name, { value });
    this.#block = undefined;
  }

  /** Replaces a value without moving it (used to seed a template), or appends it if new. */
  replace(name: string, value: HeaderValue): void {
    this.#map.set(name, { value });
    this.#block = undefined;
  }

  /** Removes a variable. */
  unset(name: string): void {
    if (this.#map.delete(name)) this.#block = undefined;
  }

  /** The value as a string (arrays joined the way FreeSWITCH's getvar shows them). */
  get(name: string): string | undefined {
    const v = this.#map.get(name)?.value;
    if (v === undefined) return undefined;
    return typeof v === 'string' ? v : 'ARRAY::' + v.join('|:');
  }

  has(name: string): boolean {
    return this.#map.has(name);
  }

  /** Every variable, in order. */
  *entries(): IterableIterator<[string, HeaderValue]> {
    for (const [k, e] of this.#map) yield [k, e.value];
  }

  /**
   * The `variable_<name>` headers. Each variable is encoded once; a change only re-joins the
   * cached lines, which keeps large channels cheap to serialise after every app.
   */
  block(): HeaderBlock {
    if (!this.#block) {
      const entries = [...this.#map];
      const headers: EventHeader[] = entries.map(([k, e]) => ['variable_' + k, e.value]);
      this.#block = new LazyHeaderBlock(
        headers,
        () => entries.map(([k, e]) => (e.plain ??= 'variable_' + k + ': ' + plainValue(e.value) + '\n')).join(''),
        () => entries.map(([k, e]) => (e.json ??= encodeJsonMembers([['variable_' + k, e.value]]))).join(','),
      );
    }
    return this.#block;
  }
}
