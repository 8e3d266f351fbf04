/**
 * `play_and_get_digits` and `read`, with FreeSWITCH's result semantics (esl.md 2.2 and
 * esl-captures/more/pagd-*):
 * - any digit stops the prompt and is kept (barge-in), terminators included;
 * - then digits are collected: first-digit timeout (digit timeout once some digits exist),
 *   digit timeout between digits, stop on a terminator or at max digits; a terminator the prompt
 *   took ends the collection at once (switch_ivr_collect_digits_count looks at the buffer first);
 * - `uuid_break` stops the prompt but not the collection (switch_ivr_collect_digits_count does not
 *   look at the break flag): only a key, the timeout or the hangup end it;
 * - fewer than min digits is `read_result=failure` (a timeout with none, a lone terminator),
 *   a timeout with at least min digits is `timeout` (which pagd accepts as success);
 * - the variable is set whenever digits were collected; a regex mismatch unsets it and sets
 *   `<var>_invalid`; every failed try plays the invalid prompt, so a failed pagd completes
 *   after that prompt (about 250 ms for silence_stream://250).
 */
import { separateArgs } from '../util/arg-split.js';
import type { AppContext, AppDefinition } from './app-context.js';
import { ensureMedia } from './channel-ops.js';
import { playFile } from './playback-app.js';

type ReadStatus = 'success' | 'timeout' | 'too-small' | 'failure' | 'restart' | 'error';

interface ReadSpec {
  readonly min: number;
  readonly max: number;
  readonly prompt: string;
  readonly varName: string;
  readonly timeout: number;
  readonly terminators: string;
  readonly digitTimeout: number;
}

async function collect(ctx: AppContext, spec: ReadSpec, start: string): Promise<{ status: ReadStatus; digits: string; term: string }> {
  const taken = [...start].findIndex((d) => spec.terminators.includes(d));
  if (taken >= 0) return { status: 'success', digits: start.slice(0, taken), term: start[taken] as string };
  let digits = start;
  let term = '';
  let first = true;
  for (;;) {
    let got = '';
    const outcome = await ctx.media.wait({
      ms: first && digits === '' ? spec.timeout : spec.digitTimeout,
      onDigit: (d) => {
        got = d;
        return true;
      },
      breakable: false,
    });
    first = false;
    if (outcome.reason === 'done') return { status: 'timeout', digits, term };
    if (outcome.reason !== 'digit') return { status: 'failure', digits, term };
    if (spec.terminators.includes(got)) {
      term = got;
      return { status: 'success', digits, term };
    }
    digits += got;
    if (digits.length >= spec.max) return { status: 'success', digits, term };
  }
}

/** One `switch_ivr_read`: prompt, collection, read_result, the variable. */
async function readOnce(ctx: AppContext, spec: ReadSpec): Promise<{ status: ReadStatus; digits: string }> {
  const vars = ctx.channel.vars;
  vars.unset('read_result');
  if (spec.varName) vars.unset(spec.varName);
  ensureMedia(ctx);
  let digits = '';
  let status: ReadStatus = 'success';
  let skipResult = false;
  if (spec.prompt !== '' && spec.prompt.toLowerCase() !== 'silence') {
    const played = await playFile(ctx, spec.prompt, { collect: (d) => void (digits += d) });
    if (played.status !== 'played') {
      status = 'error';
      skipResult = true;
    }
  }
  if (!skipResult) {
    if ((spec.min && digits.length < spec.min) || digits.length < spec.max) {
      const r = await collect(ctx, spec, digits);
      digits = r.digits;
      status = r.status;
      if (r.term) {
        vars.set('read_terminator_used', r.term);
        const at = spec.terminators.indexOf(r.term);
        const mod = at > 0 ? spec.terminators[at - 1] : undefined;
        if (mod === '+' || mod === 'x') digits += r.term;
        if (mod === 'x') status = 'restart';
      } else if (spec.terminators.startsWith('=')) status = 'too-small';
    }
    if (spec.min && digits.length < spec.min) status = 'too-small';
    vars.set('read_result', status === 'success' ? 'success' : status === 'timeout' ? 'timeout' : 'failure');
  }
  if (status !== 'restart' && spec.max === 1 && digits.length === 1 && spec.terminators.includes(digits)) digits = '';
  if (spec.varName && digits !== '') vars.set(spec.varName, digits);
  return { status, digits };
}

const int = (s: string | undefined, d: number): number => {
  const n = Number.parseInt(s ?? '', 10);
  return Number.isFinite(n) ? n : d;
};

function terminatorsOf(s: string | undefined): string {
  if (s === undefined || s === '') return '#';
  return s.toLowerCase() === 'none' ? '' : s;
}

function regexMatches(src: string, digits: string): boolean {
  try {
    return new RegExp(src).test(digits);
  } catch {
    return false;
  }
}

async function playAndGetDigits(ctx: AppContext, arg: string): Promise<undefined> {
  const a = separateArgs(arg, 11);
  const min = Math.max(0, int(a[0], 0));
  const max = Math.max(min, int(a[1], 0));
  let tries = Math.max(1, int(a[2], 1));
  const timeout = Math.max(1000, int(a[3], 1000));
  const spec: ReadSpec = {
    min,
    max,
    timeout,
    terminators: terminatorsOf(a[4]),
    prompt: a[5] ?? '',
    varName: a[7] ?? '',
    digitTimeout: int(a[9], 0) > 0 ? int(a[9], 0) : timeout,
  };
  const invalid = a[6] ?? '';
  const regex = a[8] ?? '';
  const vars = ctx.channel.vars;
  if (regex && spec.varName) vars.unset(spec.varName + '_invalid');
  while (ctx.channel.up && tries > 0) {
    const r = await readOnce(ctx, spec);
    if (r.status === 'restart') return undefined;
    const status = r.status === 'timeout' && r.digits.length >= min ? 'success' : r.status;
    if (min === 0 && r.digits === '' && vars.has('read_terminator_used')) return undefined;
    if (status === 'success' && r.digits !== '') {
      if (!regex || regexMatches(regex, r.digits)) return undefined;
      vars.unset(spec.varName);
      if (spec.varName) vars.set(spec.varName + '_invalid', r.digits);
    }
    if (!ctx.channel.up) break;
    if (invalid !== '' && invalid.toLowerCase() !== 'silence') await playFile(ctx, invalid);
    tries--;
  }
  return undefined;
}

async function read(ctx: AppContext, arg: string): Promise<undefined> {
  const a = separateArgs(arg, 7);
  const min = Math.max(1, int(a[0], 1));
  const timeout = Math.max(1000, int(a[4], 1000));
  await readOnce(ctx, {
    min,
    max: Math.max(min, int(a[1], min)),
    prompt: a[2] ?? '',
    varName: a[3] ?? '',
    timeout,
    terminators: terminatorsOf(a[5]),
    digitTimeout: int(a[6], 0) > 0 ? int(a[6], 0) : timeout,
  });
  return undefined;
}

/** The digit-collecting applications. */
export const DIGIT_APPS: ReadonlyArray<readonly [string, AppDefinition]> = [
  ['play_and_get_digits', { run: playAndGetDigits, media: true }],
  ['read', { run: read, media: true }],
];
