/**
 * How mod_commands reads the arguments of `originate` (mod_commands.c, originate_function), FreeSWITCH 1.10:
 *
 *   originate <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>]
 *             [<timeout_sec>]
 *
 * - The line is split on spaces with switch_separate_string (single quotes group words and are removed, backslash
 *   escapes), at most 10 words. Fewer than 2 or more than 7 words, or no arguments at all, answer
 *   `-USAGE: <syntax>\n`. A word `undef` (any case) counts as absent.
 * - So an application argument with spaces must be quoted: `'&socket(127.0.0.1:8084 async full)'`. Unquoted, the
 *   words after the first space become the dialplan and context, and `socket` runs with `127.0.0.1:8084` alone.
 * - `&app(args)`: the name runs up to the first `(`, the arguments up to the first `)`; an `&` alone, or anything
 *   else, is an extension the new channel is transferred to (dialplan XML and context default unless given).
 * - The timeout word goes through atoi; the originate then uses 60 s for anything not positive.
 */
import { separateString } from '../apps/dial-syntax.js';

export const ORIGINATE_SYNTAX =
  '<call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]';

/** What runs on the channel once it answers. */
export type OriginateTarget =
  | { readonly kind: 'application'; readonly name: string; readonly args: string }
  | { readonly kind: 'extension'; readonly extension: string; readonly dialplan: string; readonly context: string };

/** One `originate` command, read. */
export interface OriginateRequest {
  /** The call url: `{...}` variables, `[...]` per leg, endpoints. */
  readonly dialString: string;
  readonly target: OriginateTarget;
  readonly callerIdName?: string;
  readonly callerIdNumber?: string;
  /** Seconds, as atoi reads them (0 when absent or not a number). */
  readonly timeoutSec: number;
}

/** The `-USAGE` reply. */
export const ORIGINATE_USAGE = `-USAGE: ${ORIGINATE_SYNTAX}\n`;

/** atoi: leading spaces, a sign, digits; 0 when there are none. */
function atoi(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m ? Number.parseInt(m[1] ?? '0', 10) : 0;
}

function targetOf(exten: string, dialplan: string | undefined, context: string | undefined): OriginateTarget {
  if (exten.startsWith('&') && exten.length > 1) {
    let app = exten.slice(1);
    const close = app.indexOf(')');
    if (close >= 0) app = app.slice(0, close);
    const open = app.indexOf('(');
    return open < 0 ? { kind: 'application', name: app, args: '' }
      : { kind: 'application', name: app.slice(0, open), args: app.slice(open + 1) };
  }
  return { kind: 'extension', extension: exten, dialplan: dialplan ?? 'XML', context: context ?? 'default' };
}

/** Reads the arguments of `originate`; a string is the `-USAGE` reply. */
export function readOriginate(args: string): OriginateRequest | string {
  if (args.trim() === '') return ORIGINATE_USAGE;
  const words = separateString(args, ' ', 10);
  if (words.length < 2 || words.length > 7) return ORIGINATE_USAGE;
  const [dialString, exten, dialplan, context, cidName, cidNumber, timeout] =
    words.map((w) => (w.toLowerCase() === 'undef' ? undefined : w));
  // FreeSWITCH asserts on a missing extension (an `undef` one); the simulator answers with the usage instead.
  if (dialString === undefined || exten === undefined) return ORIGINATE_USAGE;
  return {
    dialString,
    target: targetOf(exten, dialplan, context),
    ...(cidName !== undefined ? { callerIdName: cidName } : {}),
    ...(cidNumber !== undefined ? { callerIdNumber: cidNumber } : {}),
    timeoutSec: timeout === undefined ? 0 : atoi(timeout),
  };
}
