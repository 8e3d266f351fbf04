import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import convict from 'convict';
import { ConfigError } from '../errors.js';
import { readConfigFile } from './config-file.js';
import { describeProblem, findProblems, type SchemaKey } from './config-problems.js';
import { type Config, schema } from './schema.js';

export type { Config } from './schema.js';
export type { ClusterNodeConfig } from './ops-schema.js';

/** conf/ of the installed project (this file is dist/src/config/index.js once built). */
export const CONF_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../conf');
export const DEFAULT_CONFIG_FILE = resolve(CONF_DIR, 'default.json');

export interface LoadConfigOptions {
  /** JSON file to load; default: $PIVOT_CONFIG, else conf/default.json when present. */
  file?: string | undefined;
  /** Environment to read the overrides from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Values applied last, e.g. by tests. */
  overrides?: Record<string, unknown>;
}

/**
 * Loads and validates the configuration: schema defaults, then the file, then `overrides`, then environment
 * variables (which win). Any invalid value or unknown key throws a ConfigError whose message names the key, the
 * environment variable or file it came from, and the value (secrets redacted); a file that cannot be read or is not
 * JSON throws one naming the file.
 */
export function loadConfig(options: LoadConfigOptions = {}): Readonly<Config> {
  const given = options.env ?? process.env;
  // PIVOT_AUTH_TOKEN is accepted as a shorter name of PIVOT_WEBHOOK_AUTH_TOKEN (which wins when both are set).
  const env = given['PIVOT_AUTH_TOKEN'] !== undefined && given['PIVOT_WEBHOOK_AUTH_TOKEN'] === undefined
    ? { ...given, PIVOT_WEBHOOK_AUTH_TOKEN: given['PIVOT_AUTH_TOKEN'] } : given;
  const path = options.file ?? env['PIVOT_CONFIG'] ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  const file = path === undefined ? undefined : { path, values: readConfigFile(path) };
  try {
    const config = convict(schema, { env, args: [] });
    // convict applies the environment again after each layer, so environment variables win.
    if (file) config.load(file.values);
    if (options.overrides) config.load(options.overrides);
    const problems = findProblems(config, SCHEMA_KEYS, { env, file, overrides: options.overrides });
    if (problems.length > 0) {
      throw new ConfigError(`invalid configuration: ${problems.map(describeProblem).join('; ')}`, {
        problems: problems.map((p) => ({
          key: p.key, message: describeProblem(p),
          ...(p.source.kind === 'env' && { env: p.source.variable }),
          ...(p.source.kind === 'file' && { file: p.source.file }),
        })),
      });
    }
    // What the check above does not cover (convict's own rules) still stops the load.
    config.validate({ allowed: 'strict' });
    return Object.freeze(config.getProperties() as Config);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`invalid configuration: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Calls `visit` for every leaf of the schema with its dotted path. */
export function walk(node: Record<string, unknown>, path: string[],
  visit: (path: string[], entry: Record<string, unknown>) => void): void {
  for (const [key, value] of Object.entries(node)) {
    if (value && typeof value === 'object' && 'doc' in value) visit([...path, key], value);
    else if (value && typeof value === 'object') walk(value as Record<string, unknown>, [...path, key], visit);
  }
}

/** Every leaf of the schema: its dotted key, environment variable and whether it holds a secret. */
const SCHEMA_KEYS: readonly SchemaKey[] = (() => {
  const keys: SchemaKey[] = [];
  walk(schema, [], (path, entry) => {
    keys.push({ key: path.join('.'), env: typeof entry['env'] === 'string' ? entry['env'] : undefined,
      sensitive: entry['sensitive'] === true });
  });
  return keys;
})();
