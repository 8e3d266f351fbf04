/**
 * Limits how many simulated calls are in the TCP handshake at once. A thousand simultaneous
 * connects overflow a server's listen backlog (511 by default) and the surplus waits for a SYN
 * retransmission a second later; real calls never arrive in one burst like that.
 */

/** A FIFO of pending connects with a concurrency limit. */
export class ConnectGate {
  readonly #limit: number;
  #inFlight = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Runs `start` now or when a slot frees up; `start` must call the release it is given once. */
  enter(start: (release: () => void) => void): void {
    const run = (): void => {
      this.#inFlight++;
      let released = false;
      start(() => {
        if (released) return;
        released = true;
        this.#inFlight--;
        const next = this.#waiting.shift();
        if (next) next();
      });
    };
    if (this.#inFlight < this.#limit) run();
    else this.#waiting.push(run);
  }
}
