/**
 * The dial side of a whisper (`<Number url>`, `<Sip url>`): FreeSWITCH's `group_confirm_key=exec` runs
 * `group_confirm_file` on a leg once it answers, in the originate, before the bridge; the leg wins only if it is
 * still up when that application returns. The application here is `socket <this server> async full`, so the
 * answered leg reaches this server as a call of its own, runs the whisper document (whisper/whisper-leg.ts), and is
 * bridged once that socket session ends with the leg up.
 *
 * The confirm variables go in the dial string's `{}` part, for every leg of the Dial: the originate reads a `[]`
 * group_confirm_key from the channel it watches, and a loopback endpoint never has its `[]` variables there
 * (mod_loopback hands them to `loopback/N-b` and clears group_confirm_* on `loopback/N-a`), whereas the `{}` ones are
 * the originate's own and apply to every endpoint type. So every leg of a Dial with a whisper reaches this server on
 * answer; the server knows each one by its uuid (`origination_uuid`, which does become the watched channel's uuid),
 * runs the whisper of the legs that have one and releases the others at once (whisper/whisper-dial.ts registers
 * them all). `pivot_whisper_parent` (the caller's uuid) marks the legs that carry `{}` variables.
 *
 * The socket address is `call.dial.whisperSocket`, else the address FreeSWITCH used to reach this server for the
 * caller (the first host of the caller's own `socket` application). Only that address and uuids go into the dial
 * string: the whisper URL stays in this server (whisper/whisper-registry.ts).
 */
import { AppError } from '../../errors.js';
import { resolveUrl, type NumberNoun, type SipNoun } from '../../twiml/index.js';
import type { CallContext } from '../call-context.js';

/** Marks a leg of a Dial with whispers; its value is the caller's uuid. */
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

/** The application FreeSWITCH runs on an answered leg of a Dial with whispers. */
function whisperApplication(socket: string): string {
  return `socket ${socket} async full`;
}

/**
 * The whisper of a noun, or nothing when the noun has no url.
 * @throws AppError ERR_TWIML_INVALID_URL (not http/https), ERR_DIAL_WHISPER_NO_SOCKET: the noun is not dialled,
 *   since a screening document that cannot run must not connect the callee unscreened.
 */
export function legWhisper(noun: NumberNoun | SipNoun, ctx: CallContext): LegWhisper | undefined {
  if (noun.url === undefined || noun.url.trim() === '') return undefined;
  const url = resolveUrl(noun.url, ctx.state.document);
  if (whisperSocket(ctx) === undefined || ctx.whispers === undefined) {
    throw new AppError('ERR_DIAL_WHISPER_NO_SOCKET', 'no socket address for the whisper leg (set call.dial.whisperSocket)');
  }
  return { url, method: noun.method };
}

/**
 * The originate (`{}`) variables of a Dial whose legs include a whisper, or none. The ring timeout must not cut a
 * whisper short (`group_confirm_cancel_timeout`).
 */
export function whisperDialVars(ctx: CallContext, hasWhisper: boolean): Array<readonly [string, string]> {
  const socket = whisperSocket(ctx);
  if (!hasWhisper || socket === undefined) return [];
  return [
    ['group_confirm_key', 'exec'],
    ['group_confirm_file', whisperApplication(socket)],
    ['group_confirm_cancel_timeout', 'true'],
    [WHISPER_PARENT_VARIABLE, ctx.channel.uuid],
  ];
}
