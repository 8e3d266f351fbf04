/**
 * Reads single members of a FreeSWITCH JSON event without parsing the whole object. An event is a flat object
 * whose values are strings (or, for a few variables, arrays of strings); routing an event needs three or four of
 * its hundred-odd members, so building the object for every event would be most of the server's work and garbage.
 *
 * A key is found by searching for `"<name>":`. Inside a string value every quote is escaped, so that sequence
 * can only be a key.
 */

/** The member's string value; `undefined` when absent; `null` when present but not a string (an array). */
export function findJsonString(json: string, name: string): string | undefined | null {
  const key = `"${name}":`;
  const at = json.indexOf(key);
  if (at < 0) return undefined;
  let start = at + key.length;
  while (json.charCodeAt(start) === 32) start++;
  if (json.charCodeAt(start) !== 34) return null;
  let escaped = false;
  for (let i = start + 1; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 92) {
      escaped = true;
      i++;
    } else if (c === 34) {
      const raw = json.slice(start, i + 1);
      if (!escaped) return raw.slice(1, -1);
      try {
        return JSON.parse(raw) as string;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
