/**
 * What is wrong with a loaded configuration, key by key, and where each wrong value came from: an environment
 * variable (with its text as given), the file, the values a program passed, or the default. Secrets never appear:
 * sensitive keys show `[redacted]`, and properties, query keys and URL passwords that name a secret are replaced.
 */
import { isSecretName, REDACTED, redactQuery } from '../util/secrets.js';

/** Where the value of a key came from (the later ones win: default, file, overrides, environment). */
export type ValueSource =
  | { readonly kind: 'env'; readonly variable: string; readonly text: string }
  | { readonly kind: 'file'; readonly file: string; readonly value: unknown }
  | { readonly kind: 'overrides'; readonly value: unknown }
  | { readonly kind: 'default'; readonly value: unknown };

/** One invalid value. */
export interface ConfigProblem {
  /** Dotted key, e.g. `esl.port`. */
  readonly key: string;
  /** What the value must be. */
  readonly reason: string;
  readonly source: ValueSource;
  /** Whether the key holds a secret (its value is never shown). */
  readonly sensitive: boolean;
}

/** The layers a configuration was loaded from. */
export interface ConfigLayers {
  readonly env: NodeJS.ProcessEnv;
  readonly file?: { readonly path: string; readonly values: Record<string, unknown> } | undefined;
  readonly overrides?: Record<string, unknown> | undefined;
}

/** One leaf of the schema as the loader sees it. */
export interface SchemaKey {
  readonly key: string;
  readonly env?: string | undefined;
  readonly sensitive: boolean;
}

/** A loaded convict configuration: its values, and its normalised schema (which convict's typings leave out). */
interface LoadedConvict {
  get(key: string): unknown;
  readonly _schema?: ConvictNode;
}

/** What convict keeps of one schema entry: its check, which throws an Error saying what the value must be. */
interface ConvictNode {
  readonly _cvtProperties?: Record<string, ConvictNode>;
  _format?(value: unknown): void;
}

/** Longest value text shown in a message. */
const MAX_SHOWN = 200;

/**
 * Every key of `loaded` (a convict configuration) whose value fails its format, in schema order, then every key
 * given in the file or the overrides that the schema does not have.
 */
export function findProblems(loaded: object, keys: readonly SchemaKey[], layers: ConfigLayers): ConfigProblem[] {
  const config = loaded as LoadedConvict;
  const problems: ConfigProblem[] = [];
  const root = config._schema;
  for (const entry of keys) {
    const node = nodeAt(root, entry.key);
    const value = valueOf(config, entry.key);
    // A key without a value sits under a section given as something else than an object: reported below.
    if (!node?._format || !value.found) continue;
    try {
      node._format(value.value);
    } catch (err) {
      problems.push({ key: entry.key, reason: err instanceof Error ? err.message : String(err),
        source: sourceOf(entry, layers, config), sensitive: entry.sensitive });
    }
  }
  const known = new Set(keys.map((k) => k.key));
  const { file, overrides } = layers;
  if (file) undeclared(file.values, [], known, (value) => ({ kind: 'file', file: file.path, value }), problems);
  if (overrides) undeclared(overrides, [], known, (value) => ({ kind: 'overrides', value }), problems);
  return problems;
}

/** `key: reason (where the value came from: the value)`. */
export function describeProblem(problem: ConfigProblem): string {
  return `${problem.key}: ${problem.reason} (${describeSource(problem.source, problem.sensitive)})`;
}

function describeSource(source: ValueSource, sensitive: boolean): string {
  switch (source.kind) {
    case 'env':
      return `environment variable ${source.variable}=${sensitive ? REDACTED : shown(redactText(source.text))}`;
    case 'file':
      return `in ${source.file}: ${sensitive ? REDACTED : shown(redactValue(source.value))}`;
    case 'overrides':
      return `given: ${sensitive ? REDACTED : shown(redactValue(source.value))}`;
    case 'default':
      return `default: ${sensitive ? REDACTED : shown(redactValue(source.value))}`;
  }
}

function sourceOf(entry: SchemaKey, layers: ConfigLayers, config: LoadedConvict): ValueSource {
  const text = entry.env === undefined ? undefined : layers.env[entry.env];
  if (entry.env !== undefined && text !== undefined) return { kind: 'env', variable: entry.env, text };
  const path = entry.key.split('.');
  if (layers.overrides && has(layers.overrides, path)) return { kind: 'overrides', value: at(layers.overrides, path) };
  if (layers.file && has(layers.file.values, path)) return { kind: 'file', file: layers.file.path, value: at(layers.file.values, path) };
  return { kind: 'default', value: config.get(entry.key) };
}

/** Reports the keys of `values` that are neither a schema leaf nor a section holding leaves. */
function undeclared(values: Record<string, unknown>, path: readonly string[], known: ReadonlySet<string>,
  source: (value: unknown) => ValueSource, problems: ConfigProblem[]): void {
  for (const [name, value] of Object.entries(values)) {
    const key = [...path, name].join('.');
    if (known.has(key)) continue;
    const section = [...known].some((k) => k.startsWith(`${key}.`));
    if (!section) {
      problems.push({ key, reason: 'is not a configuration key', source: source(value), sensitive: isSecretName(name) });
    } else if (isPlainObject(value)) {
      undeclared(value, [...path, name], known, source, problems);
    } else {
      problems.push({ key, reason: 'is a section: it must be an object of settings', source: source(value), sensitive: false });
    }
  }
}

function valueOf(config: LoadedConvict, key: string): { found: boolean; value?: unknown } {
  try {
    return { found: true, value: config.get(key) };
  } catch {
    return { found: false };
  }
}

function nodeAt(root: ConvictNode | undefined, key: string): ConvictNode | undefined {
  let node = root;
  for (const part of key.split('.')) node = node?._cvtProperties?.[part];
  return node;
}

function has(values: Record<string, unknown>, path: readonly string[]): boolean {
  let node: unknown = values;
  for (const part of path) {
    if (!isPlainObject(node) || !Object.hasOwn(node, part)) return false;
    node = node[part];
  }
  return true;
}

function at(values: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = values;
  for (const part of path) node = isPlainObject(node) ? node[part] : undefined;
  return node;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of `value` with the properties that name a secret replaced, and URL passwords and secret query values. */
export function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([name, v]) => [name, isSecretName(name) ? REDACTED : redactValue(v)]));
  }
  return value;
}

/** Text as given (an environment variable): JSON is redacted as a value; a URL loses its password. */
function redactText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(redactValue(JSON.parse(trimmed)));
    } catch {
      // Not JSON: shown as text below.
    }
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  const withoutSecretQuery = redactQuery(text);
  return url.password === '' ? withoutSecretQuery : withoutSecretQuery.replace(`:${url.password}@`, `:${REDACTED}@`);
}

function shown(value: unknown): string {
  const text = value === undefined ? 'undefined' : Number.isNaN(value) ? 'NaN' : JSON.stringify(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}
