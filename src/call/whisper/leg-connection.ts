/**
 * What a channel FreeSWITCH hands this server is, before it is run as a call. The confirm application of a Dial with
 * whispers (`socket <this server> async full`, dial/whisper-legs.ts) brings every answered leg of that Dial here:
 *
 * - `leg`: a leg this server dialled, known by its uuid (its `origination_uuid`, which is the uuid of the channel the
 *   originate watches for every endpoint type, loopback ones included; per-leg variables are not relied on, since a
 *   loopback endpoint never has them on that channel);
 * - `stale`: a channel marked with {@link WHISPER_PARENT_VARIABLE} that this server does not know (its Dial is over,
 *   or it dialled from another server): it is hung up, since a screening step that did not run must not connect it;
 * - `screened-elsewhere`: a channel brought by a confirm application (`group_confirm_key=exec`, `group_confirm_file`
 *   `socket ...`) that is neither of the above: a loopback callee's own dialplan bridged on, and FreeSWITCH copied
 *   the confirm variables its `loopback/N-b` side inherited into that inner originate. It is released at once, so
 *   the inner bridge goes on; the Dial's own leg (`loopback/N-a`) reaches this server on its own afterwards.
 * - `call`: anything else, a call of its own. A `loopback/N-b` side (`loopback_leg=B`) carries the marker and the
 *   confirm variables too, but it is the callee's end running the dialplan; when that dialplan hands it to this
 *   server it is a call like any other.
 */
import type { ChannelData } from '../../esl/index.js';
import { WHISPER_PARENT_VARIABLE } from '../dial/whisper-legs.js';
import type { WhisperRegistry, WhisperTask } from './whisper-registry.js';

/** What a connection is; see the module comment. */
export type LegConnection =
  | { readonly kind: 'leg'; readonly task: WhisperTask }
  | { readonly kind: 'stale' }
  | { readonly kind: 'screened-elsewhere' }
  | { readonly kind: 'call' };

const SOCKET_APPLICATION = /^socket\s/i;

/** Classifies a channel that has just connected. */
export function classifyConnection(data: ChannelData, whispers: WhisperRegistry | undefined): LegConnection {
  const task = whispers?.find(data.uuid);
  if (task !== undefined) return { kind: 'leg', task };
  if (data.variable('loopback_leg') === 'B') return { kind: 'call' };
  if ((data.variable(WHISPER_PARENT_VARIABLE) ?? '') !== '') return { kind: 'stale' };
  const confirmed = (data.variable('group_confirm_key') ?? '').toLowerCase() === 'exec'
    && SOCKET_APPLICATION.test(data.variable('group_confirm_file') ?? '');
  return confirmed ? { kind: 'screened-elsewhere' } : { kind: 'call' };
}
