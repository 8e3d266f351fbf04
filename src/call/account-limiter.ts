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

/** Counts the calls in progress of each account. */
export class AccountLimiter {
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

  /**
   * Takes a slot for a call of `accountSid`. Returns the function that gives it back (idempotent), or undefined
   * when the account is at its limit.
   */
  acquire(accountSid: string): (() => void) | undefined {
    const limit = accountSid === '' ? 0 : this.limitOf(accountSid);
    const active = this.activeCalls(accountSid);
    if (limit > 0 && active >= limit) return undefined;
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
