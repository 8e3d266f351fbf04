/**
 * The dial side of a whisper (`<Number url>`, `<Sip url>`): FreeSWITCH's `group_confirm_key=exec` runs
 * `group_confirm_file` on a leg once it answers, in the originate, before the bridge; the leg wins only if it is
 * still up when that application returns. The application here is `socket <this server> async full`, so the
 * answered leg reaches this server as a call of its own (marked by `pivot_whisper_parent`), runs the whisper
 * document (whisper/whisper-leg.ts), and is bridged once that socket session ends with the leg up.
 *
 * The socket address is `call.dial.whisperSocket`, else the address FreeSWITCH used to reach this server for the
 * caller (the first host of the caller's own `socket` application). Only that address and uuids go into the dial
 * string: the whisper URL stays in this server (whisper/whisper-registry.ts).
 */
import { AppError } from '../../errors.js';
import { resolveUrl, type NumberNoun, type SipNoun } from '../../twiml/index.js';
import type { CallContext } from '../call-context.js';

/** Marks a leg as a whisper leg; its value is the caller's uuid. */
export const WHISPER_PARENT_VARIABLE = 'pivot_whisper_parent';

/** `host:port` (IPv4, a name, or an IPv6 address written as FreeSWITCH takes it, the port after the last `:`). */
const SOCKET_TARGET = /^[A-Za-z0-9.:_-]+:[0-9]{1,5}$/;

/** What a leg whispers. */
export interface LegWhisper {
  readonly url: URL;
  readonly method: NumberNoun['method'];
}

/** The socket address whisper legs connect to, or undefined when none is known. */
export function whisperSocket(ctx: CallContext): string | undefined {
  const configured = ctx.settings.dial.whisperSocket;
  if (configured !== '') return configured;
  if (ctx.channel.data.variable('current_application') !== 'socket') return undefined;
  const data = ctx.channel.data.variable('current_application_data') ?? '';
  const first = (data.trim().split(/\s+/)[0] ?? '').split('|')[0] ?? '';
  return SOCKET_TARGET.test(first) ? first : undefined;
}

/**
 * The whisper of a noun and its leg variables, or nothing when the noun has no url.
 * @throws AppError ERR_TWIML_INVALID_URL (not http/https), ERR_DIAL_WHISPER_NO_SOCKET: the noun is not dialled,
 *   since a screening document that cannot run must not connect the callee unscreened.
 */
export function legWhisper(noun: NumberNoun | SipNoun, ctx: CallContext)
  : { whisper: LegWhisper; vars: Array<readonly [string, string]> } | undefined {
  if (noun.url === undefined || noun.url.trim() === '') return undefined;
  const url = resolveUrl(noun.url, ctx.state.document);
  const socket = whisperSocket(ctx);
  if (socket === undefined || ctx.whispers === undefined) {
    throw new AppError('ERR_DIAL_WHISPER_NO_SOCKET', 'no socket address for the whisper leg (set call.dial.whisperSocket)');
  }
  return {
    whisper: { url, method: noun.method },
    vars: [
      ['group_confirm_key', 'exec'],
      ['group_confirm_file', `socket ${socket} async full`],
      [WHISPER_PARENT_VARIABLE, ctx.channel.uuid],
    ],
  };
}
