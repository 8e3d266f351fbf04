/**
 * What is a secret in text the server keeps or prints (debug logs, configuration problems): names that speak of
 * one, and the word their values are replaced by.
 */

/** What a secret value is replaced by. */
export const REDACTED = '[redacted]';

/** Names of parameters, query keys, attributes and properties whose values are secrets (case-insensitive, anywhere in the name). */
export const SECRET_NAME = /pass(word|wd)?|secret|token|auth|credential|api[-_]?key/i;

/** Whether a name (a parameter, a query key, a configuration property) speaks of a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A URL's text with secret query values replaced; anything that is not a URL is kept as it is. */
export function redactQuery(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  let changed = false;
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_NAME.test(name)) {
      url.searchParams.set(name, REDACTED);
      changed = true;
    }
  }
  return changed ? url.href : text;
}
