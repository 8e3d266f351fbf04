/**
 * Account limits (`call.limits.*`) counted across the servers of a cluster, in Redis.
 *
 * One sorted set per account (`<prefix>limits:<AccountSid>`): a member per call in progress, `<serverId>|<CallSid>`,
 * scored with the time its lease ends (Redis's clock, so the servers' clocks do not matter). Taking a slot is one
 * Lua script, atomic: drop the expired members, count, add when under the limit. Each server renews the leases of
 * its own calls every third of `cluster.redis.leaseMs` and right after a reconnection (putting back what a Redis
 * restart lost); a server that dies stops renewing, and its calls stop counting once their leases end.
 *
 * Redis unreachable or too slow: the call is not refused for that. The slot is counted against this server's own
 * calls alone (what a single server does), the outage is logged once (ERR_CLUSTER_REDIS_UNAVAILABLE or
 * ERR_CLUSTER_REDIS_TIMEOUT), and the call is put in Redis by the next renewal once it is back. During an outage an
 * account can thus run up to its limit on each server.
 */
import { type AccountLimits, type CallLimiter, type ReleaseSlot, underLimit } from '../call/index.js';
import { type RedisConnection, RedisScript } from './redis-connection.js';

/** KEYS[1] the account's set; ARGV: member, limit (0: none), lease ms. Returns 1 when the slot is taken. */
const ACQUIRE = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local limit = tonumber(ARGV[2])
if limit > 0 and not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= limit then
  return 0
end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
return 1
`);

/** KEYS[1] the account's set; ARGV: lease ms, then the members to renew (added back when Redis lost them). */
const RENEW = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], now + lease, ARGV[i]) end
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
return #ARGV - 1
`);

/** The calls of each account this server runs, counted in Redis for the whole cluster. */
export class RedisAccountLimiter implements CallLimiter {
  readonly #redis: RedisConnection;
  #limits: AccountLimits;
  /** This server's calls in progress: their members in Redis, by account. */
  readonly #own = new Map<string, Set<string>>();
  readonly #stopRenewing: () => void;

  constructor(redis: RedisConnection, limits: AccountLimits) {
    this.#redis = redis;
    this.#limits = limits;
    this.#stopRenewing = redis.keepLeases(() => this.renew());
  }

  configure(limits: AccountLimits): void {
    this.#limits = limits;
  }

  limitOf(accountSid: string): number {
    return this.#limits.accounts.get(accountSid) ?? this.#limits.maxCallsPerAccount;
  }

  /** This server's calls in progress of `accountSid`. */
  ownCalls(accountSid: string): number {
    return this.#own.get(accountSid)?.size ?? 0;
  }

  async acquire(accountSid: string, callSid: string): Promise<ReleaseSlot | undefined> {
    const limit = accountSid === '' ? 0 : this.limitOf(accountSid);
    const member = `${this.#redis.serverId}|${callSid}`;
    // Unlimited: nothing to ask; the call is still put in Redis by the renewals, should a limit come with a reload.
    if (limit > 0 && !(await this.#takeSlot(accountSid, member, limit))) return undefined;
    return this.#hold(accountSid, member);
  }

  /** Renews the leases of this server's calls (and puts back those Redis lost). */
  async renew(): Promise<void> {
    const { leaseMs } = this.#redis;
    await Promise.all([...this.#own].map(([accountSid, members]) => this.#redis.run('renew account leases',
      (client) => RENEW.run(client, [this.#key(accountSid)], [leaseMs, ...members]))));
  }

  /** Stops renewing (the server stops; its leases then end by themselves if a call was not released). */
  close(): void {
    this.#stopRenewing();
  }

  /** Whether the cluster has a slot; on this server's count alone when Redis cannot say. */
  async #takeSlot(accountSid: string, member: string, limit: number): Promise<boolean> {
    try {
      const taken = await this.#redis.run('acquire account slot',
        (client) => ACQUIRE.run(client, [this.#key(accountSid)], [member, limit, this.#redis.leaseMs]));
      return taken === 1;
    } catch {
      // Logged once per outage by the connection.
      const allowed = underLimit(this.ownCalls(accountSid), limit);
      // A slot Redis took after the time limit is not held: give it back (else its lease ends it).
      if (!allowed) this.#forget(accountSid, member);
      return allowed;
    }
  }

  #hold(accountSid: string, member: string): ReleaseSlot {
    let members = this.#own.get(accountSid);
    if (!members) this.#own.set(accountSid, members = new Set());
    members.add(member);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      members.delete(member);
      if (members.size === 0 && this.#own.get(accountSid) === members) this.#own.delete(accountSid);
      this.#forget(accountSid, member);
    };
  }

  /** Removes `member` from Redis, best effort: a slot Redis does not hear of ends with its lease. */
  #forget(accountSid: string, member: string): void {
    this.#redis.run('release account slot', (client) => client.zRem(this.#key(accountSid), member))
      .catch(() => undefined);
  }

  #key(accountSid: string): string {
    return this.#redis.key('limits', accountSid);
  }
}
