/**
 * The jobs of legs between servers, in Redis under the leg's token: the sending server writes the job
 * (`leg:<token>`) before it bridges the leg, the server the leg reaches takes it once (GETDEL) and writes what the
 * job did (`leg:<token>:result`), which the sender takes once its bridge is over. Both entries expire after
 * `cluster.legs.jobTtlMs`, so nothing outlives a leg that never arrived or a sender that never read.
 */
import { randomBytes } from 'node:crypto';
import { AppError, type ErrorCode, isErrorCode } from '../errors.js';
import type { LegSender } from '../call/index.js';
import type { RedisConnection } from './redis-connection.js';

/** A leg's job as it waits in Redis. */
export interface LegJobRecord {
  readonly kind: string;
  readonly job: unknown;
  readonly sender: LegSender;
  /** The server the leg is meant for: another server that takes the token refuses it. */
  readonly to: string;
}

/** What the job did, sent back to the sender. */
export interface LegReply {
  readonly result?: unknown;
  readonly error?: ErrorCode;
}

/** A new token: 32 hex digits, all a leg carries. */
export function newLegToken(): string {
  return randomBytes(16).toString('hex');
}

function parse(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isJob(value: unknown): value is LegJobRecord {
  const v = value as Partial<LegJobRecord> | undefined;
  return typeof v === 'object' && v !== null && typeof v.kind === 'string' && typeof v.to === 'string'
    && typeof v.sender?.identity?.callSid === 'string' && typeof v.sender.source?.voiceUrl === 'string'
    && typeof v.sender.document === 'string';
}

export class LegJobs {
  readonly #redis: RedisConnection;
  readonly #ttlMs: number;

  constructor(redis: RedisConnection, ttlMs: number) {
    this.#redis = redis;
    this.#ttlMs = ttlMs;
  }

  /** Writes the job of `token`. Rejects when Redis fails. */
  async put(token: string, job: LegJobRecord): Promise<void> {
    await this.#redis.run('leg job set', (client) => client.set(this.#key(token), JSON.stringify(job), { PX: this.#ttlMs }));
  }

  /**
   * Takes the job of `token` (once).
   * @throws AppError ERR_CLUSTER_LEG_UNKNOWN when there is none (expired, taken, never made), or a Redis error.
   */
  async take(token: string): Promise<LegJobRecord> {
    const job = parse(await this.#redis.run('leg job take', (client) => client.getDel(this.#key(token))));
    if (!isJob(job)) throw new AppError('ERR_CLUSTER_LEG_UNKNOWN', 'no job waits for this leg');
    return job;
  }

  /** Removes the job of a leg that did not arrive (best effort: it expires anyway). */
  async drop(token: string): Promise<void> {
    await this.#redis.run('leg job delete', (client) => client.del(this.#key(token))).catch(() => undefined);
  }

  /** Writes what the job of `token` did. Rejects when Redis fails. */
  async putReply(token: string, reply: LegReply): Promise<void> {
    await this.#redis.run('leg reply set', (client) =>
      client.set(this.#key(token, 'result'), JSON.stringify(reply), { PX: this.#ttlMs }));
  }

  /** Takes what the job of `token` did; undefined when nothing was written (or Redis fails). */
  async takeReply(token: string): Promise<LegReply | undefined> {
    const value = parse(await this.#redis.run('leg reply take', (client) => client.getDel(this.#key(token, 'result')))
      .catch(() => null)) as { result?: unknown; error?: unknown } | undefined;
    if (typeof value !== 'object' || value === null) return undefined;
    return { ...('result' in value && { result: value.result }), ...(isErrorCode(value.error) && { error: value.error }) };
  }

  #key(token: string, ...more: string[]): string {
    return this.#redis.key('leg', token, ...more);
  }
}
