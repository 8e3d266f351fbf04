/**
 * The wait of one `<Conference>` member, from its add-member event until the conference starts, the member
 * leaves, or the call ends. When the conference starts (a startConferenceOnEnter member joins: the registry
 * tells every waiting member at that moment) the member's queued audio is stopped at once with
 * `conference <room> stop all <member_id>`; a member that left, or a call that ended, needs no stop. No timer or
 * listener outlives {@link WaitingMember.end}.
 */
import { toAppError } from '../../errors.js';
import type { RequestExtras } from '../../webhook/index.js';
import type { CallContext } from '../call-context.js';
import type { ConferenceRegistry, RoomState } from './conference-registry.js';
import { playWhileWaiting, type WaitSource } from './conference-wait.js';
import { MemberAudio } from './member-audio.js';

/** Why a wait is over. */
class WaitOver extends Error {
  constructor(readonly why: 'started' | 'left') {
    super(`the wait is over: ${why}`);
  }
}

/** A member's wait in progress. */
export class WaitingMember {
  readonly #stop = new AbortController();
  readonly #audio: MemberAudio;
  readonly #offStart: () => void;
  readonly #playing: Promise<void>;
  #stopping: Promise<void> = Promise.resolve();

  /** Starts playing `source` to the member `memberId` of `state`'s room. */
  constructor(ctx: CallContext, registry: ConferenceRegistry, state: RoomState, memberId: string, source: WaitSource) {
    this.#audio = new MemberAudio(ctx, state.room, memberId);
    this.#offStart = registry.onStart(state, () => {
      if (this.#stop.signal.aborted) return;
      this.#stop.abort(new WaitOver('started'));
      ctx.log.info({ room: state.room }, 'conference started; wait audio stopped');
      this.#stopping = this.#audio.stop().catch((err: unknown) => {
        ctx.log.warn({ code: toAppError(err).code }, 'could not stop the wait audio');
      });
    });
    const params: RequestExtras = { extra: [['ConferenceSid', state.conferenceSid], ['FriendlyName', state.friendlyName]] };
    this.#playing = playWhileWaiting(ctx, this.#audio, source, params, this.#stop.signal);
  }

  /** Whether the conference started while the member waited. */
  get started(): boolean {
    const reason: unknown = this.#stop.signal.reason;
    return reason instanceof WaitOver && reason.why === 'started';
  }

  /** The member left (or the call ended): ends the wait and resolves once nothing of it is pending. */
  async end(): Promise<void> {
    this.#offStart();
    if (!this.#stop.signal.aborted) this.#stop.abort(new WaitOver('left'));
    await this.#playing;
    await this.#stopping;
  }
}
