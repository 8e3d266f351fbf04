/**
 * Reading the configuration file: JSON whose top level is an object. Every failure names the file; a syntax error
 * gives its line and column but never quotes the text (the file may hold passwords and tokens).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';

/** The settings in `file`. @throws ConfigError naming the file when it cannot be read or is not a JSON object. */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`invalid configuration: cannot read the configuration file ${file}: ${errno ?? String(err)}`,
      { cause: err });
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`invalid configuration: the configuration file ${file} is not valid JSON: ${syntaxError(err, text)}`);
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new ConfigError(`invalid configuration: the configuration file ${file} must hold a JSON object ({ "esl": { ... }, ... })`);
  }
  return values as Record<string, unknown>;
}

/**
 * What JSON.parse said, without the excerpt of the text that some of its messages quote
 * (`Unexpected token 'x', "{"password": x}" is not valid JSON`), and with the line and column of the position.
 */
function syntaxError(err: unknown, text: string): string {
  const message = err instanceof Error ? err.message : String(err);
  // The excerpt, when there is one, is the first double-quoted part: the reason is what comes before it.
  const quoted = message.indexOf('"');
  const reason = (quoted >= 0 ? message.slice(0, quoted).replace(/[\s,.]+$/, '') : message)
    .replace(/\s*\(line \d+ column \d+\)$/, '').replace(/ in JSON at position \d+$/, '');
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position === undefined) return reason;
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${reason} at line ${line}, column ${column}`;
}
