/**
 * One execute waiting for its CHANNEL_EXECUTE_COMPLETE. A thousand of these wait at once on a busy node, and each
 * one that outlives a young-generation collection is copied by it, so a waiting execute is one object and one
 * promise: it is settled exactly when it leaves its channel's pending table, which needs no flag and no callback.
 */
import { noop } from '../util/abort.js';

/** Something that can be settled, and whose settlement can be observed (what the channel's guards need). */
export interface Settleable<T> {
  readonly promise: Promise<T>;
  reject(reason: unknown): unknown;
}

export class PendingExecute<T> implements Settleable<T> {
  readonly promise: Promise<T>;
  /**
   * FreeSWITCH has taken the application (the reply to its sendmsg), or started it (CHANNEL_EXECUTE, while
   * subscribed): a hangup may still be followed by its completion.
   */
  started = false;
  /** The channel's interruptible scope it was started under, which rejects it when interrupted (channel.ts). */
  scope: AbortSignal | undefined = undefined;
  readonly app: string;
  readonly completeAfterHangup: boolean;
  readonly #table: Map<string, PendingExecute<T>>;
  readonly #key: string;
  #resolve!: (value: T) => void;
  #reject!: (reason: unknown) => void;

  /** Registers itself in `table` under `key`. */
  constructor(table: Map<string, PendingExecute<T>>, key: string, app: string, completeAfterHangup: boolean) {
    this.app = app;
    this.completeAfterHangup = completeAfterHangup;
    this.#table = table;
    this.#key = key;
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A rejection that lands before the caller awaits (a hangup while the sendmsg is in flight) is not unhandled.
    this.promise.catch(noop);
    table.set(key, this);
  }

  /** Resolves, once: returns false if it had already settled. */
  resolve(value: T): boolean {
    if (!this.#leave()) return false;
    this.#resolve(value);
    return true;
  }

  /** Rejects, once: returns false if it had already settled. */
  reject(reason: unknown): boolean {
    if (!this.#leave()) return false;
    this.#reject(reason);
    return true;
  }

  /** Leaves the table if still in it: true the first time only. */
  #leave(): boolean {
    if (this.#table.get(this.#key) !== this) return false;
    this.#table.delete(this.#key);
    return true;
  }
}
