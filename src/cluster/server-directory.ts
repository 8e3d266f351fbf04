/**
 * The servers of the cluster as legs reach them: each server keeps one entry in Redis, `server:<serverId>`, with a
 * lease (renewed with the others, see redis-connection.ts; a server that dies leaves the directory when its lease
 * ends, one that stops removes its entry at once):
 * - `socket`: its outbound Event Socket as its FreeSWITCH node reaches it (`cluster.legs.socket`), where the node's
 *   pivot-cluster extension hands the legs meant for it;
 * - `nodes`: the FreeSWITCH nodes it has taken calls from, by `Core-UUID` (a new one at each start of the switch),
 *   each with its switchname (`FreeSWITCH-Switchname`), the name `cluster.nodes` lists the node's SIP address by.
 *
 * A server learns its node from the calls it runs: a place (remote-reach.ts) is always made from one of them, so
 * the node of every place is in its server's entry by the time another server reads it.
 */
import type { Logger } from 'pino';
import type { RedisConnection } from './redis-connection.js';

/** One server's entry. */
export interface ServerEntry {
  readonly socket: string;
  /** Switchname by Core-UUID. */
  readonly nodes: Readonly<Record<string, string>>;
}

function parseEntry(text: string | null): ServerEntry | undefined {
  if (text === null) return undefined;
  try {
    const value = JSON.parse(text) as Partial<ServerEntry> | null;
    if (typeof value?.socket !== 'string' || typeof value.nodes !== 'object' || value.nodes === null) return undefined;
    return { socket: value.socket, nodes: value.nodes };
  } catch {
    return undefined;
  }
}

export class ServerDirectory {
  readonly #redis: RedisConnection;
  readonly #log: Logger;
  readonly #nodes: Record<string, string> = {};
  #socket: string | undefined;
  #stopRenewing: (() => void) | undefined;

  constructor(redis: RedisConnection, log: Logger) {
    this.#redis = redis;
    this.#log = log;
  }

  /** Publishes this server's entry with `socket`, and keeps it while the server runs. */
  publish(socket: string): void {
    this.#socket = socket;
    this.#stopRenewing ??= this.#redis.keepLeases(() => this.#write());
    void this.#write().catch(() => undefined);
  }

  /** Records that this server runs calls of the node `coreUuid`, named `switchname`; written at once when new. */
  learn(coreUuid: string, switchname: string): void {
    if (coreUuid === '' || this.#nodes[coreUuid] === switchname) return;
    this.#nodes[coreUuid] = switchname;
    if (this.#socket !== undefined) void this.#write().catch(() => undefined);
  }

  /** The entry of `serverId`; undefined when it has none (stopped, or its lease ended). Rejects when Redis fails. */
  async find(serverId: string): Promise<ServerEntry | undefined> {
    return parseEntry(await this.#redis.run('server directory get', (client) => client.get(this.#key(serverId))));
  }

  /** Removes this server's entry (best effort: without Redis, it ends with its lease). */
  async close(): Promise<void> {
    this.#stopRenewing?.();
    this.#stopRenewing = undefined;
    if (this.#socket === undefined) return;
    this.#socket = undefined;
    await this.#redis.run('server directory delete', (client) => client.del(this.#key(this.#redis.serverId)))
      .catch((err: unknown) => this.#log.debug({ err }, 'the server directory entry is left to its lease'));
  }

  async #write(): Promise<void> {
    const socket = this.#socket;
    if (socket === undefined) return;
    const entry: ServerEntry = { socket, nodes: { ...this.#nodes } };
    await this.#redis.run('server directory set', (client) =>
      client.set(this.#key(this.#redis.serverId), JSON.stringify(entry), { PX: this.#redis.leaseMs }));
  }

  #key(serverId: string): string {
    return this.#redis.key('server', serverId);
  }
}
