/**
 * Small dialplan applications: answer, pre_answer, ring_ready, set, export, unset, multiset,
 * sleep, respond, hangup, send_dtmf, park and a few no-ops.
 */
import { causeName, causeOfSipStatus } from '../channel/hangup-causes.js';
import type { AppContext, AppDefinition } from './app-context.js';
import { answer, preAnswer, ringReady } from './channel-ops.js';

function splitAssignment(arg: string): [string, string] {
  const eq = arg.indexOf('=');
  const sep = eq >= 0 ? eq : arg.indexOf(',');
  if (sep < 0) return [arg.trim(), ''];
  return [arg.slice(0, sep).trim(), arg.slice(sep + 1)];
}

function setVar(ctx: AppContext, arg: string): void {
  const [name, value] = splitAssignment(arg);
  if (name !== '') ctx.channel.vars.set(name, value);
}

function exportVar(ctx: AppContext, arg: string): void {
  let [name, value] = splitAssignment(arg);
  const local = !name.startsWith('nolocal:');
  name = name.replace(/^nolocal:/, '');
  if (name === '') return;
  if (local) ctx.channel.vars.set(name, value);
  const list = ctx.channel.vars.get('export_vars');
  const names = list ? list.split(',') : [];
  if (!names.includes(name)) ctx.channel.vars.set('export_vars', [...names, name].join(','));
}

function multiset(ctx: AppContext, arg: string): void {
  let items: string[];
  if (arg.startsWith('^^') && arg.length > 2) items = arg.slice(3).split(arg[2] as string);
  else items = arg.split(' ');
  for (const item of items) if (item !== '') setVar(ctx, item);
}

async function sleep(ctx: AppContext, arg: string): Promise<undefined> {
  const ms = Number.parseInt(arg, 10);
  if (!(ms > 0)) return undefined;
  // Digits stay queued for the next app unless sleep_eat_digits is true.
  const eat = ctx.channel.vars.get('sleep_eat_digits') === 'true';
  await ctx.media.wait(eat ? { ms, onDigit: () => false } : { ms });
  return undefined;
}

// Loopback legs ignore `respond` (more/reject-busy-before-answer); on SIP a final response hangs
// the call up itself, before the app completes (more/reject-busy-before-answer-sip).
function respond(ctx: AppContext, arg: string): void {
  const code = Number.parseInt(arg, 10);
  if (ctx.channel.kind !== 'sip' || !Number.isFinite(code)) return;
  if (code === 180) ringReady(ctx);
  else if (code === 183) preAnswer(ctx);
  else if (code === 200) answer(ctx);
  else if (code >= 300 && !ctx.channel.answered) ctx.hangup(causeOfSipStatus(code));
}

async function sendDtmf(ctx: AppContext, arg: string): Promise<undefined> {
  const digits = arg.split('@')[0] ?? '';
  const per = Number.parseInt(arg.split('@')[1] ?? '', 10) || 250;
  await ctx.media.wait({ ms: [...digits].length * (per + 50), breakable: false });
  return undefined;
}

const noop: AppDefinition = { run: () => undefined };

/** The simple applications, by name. */
export const BASIC_APPS: ReadonlyArray<readonly [string, AppDefinition]> = [
  ['answer', { run: (ctx) => void answer(ctx) }],
  ['pre_answer', { run: (ctx) => void preAnswer(ctx) }],
  ['ring_ready', { run: (ctx) => void ringReady(ctx) }],
  ['set', { run: (ctx, arg) => void setVar(ctx, arg) }],
  ['export', { run: (ctx, arg) => void exportVar(ctx, arg) }],
  ['unset', { run: (ctx, arg) => void ctx.channel.vars.unset(arg.trim()) }],
  ['multiset', { run: (ctx, arg) => void multiset(ctx, arg) }],
  ['sleep', { run: sleep, media: true }],
  ['respond', { run: (ctx, arg) => void respond(ctx, arg) }],
  ['hangup', { run: (ctx, arg) => void ctx.hangup(causeName(arg)) }],
  ['send_dtmf', { run: sendDtmf }],
  ['park', { run: async (ctx) => void (await ctx.media.wait({ ms: Infinity, onDigit: () => false })), media: true }],
  ['log', noop],
  ['info', noop],
  ['event', noop],
];
