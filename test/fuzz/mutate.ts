import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng } from '../esl/frame-feed.js';

/** The seed of a fuzz run: FUZZ_SEED when set (to replay a failure), else a fixed one, so that runs repeat. */
export function fuzzSeed(fallback: number): number {
  const fromEnv = Number(process.env['FUZZ_SEED']);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}

/** A seeded source of random choices. */
export class Dice {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = prng(seed);
  }
  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.#next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.#next() < p;
  }
}

/** Every file under a test fixture directory (recursively). */
export function fixtureFiles(dir: string): Buffer[] {
  const root = fileURLToPath(new URL(`../../../test/fixtures/${dir}`, import.meta.url));
  const out: Buffer[] = [];
  const walk = (path: string): void => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (!name.endsWith('.md')) out.push(readFileSync(full));
    }
  };
  walk(root);
  return out;
}

type Mutation = (data: Buffer, dice: Dice) => Buffer;

const flipBytes: Mutation = (data, dice) => {
  const out = Buffer.from(data);
  const count = 1 + dice.below(8);
  for (let i = 0; i < count && out.length > 0; i++) out[dice.below(out.length)] = dice.below(256);
  return out;
};

const cut: Mutation = (data, dice) => data.subarray(0, dice.below(data.length + 1));

const duplicateLine: Mutation = (data, dice) => {
  const lines = data.toString('latin1').split('\n');
  const at = dice.below(lines.length);
  lines.splice(at, 0, lines[at] ?? '');
  return Buffer.from(lines.join('\n'), 'latin1');
};

const badContentLength: Mutation = (data, dice) => {
  const value = dice.pick(['-1', '0', '99999999999', 'abc', '', '1e3', '0x10', String(dice.below(100_000)),
    '18446744073709551616', ' 12', '7.5']);
  return Buffer.from(data.toString('latin1').replace(/Content-Length: [^\n]*/, `Content-Length: ${value}`), 'latin1');
};

const hugeValue: Mutation = (data, dice) => {
  const text = data.toString('latin1');
  const at = text.indexOf(': ');
  if (at < 0) return data;
  const filler = dice.pick(['x', '%', '%E2%9C', '\\u0000', '"', '{']).repeat(1000 + dice.below(200_000));
  return Buffer.from(text.slice(0, at + 2) + filler + text.slice(at + 2), 'latin1');
};

const insertBytes: Mutation = (data, dice) => {
  const at = dice.below(data.length + 1);
  const junk = Buffer.from(dice.pick(['\n\n', '\n', '\r\n', '\0', ':', 'Content-Length: 5\n\n', '%', '{"a":', '}']), 'latin1');
  return Buffer.concat([data.subarray(0, at), junk, data.subarray(at)]);
};

const swapHalves: Mutation = (data, dice) => {
  const at = dice.below(data.length + 1);
  return Buffer.concat([data.subarray(at), data.subarray(0, at)]);
};

const MUTATIONS: readonly Mutation[] = [flipBytes, cut, duplicateLine, badContentLength, hugeValue, insertBytes, swapHalves];

/** `data` with one to three random mutations. */
export function mutate(data: Buffer, dice: Dice): Buffer {
  let out = data;
  const rounds = 1 + dice.below(3);
  for (let i = 0; i < rounds; i++) out = dice.pick(MUTATIONS)(out, dice);
  return out;
}

/** Runs `iterations` rounds (or until `budgetMs` has passed); a failure names the seed and round to replay it. */
export async function fuzzRounds(name: string, seed: number, iterations: number, budgetMs: number,
  round: (dice: Dice, i: number) => void | Promise<void>): Promise<number> {
  const dice = new Dice(seed);
  const deadline = Date.now() + budgetMs;
  let i = 0;
  for (; i < iterations && Date.now() < deadline; i++) {
    try {
      await round(dice, i);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`${name}: round ${i} failed with FUZZ_SEED=${seed}: ${message}`, { cause: err });
    }
  }
  return i;
}
