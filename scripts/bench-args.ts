/**
 * The benchmarks' command lines: `--name N` integer options (each with its default and least value), `--name` flags
 * and `--name text` options, read with node:util's parseArgs; an unknown option or a bad number stops the run.
 */
import { parseArgs } from 'node:util';

/** An integer option: its default and the least value allowed (1 unless said). */
export interface IntegerOption { readonly default: number; readonly min?: number }

export interface BenchArgsSpec<N extends string, F extends string, T extends string> {
  readonly integers: Readonly<Record<N, number | IntegerOption>>;
  readonly flags?: readonly F[];
  readonly texts?: Readonly<Record<T, string>>;
}

export type BenchArgs<N extends string, F extends string, T extends string> =
  { [K in N]: number } & { [K in F]: boolean } & { [K in T]: string };

/** Reads `argv` (without node and the script) as `spec` says. */
export function benchArgs<N extends string, F extends string = never, T extends string = never>(
  argv: readonly string[], spec: BenchArgsSpec<N, F, T>,
): BenchArgs<N, F, T> {
  const integers = Object.entries<number | IntegerOption>(spec.integers)
    .map(([name, option]) => ({ name, ...(typeof option === 'number' ? { default: option } : option) }));
  const texts = Object.entries<string>(spec.texts ?? {});
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const { name } of integers) options[name] = { type: 'string' };
  for (const [name] of texts) options[name] = { type: 'string' };
  for (const name of spec.flags ?? []) options[name] = { type: 'boolean' };
  const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  const out: Record<string, number | boolean | string> = {};
  for (const { name, default: fallback, min = 1 } of integers) {
    const given = values[name];
    const value = typeof given === 'string' ? Number(given) : fallback;
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min}`);
    out[name] = value;
  }
  for (const [name, fallback] of texts) out[name] = typeof values[name] === 'string' ? values[name] : fallback;
  for (const name of spec.flags ?? []) out[name] = values[name] === true;
  return out as BenchArgs<N, F, T>;
}
