import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from '../../../src/webhook/index.js';

/** A resolver with a fixed table; unknown names fail with ENOTFOUND. Counts the lookups of each name. */
export function tableLookup(table: Readonly<Record<string, string | readonly string[]>>): LookupFunction & {
  readonly calls: Map<string, number>;
} {
  const calls = new Map<string, number>();
  const fn = async (hostname: string): Promise<readonly LookupAddress[]> => {
    calls.set(hostname, (calls.get(hostname) ?? 0) + 1);
    const entry = table[hostname];
    if (entry === undefined) {
      const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      err.code = 'ENOTFOUND';
      throw err;
    }
    const list = typeof entry === 'string' ? [entry] : entry;
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(fn, { calls });
}
