/**
 * The directory of `<Conference>` rooms in Redis (the contract: call/rooms/room-directory.ts).
 *
 * One string per room, `<prefix>conference:<room>` (the room name is `<account>-<name>`, escaped one-to-one, so the
 * key is per account), holding the JSON place `{"serverId":...,"coreUuid":...}` of the server that hosts it, with a
 * lease of `cluster.redis.leaseMs`. Claiming is one Lua script, atomic: the entry of another server is answered as
 * it is; none (or this server's own, left behind) is set to this place. This server counts its holds of each room
 * (its members, joined or joining, and the members of other servers that joined through it), renews the leases of
 * the rooms it holds every third of a lease (putting back an entry Redis lost, unless another server took the room
 * meanwhile), and removes an entry when its last hold goes, only if the entry is still its own. A server that dies
 * stops renewing: its entries end with their leases.
 */
import type { ClusterPlace } from '../call/rooms/remote-reach.js';
import type { RoomDirectory } from '../call/rooms/room-directory.js';
import { AppError } from '../errors.js';
import { type RedisConnection, RedisScript } from './redis-connection.js';

/** Reads the serverId of the JSON entry `v` (nil when it is not one). */
const HOLDER = `
local function holder(v)
  local ok, place = pcall(cjson.decode, v)
  if ok and type(place) == 'table' and type(place.serverId) == 'string' then return place.serverId end
  return nil
end
`;

/** KEYS[1] the room; ARGV: this place (JSON), lease ms, this serverId. Returns the place that holds the room. */
const CLAIM = new RedisScript(`${HOLDER}
local current = redis.call('GET', KEYS[1])
if current then
  local id = holder(current)
  if id ~= nil and id ~= ARGV[3] then return current end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
`);

/**
 * KEYS: the rooms this server holds; ARGV: lease ms, this serverId, then the place of each room. An entry of this
 * server gets a new lease; a missing one is put back; another server's is left alone. Returns how many were renewed.
 */
const RENEW = new RedisScript(`${HOLDER}
local renewed = 0
for i, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  if not current then
    redis.call('SET', key, ARGV[i + 2], 'PX', ARGV[1])
    renewed = renewed + 1
  elseif holder(current) == ARGV[2] then
    redis.call('PEXPIRE', key, ARGV[1])
    renewed = renewed + 1
  end
end
return renewed
`);

/** KEYS[1] the room; ARGV[1] this serverId. Removes the entry if it is this server's. */
const RELEASE = new RedisScript(`${HOLDER}
local current = redis.call('GET', KEYS[1])
if current and holder(current) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** A room this server holds: its entry, and how many holds it has. */
interface Held {
  readonly entry: string;
  holds: number;
}

/** Reads a directory entry. */
function placeOfEntry(entry: unknown): ClusterPlace {
  if (typeof entry === 'string') {
    try {
      const place: unknown = JSON.parse(entry);
      if (typeof place === 'object' && place !== null && 'serverId' in place && 'coreUuid' in place
        && typeof place.serverId === 'string' && typeof place.coreUuid === 'string') {
        return { serverId: place.serverId, coreUuid: place.coreUuid };
      }
    } catch {
      // Not JSON: reported below.
    }
  }
  throw new AppError('ERR_CLUSTER_MESSAGE_INVALID', 'a conference room entry in Redis is not a place');
}

export class RedisRoomDirectory implements RoomDirectory {
  readonly #redis: RedisConnection;
  readonly #held = new Map<string, Held>();
  readonly #stopRenewing: () => void;

  constructor(redis: RedisConnection) {
    this.#redis = redis;
    this.#stopRenewing = redis.keepLeases(() => this.renew());
  }

  async claim(room: string, place: ClusterPlace): Promise<ClusterPlace> {
    const held = this.#held.get(room);
    if (held) {
      held.holds += 1;
      return place;
    }
    const entry = JSON.stringify({ serverId: place.serverId, coreUuid: place.coreUuid });
    const answer = await this.#redis.run('claim conference room',
      (client) => CLAIM.run(client, [this.#key(room)], [entry, this.#redis.leaseMs, this.#redis.serverId]));
    const holder = placeOfEntry(answer);
    if (holder.serverId !== this.#redis.serverId) return holder;
    // Another claim of this server may have been answered meanwhile.
    this.#hold(room, entry);
    return place;
  }

  hold(room: string, place: ClusterPlace): void {
    this.#hold(room, JSON.stringify({ serverId: place.serverId, coreUuid: place.coreUuid }));
  }

  release(room: string): void {
    const held = this.#held.get(room);
    if (!held) return;
    held.holds -= 1;
    if (held.holds > 0) return;
    this.#held.delete(room);
    // Best effort: an entry Redis does not hear of ends with its lease.
    this.#redis.run('release conference room', (client) => RELEASE.run(client, [this.#key(room)], [this.#redis.serverId]))
      .catch(() => undefined);
  }

  /** How many holds this server has of `room` now (for tests and metrics). */
  holdsOf(room: string): number {
    return this.#held.get(room)?.holds ?? 0;
  }

  /** Renews the leases of the rooms this server holds (and puts back the entries Redis lost). */
  async renew(): Promise<void> {
    if (this.#held.size === 0) return;
    const rooms = [...this.#held];
    await this.#redis.run('renew conference rooms', (client) => RENEW.run(client,
      rooms.map(([room]) => this.#key(room)), [this.#redis.leaseMs, this.#redis.serverId, ...rooms.map(([, h]) => h.entry)]));
  }

  /** Stops renewing (the server stops; its entries then end with their leases). */
  close(): void {
    this.#stopRenewing();
  }

  #hold(room: string, entry: string): void {
    const held = this.#held.get(room);
    if (held) held.holds += 1;
    else this.#held.set(room, { entry, holds: 1 });
  }

  #key(room: string): string {
    return this.#redis.key('conference', room);
  }
}
