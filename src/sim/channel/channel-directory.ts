/**
 * Channels of the switch that have no socket of their own, such as the B legs of a bridge, listed by uuid so that
 * an api command sent on any socket reaches them: FreeSWITCH's `uuid_kill <b-leg> <cause>` hangs the bridged leg
 * up, and the caller's bridge ends with that cause (`bridge_hangup_cause`).
 */

/** Hangs a listed channel up with a cause. */
export type HangupChannel = (cause: string) => void;

/** The switch's listed channels. */
export class ChannelDirectory {
  readonly #channels = new Map<string, HangupChannel>();

  /** Lists a channel; returns the function that removes it. */
  add(uuid: string, hangup: HangupChannel): () => void {
    this.#channels.set(uuid, hangup);
    return () => {
      if (this.#channels.get(uuid) === hangup) this.#channels.delete(uuid);
    };
  }

  /** Whether a channel with this uuid is listed. */
  has(uuid: string): boolean {
    return this.#channels.has(uuid);
  }

  /** Hangs a listed channel up; false when none has this uuid. */
  hangup(uuid: string, cause: string): boolean {
    const hangup = this.#channels.get(uuid);
    if (hangup === undefined) return false;
    hangup(cause);
    return true;
  }
}
