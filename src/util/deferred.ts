import { noop } from './abort.js';

/**
 * A promise with its settle functions, settled at most once; `settled` tells whether it has been.
 *
 * A rejection before anyone awaits the promise is not an unhandled rejection: the owner may reject it (a hangup
 * while the command that will await it is still in flight) a few ticks before the await is reached.
 */
export class Deferred<T> {
  readonly promise: Promise<T>;
  #resolve!: (value: T) => void;
  #reject!: (reason: unknown) => void;
  #settled = false;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.promise.catch(noop);
  }

  get settled(): boolean {
    return this.#settled;
  }

  resolve(value: T): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#resolve(value);
    return true;
  }

  reject(reason: unknown): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#reject(reason);
    return true;
  }
}
