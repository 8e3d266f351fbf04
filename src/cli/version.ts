/** The package version, read from the project's package.json. */
import { readFileSync } from 'node:fs';

/** The `version` field of package.json (this file is dist/src/cli/version.js once built). */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  const { version } = JSON.parse(text) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}
