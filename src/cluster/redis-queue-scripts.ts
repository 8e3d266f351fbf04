/**
 * The Lua scripts of the cluster's shared queues (redis-queue-store.ts), one per step, each atomic. The keys of a
 * queue are described there.
 */
import { RedisScript } from './redis-connection.js';

/**
 * What every queue script starts with. KEYS[1..4]: the order, the leases, the entries' calls, the taken calls.
 * Sets `now` (ms) and `nowUs` from Redis's clock, and drops the entries whose lease has ended and old taken marks.
 */
const PRELUDE = `
local t = redis.call('TIME')
local nowUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
local now = math.floor(nowUs / 1000)
local function remove(members)
  for i = 1, #members, 100 do
    local chunk = {unpack(members, i, math.min(i + 99, #members))}
    redis.call('ZREM', KEYS[1], unpack(chunk))
    redis.call('ZREM', KEYS[2], unpack(chunk))
    redis.call('HDEL', KEYS[3], unpack(chunk))
  end
end
local function keep(ms)
  for i = 1, 4 do
    if redis.call('PTTL', KEYS[i]) < ms then redis.call('PEXPIRE', KEYS[i], ms) end
  end
end
remove(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now))
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
`;

/**
 * KEYS: order, leases, calls, taken, known. ARGV: CallSid, the call (JSON), maxSize, lease ms, arrival channel,
 * known ms. Returns the entry's score, or nil when the queue is full.
 */
export const ENQUEUE = new RedisScript(`${PRELUDE}
local lease = tonumber(ARGV[4])
redis.call('SET', KEYS[5], '1', 'PX', ARGV[6])
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return false end
  score = string.format('%.0f', nowUs)
  redis.call('ZADD', KEYS[1], score, ARGV[1])
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
end
redis.call('ZADD', KEYS[2], now + lease, ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
keep(2 * lease)
redis.call('PUBLISH', ARGV[5], ARGV[1])
return score
`);

/**
 * KEYS: order, leases, calls, taken. ARGV: '1' to take only calls on node ARGV[2], lease ms.
 * Takes the first call in line (on that node): returns CallSid, the call (JSON), or nil when there is none.
 */
export const TAKE = new RedisScript(`${PRELUDE}
local lease = tonumber(ARGV[3])
local start = 0
while true do
  local batch = redis.call('ZRANGE', KEYS[1], start, start + 99)
  if #batch == 0 then return false end
  for _, sid in ipairs(batch) do
    local info = redis.call('HGET', KEYS[3], sid)
    if not info then
      remove({sid})
      start = start - 1
    elseif ARGV[1] ~= '1' or cjson.decode(info).core == ARGV[2] then
      remove({sid})
      redis.call('ZADD', KEYS[4], now + 2 * lease, sid)
      keep(2 * lease)
      return {sid, info}
    end
  end
  start = start + 100
end
`);

/** KEYS: order, leases, calls. ARGV: CallSid. Returns 1 when it was waiting. */
export const REMOVE = new RedisScript(`
local n = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return n
`);

/** KEYS: order, leases, calls, taken. ARGV: CallSid. Returns position (1-based), size, average wait ms; or nil. */
export const STANDING = new RedisScript(`${PRELUDE}
local rank = redis.call('ZRANK', KEYS[1], ARGV[1])
if not rank then return false end
local all = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local waited = 0
for i = 2, #all, 2 do waited = waited + (nowUs - tonumber(all[i])) / 1000 end
local size = #all / 2
return {rank + 1, size, math.floor(waited / size)}
`);

/**
 * KEYS: order, leases, calls, taken, known. ARGV: lease ms, known ms, then CallSid, score, call (JSON) of each of this
 * server's waiting calls: leases renewed, and entries Redis lost put back in their places (not those taken lately).
 */
export const RENEW = new RedisScript(`${PRELUDE}
local lease = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[5]) < lease then redis.call('SET', KEYS[5], '1', 'PX', ARGV[2]) end
for i = 3, #ARGV, 3 do
  local sid = ARGV[i]
  if redis.call('ZSCORE', KEYS[1], sid) then
    redis.call('ZADD', KEYS[2], now + lease, sid)
  elseif not redis.call('ZSCORE', KEYS[4], sid) then
    redis.call('ZADD', KEYS[1], ARGV[i + 1], sid)
    redis.call('HSET', KEYS[3], sid, ARGV[i + 2])
    redis.call('ZADD', KEYS[2], now + lease, sid)
  end
end
keep(2 * lease)
return 1
`);
