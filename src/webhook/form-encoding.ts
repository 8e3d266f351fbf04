import type { Params } from './params.js';

/**
 * Encodes `params` as an `application/x-www-form-urlencoded` string (UTF-8, space as `+`), keeping their order and
 * any repeated names.
 */
export function encodeForm(params: Params): string {
  return new URLSearchParams(params.map(([name, value]): [string, string] => [name, value])).toString();
}

/**
 * Returns a copy of `url` with `params` appended to its query string. An existing query is kept byte for byte and
 * the new pairs follow it after `&`; the fragment is dropped.
 */
export function appendQuery(url: URL, params: Params): URL {
  const out = new URL(url);
  out.hash = '';
  if (params.length === 0) return out;
  const existing = out.search.slice(1);
  const added = encodeForm(params);
  out.search = existing === '' ? added : `${existing}&${added}`;
  return out;
}
