/**
 * Concurrent calls per AccountSid. A call takes a slot when it starts and gives it back when it ends, on every
 * path; a call whose account has no slot left is refused before anything is fetched. Calls without an AccountSid
 * are not limited.
 */

/** The limits, as compiled into the engine settings. */
export interface AccountLimits {
  /** 0: unlimited. */
  readonly maxCallsPerAccount: number;
  /** Per-account limits that replace the default (0: unlimited). */
  readonly accounts: ReadonlyMap<string, number>;
}

/** Gives back a call's slot (idempotent). */
export type ReleaseSlot = () => void;

/**
 * What counts the calls of each account against its limit: this server's own ({@link AccountLimiter}), or one
 * shared by the servers of a cluster (cluster/redis-account-limiter.ts). `acquire` is asynchronous for the shared
 * one; it never waits longer than its store's time limit.
 */
export interface CallLimiter {
  /** Replaces the limits (a reload); calls in progress stay counted. */
  configure(limits: AccountLimits): void;
  /** The limit of `accountSid` (0: unlimited). */
  limitOf(accountSid: string): number;
  /**
   * Takes a slot for the call `callSid` of `accountSid`. Resolves with the function that gives it back, or undefined
   * when the account is at its limit.
   */
  acquire(accountSid: string, callSid: string): Promise<ReleaseSlot | undefined>;
}

/** Whether an account with `active` calls in progress and limit `limit` (0: unlimited) may take one more. */
export function underLimit(active: number, limit: number): boolean {
  return limit <= 0 || active < limit;
}

/** Counts the calls in progress of each account on this server alone; acquiring resolves at once. */
export class AccountLimiter implements CallLimiter {
  #limits: AccountLimits;
  readonly #active = new Map<string, number>();

  constructor(limits: AccountLimits) {
    this.#limits = limits;
  }

  /** Replaces the limits (a reload); calls in progress stay counted. */
  configure(limits: AccountLimits): void {
    this.#limits = limits;
  }

  /** The limit of `accountSid` (0: unlimited). */
  limitOf(accountSid: string): number {
    return this.#limits.accounts.get(accountSid) ?? this.#limits.maxCallsPerAccount;
  }

  /** Calls of `accountSid` in progress. */
  activeCalls(accountSid: string): number {
    return this.#active.get(accountSid) ?? 0;
  }

  async acquire(accountSid: string): Promise<ReleaseSlot | undefined> {
    const limit = accountSid === '' ? 0 : this.limitOf(accountSid);
    const active = this.activeCalls(accountSid);
    if (!underLimit(active, limit)) return undefined;
    this.#active.set(accountSid, active + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.activeCalls(accountSid) - 1;
      if (left <= 0) this.#active.delete(accountSid);
      else this.#active.set(accountSid, left);
    };
  }
}
