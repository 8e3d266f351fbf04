/** Exponential backoff between reconnection attempts: min, 2·min, 4·min … up to max; reset after a success. */
export class Backoff {
  readonly #minMs: number;
  readonly #maxMs: number;
  #attempt = 0;

  constructor(minMs: number, maxMs: number) {
    this.#minMs = minMs;
    this.#maxMs = Math.max(minMs, maxMs);
  }

  /** The wait before the next attempt; each call doubles the following one. */
  next(): number {
    const ms = this.peek();
    this.#attempt++;
    return ms;
  }

  /** The wait {@link next} will return, without counting an attempt. */
  peek(): number {
    return Math.min(this.#maxMs, this.#minMs * 2 ** Math.min(this.#attempt, 30));
  }

  reset(): void {
    this.#attempt = 0;
  }
}
