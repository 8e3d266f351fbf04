/**
 * The nested prompts of a Gather as the one file an input application (`play_and_get_digits`) plays before it
 * waits for keys, so that an application reading keys runs for the whole input window.
 *
 * The file is a `file_string://` list (mod_dptools; `!` separates the items, at most 128 are read) of:
 * - Say: `tts://<engine>|<voice>|<text>` (mod_dptools' tts file format; `say:` is no file format, so it cannot be
 *   a file_string item);
 * - Play: its playback path (an http(s) URL through mod_http_cache, an allowed FreeSWITCH path, a Kazoo media URL);
 * - Pause: `silence_stream://<ms>`;
 * repeated as the prompt's `loop` says. An item FreeSWITCH cannot open is skipped (file_string goes on with the next
 * one). The whole path is one single-quoted word for FreeSWITCH's space tokeniser, so no item may hold a quote, a
 * backslash, whitespace or `!`: speech loses them (quotes and backslashes; `!` becomes `.`), URLs have `'` and `!`
 * percent-encoded, and any other path with one of them is no file item.
 *
 * Steps that are no file (`<Play digits>`'s send_dtmf) and endless loops (`loop="0"`, which repeat until a run
 * ends at once) cannot be part of the file.
 */
import type { CallContext } from '../call-context.js';
import { ttsPath } from './fs-args.js';
import { mediaUrlAllowed } from './media-url-guard.js';
import type { MediaStep, PromptPlan } from './prompts.js';

/** mod_dptools' file_string reads at most this many items (its argv). */
export const MAX_FILE_ITEMS = 128;

const SAFE_ITEM = /^[^\s'\\!\u0000-\u001f\u007f-\u009f]+$/;

/** A step as a file item: its path, `''` when it has nothing to play, false when it cannot be a file item. */
function stepItem(ctx: CallContext, step: MediaStep): string | false {
  if (step.app === 'speak' && step.speech) {
    const { engine, voice, text } = step.speech;
    return ttsPath(engine, voice, text.replace(/!/g, '.'), ctx.settings.maxTextLength) ?? '';
  }
  if (step.app !== 'playback') return false;
  const path = step.url ? step.arg.replace(/'/g, '%27').replace(/!/g, '%21') : step.arg;
  return SAFE_ITEM.test(path) ? path : false;
}

function planSteps(plan: PromptPlan): MediaStep[] {
  const steps = [...plan.once];
  if (plan.repeated) for (let i = 0; i < plan.times; i++) steps.push(plan.repeated);
  return steps;
}

/** Whether every step of `plan` can be a file item (an endless loop cannot). */
export function isFilePlan(ctx: CallContext, plan: PromptPlan): boolean {
  if (plan.endless) return false;
  return [...plan.once, ...(plan.repeated ? [plan.repeated] : [])].every((step) => stepItem(ctx, step) !== false);
}

/**
 * The prompt file of `plans` (each one {@link isFilePlan}), or undefined when nothing is left to play. Media URLs
 * are checked first (media-url-guard.ts): a refused one is left out with the rest of its prompt, as when it is
 * played alone. Items past {@link MAX_FILE_ITEMS} are left out.
 */
export async function promptFile(ctx: CallContext, plans: readonly PromptPlan[]): Promise<string | undefined> {
  const items: string[] = [];
  for (const plan of plans) {
    const steps = planSteps(plan);
    let allowed = true;
    for (const step of new Set(steps)) {
      if (step.url && !(await mediaUrlAllowed(ctx, step.url))) allowed = false;
    }
    if (!allowed) continue;
    for (const step of steps) {
      const item = stepItem(ctx, step);
      if (item) items.push(item);
    }
  }
  if (items.length > MAX_FILE_ITEMS) {
    ctx.log.debug({ items: items.length, kept: MAX_FILE_ITEMS }, 'prompt file cut to the items FreeSWITCH reads');
    items.length = MAX_FILE_ITEMS;
  }
  if (items.length === 0) return undefined;
  return items.length === 1 ? items[0] : `file_string://${items.join('!')}`;
}
