/**
 * The registry of calls behind the Calls API (api/call-registry.ts), shared by the servers of a cluster in Redis:
 * a fetch or a list on any server finds the calls of every server.
 *
 * Keys, under the prefix:
 * - `call:<uuid>`: one hash per call: `data` (the call as the API shows it, JSON), `account`, `owner` (the id of the
 *   server that runs it), `seq` (the order calls were added in, for calls created in the same millisecond);
 * - `calls:<AccountSid>`: the account's calls, a sorted set scored by creation time;
 * - `calls-ended`: the ended calls in the order they ended (scored by `calls-seq`), for the history bounds; the
 *   hash of an ended call has `endedAt` (the clock of the server that wrote its end);
 * - `calls-seq`: the counter behind both orders.
 *
 * A live call's hash has a lease (`cluster.redis.leaseMs`) its owner renews; a call whose server died disappears
 * once its lease ends. An ended call is kept within `api.history.maxCalls` and `api.history.maxAgeMs` for the whole
 * cluster, trimmed by each write (oldest ended first) and expiring by itself after `maxAgeMs`. Index entries whose
 * hash is gone are dropped by the next list that meets them.
 *
 * A list reads every call of the account in the index and filters and pages them here, with the in-memory
 * registry's own functions: its cost grows with the account's live calls and history (`api.history.maxCalls`).
 * The scripts name keys they compute, so the store needs one Redis (or a primary with replicas), not Redis Cluster.
 *
 * The writes of one call are applied in the order they are made (each waits for the one before), so the engine can
 * report a call's life without waiting; a read on the server that made them waits for them (a call completed through
 * the API is read back ended). While Redis is unreachable every method rejects with
 * ERR_CLUSTER_REDIS_UNAVAILABLE (or _TIMEOUT); this server's live calls are written back from memory once Redis is
 * back (the renewal), so only the history of calls that ended during the outage is lost.
 */
import type { CallPage, CallListFilter, CallResource } from '../api/calls-service.js';
import {
  addedCall, type CallChange, type CallRegistry, changedCall, type HistoryBounds, isEndedStatus, pageOfCalls,
} from '../api/call-registry.js';
import { accountSidOf, callUuidOf } from '../api/sids.js';
import { callFromWire, callToJson } from './call-wire.js';
import { type RedisConnection, RedisScript } from './redis-connection.js';

/**
 * KEYS: the call's hash, its account's index, the ended set, the sequence counter.
 * ARGV: uuid, data, account, owner, created ms, ended (1/0), now ms, lease ms, maxAgeMs, maxCalls, key prefix.
 * Stores the call, then trims the history from the first call to end: while it is older than maxAgeMs or the
 * ended calls are more than maxCalls, it goes.
 */
const STORE = new RedisScript(`
local uuid, prefix = ARGV[1], ARGV[11]
local now, lease, maxAge, maxCalls = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
if redis.call('HEXISTS', KEYS[1], 'seq') == 0 then
  redis.call('HSET', KEYS[1], 'seq', redis.call('INCR', KEYS[4]))
end
redis.call('HSET', KEYS[1], 'data', ARGV[2], 'account', ARGV[3], 'owner', ARGV[4])
redis.call('ZADD', KEYS[2], tonumber(ARGV[5]), uuid)
local keep = math.max(lease, maxAge)
if redis.call('PTTL', KEYS[2]) < keep then redis.call('PEXPIRE', KEYS[2], keep) end
if ARGV[6] == '1' then
  if not redis.call('ZSCORE', KEYS[3], uuid) then
    redis.call('ZADD', KEYS[3], redis.call('INCR', KEYS[4]), uuid)
    redis.call('HSET', KEYS[1], 'endedAt', now)
  end
  redis.call('PEXPIRE', KEYS[1], math.max(maxAge, 1))
else
  redis.call('PEXPIRE', KEYS[1], lease)
end
while true do
  local first = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
  if not first then break end
  local hash = prefix .. 'call:' .. first
  local endedAt = tonumber(redis.call('HGET', hash, 'endedAt') or '0')
  if endedAt > now - maxAge and redis.call('ZCARD', KEYS[3]) <= maxCalls then break end
  local account = redis.call('HGET', hash, 'account')
  if account then redis.call('ZREM', prefix .. 'calls:' .. account, first) end
  redis.call('DEL', hash)
  redis.call('ZREM', KEYS[3], first)
end
return 1
`);

/** A call read back with what its hash says besides it. */
interface Entry {
  readonly call: CallResource;
  readonly seq: number;
  readonly owner: string;
}

export class RedisCallRegistry implements CallRegistry {
  readonly #redis: RedisConnection;
  readonly #bounds: HistoryBounds;
  readonly #now: () => number;
  /** The last write of each call, chained so that one call's writes apply in order. */
  readonly #writes = new Map<string, Promise<unknown>>();
  /** This server's live calls, as last written: renewed, and written back after Redis lost them. */
  readonly #own = new Map<string, CallResource>();
  readonly #stopRenewing: () => void;

