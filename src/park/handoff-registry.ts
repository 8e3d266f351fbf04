/**
 * The calls already handed off, so that none is taken twice: FreeSWITCH sends CHANNEL_PARK again when the
 * transferred call parks in the socket application, and a reconnecting watcher may see a call it already took.
 * An entry leaves on the call's CHANNEL_HANGUP_COMPLETE, or after its time to live when the hangup was not seen
 * (the connection was down). Expired entries are swept as new ones come in: no timer is kept.
 */
export class HandoffRegistry {
  readonly #ttlMs: number;
  readonly #now: () => number;
  /** uuid → expiry time; insertion order is expiry order, since every entry lives as long. */
  readonly #entries = new Map<string, number>();

  constructor(ttlMs: number, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** Claims a call: true the first time (the caller hands it off), false while it is remembered. */
  claim(uuid: string): boolean {
    this.#sweep();
    if (this.#entries.has(uuid)) return false;
    this.#entries.set(uuid, this.#now() + this.#ttlMs);
    return true;
  }

  /** Forgets a call (it hung up, or its transfer failed and it may be taken again). */
  forget(uuid: string): void {
    this.#entries.delete(uuid);
  }

  has(uuid: string): boolean {
    this.#sweep();
    return this.#entries.has(uuid);
  }

  get size(): number {
    return this.#entries.size;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [uuid, expires] of this.#entries) {
      if (expires > now) return;
      this.#entries.delete(uuid);
    }
  }
}