  /** `now`: the clock the history's ages are measured by (ms since the epoch); default Date.now. */
  constructor(redis: RedisConnection, bounds: HistoryBounds, now: () => number = Date.now) {
    this.#redis = redis;
    this.#bounds = bounds;
    this.#now = now;
    this.#stopRenewing = redis.keepLeases(() => this.renew());
  }

  async add(call: CallResource): Promise<CallResource> {
    const uuid = callUuidOf(call.sid);
    if (uuid === undefined) throw new RangeError(`not a call sid: ${call.sid}`);
    return this.#inOrder(uuid, async () => {
      const known = await this.#read(uuid);
      return this.#store(uuid, addedCall(known?.call, call));
    });
  }

  async update(callSid: string, change: CallChange): Promise<CallResource | undefined> {
    const uuid = callUuidOf(callSid);
    if (uuid === undefined) return undefined;
    return this.#inOrder(uuid, async () => {
      const known = await this.#read(uuid);
      if (known === undefined) return undefined;
      const next = changedCall(known.call, change, this.#now());
      return next === known.call ? next : this.#store(uuid, next);
    });
  }

  async get(accountSid: string, callSid: string): Promise<CallResource | undefined> {
    const uuid = callUuidOf(callSid);
    // What this server has written of the call is read back: its writes made before are applied first.
    if (uuid !== undefined) await this.#writes.get(uuid);
    const entry = uuid === undefined ? undefined : await this.#read(uuid);
    return entry && entry.call.accountSid === accountSidOf(accountSid) && !this.#tooOld(entry.call) ? entry.call
      : undefined;
  }

  async list(accountSid: string, filter: CallListFilter, page: number, pageSize: number): Promise<CallPage> {
    const account = accountSidOf(accountSid);
    if (account === undefined) return { calls: [], more: false };
    const index = this.#redis.key('calls', account);
    await Promise.all(this.#writes.values());
    const uuids = await this.#redis.run('list calls', (client) => client.zRange(index, 0, -1));
    const entries = await Promise.all(uuids.map((uuid) => this.#read(uuid)));
    const gone = uuids.filter((_, i) => entries[i] === undefined);
    if (gone.length > 0) {
      // Calls of a server that died, or history expired: dropped from the index, best effort.
      this.#redis.run('drop gone calls', (client) => client.zRem(index, gone)).catch(() => undefined);
    }
    const live = entries.filter((e): e is Entry => e !== undefined && !this.#tooOld(e.call));
    live.sort((a, b) => a.seq - b.seq);
    return pageOfCalls(live.map((e) => e.call), account, filter, page, pageSize);
  }

  /** The id of the server that runs (or ran) the call; undefined when the call is not recorded. */
  async ownerOf(callSid: string): Promise<string | undefined> {
    const uuid = callUuidOf(callSid);
    return uuid === undefined ? undefined : (await this.#read(uuid))?.owner;
  }

  /** Renews the leases of this server's live calls, writing back those Redis lost. */
  async renew(): Promise<void> {
    await Promise.all([...this.#own].map(([uuid]) => this.#inOrder(uuid, async () => {
      const call = this.#own.get(uuid);
      if (call) await this.#store(uuid, call);
    })));
  }

  /** Stops renewing (the server stops). */
  close(): void {
    this.#stopRenewing();
  }

  async #store(uuid: string, call: CallResource): Promise<CallResource> {
    const ended = isEndedStatus(call.status);
    const { prefix, leaseMs, serverId } = this.#redis;
    const keys = [this.#redis.key('call', uuid), this.#redis.key('calls', call.accountSid),
      this.#redis.key('calls-ended'), this.#redis.key('calls-seq')];
    const args = [uuid, callToJson(call), call.accountSid, serverId, call.dateCreated.getTime(), ended ? 1 : 0,
      this.#now(), leaseMs, this.#bounds.maxAgeMs, this.#bounds.maxCalls, prefix];
    if (ended) this.#own.delete(uuid);
    else this.#own.set(uuid, call);
    await this.#redis.run('store call', (client) => STORE.run(client, keys, args));
    return call;
  }

  async #read(uuid: string): Promise<Entry | undefined> {
    const [data, seq, owner] = await this.#redis.run('read call',
      (client) => client.hmGet(this.#redis.key('call', uuid), ['data', 'seq', 'owner']));
    if (data === null || data === undefined) return undefined;
    return { call: callFromWire(JSON.parse(data)), seq: Number(seq ?? 0), owner: owner ?? '' };
  }

  /**
   * An ended call past `maxAgeMs` that Redis has not dropped yet; it ended when it was last updated (by the clock
   * of the server that wrote its end).
   */
  #tooOld(call: CallResource): boolean {
    return isEndedStatus(call.status) && call.dateUpdated.getTime() <= this.#now() - this.#bounds.maxAgeMs;
  }

  /** Runs `write` after the writes of the same call made before it. */
  #inOrder<T>(uuid: string, write: () => Promise<T>): Promise<T> {
    const before = this.#writes.get(uuid) ?? Promise.resolve();
    const next = before.then(write, write);
    const settled = next.catch(() => undefined);
    this.#writes.set(uuid, settled);
    void settled.then(() => {
      if (this.#writes.get(uuid) === settled) this.#writes.delete(uuid);
    });
    return next;
  }
}
