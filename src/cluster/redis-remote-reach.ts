/**
 * RemoteReach over Redis and FreeSWITCH legs (see call/rooms/remote-reach.ts for the contract):
 *
 * - a place is this server's id and the `Core-UUID` of the call's node; the server directory (server-directory.ts)
 *   says, per server, its leg socket and the switchname of each node it runs calls of;
 * - `run` writes the job in Redis under a new token (leg-jobs.ts), then bridges the call (leg-bridge.ts) to
 *   `loopback/pivot-leg-<token>/<cluster.legs.context>` when the place is on the call's own node, else to
 *   `sofia/<cluster.legs.sipProfile>/pivot-leg-<token>@<sipAddress>`, the node's address in `cluster.nodes` (by
 *   its switchname). The leg carries the socket of the server at the place in `sip_h_X-Pivot-Leg-Socket` (an X-
 *   header over SIP, a variable of the `-b` side over loopback), which the node's pivot-cluster extension hands it
 *   to (conf/freeswitch/pivot-cluster.xml);
 * - the server at the place recognises the leg by its destination (`pivot-leg-` and 32 hex digits), takes the job
 *   (once), runs it (call/rooms/leg-arrival.ts) and writes the reply, which the sender reads when its bridge ends.
 *
 * Every failure before or during the leg gives a failed outcome with a coded log line and never a wait longer than
 * a Redis command or the leg's ring time.
 */
import type { Logger } from 'pino';
import {
  bridgeLeg, type ArrivedLeg, type CallContext, type ClusterPlace, type LegArrivals, type LegHandler, type LegResult,
  type LegSender, type LegTarget, type RemoteReach,
} from '../call/index.js';
import type { ClusterNodeConfig } from '../config/index.js';
import { AppError, CallEndedError, toAppError } from '../errors.js';
import type { ChannelData } from '../esl/index.js';
import { logCode } from '../log-code.js';
import { LegJobs, newLegToken } from './leg-jobs.js';
import type { RedisConnection } from './redis-connection.js';
import { ServerDirectory } from './server-directory.js';

/** The destination of every leg: its token. */
export const LEG_DESTINATION = /^pivot-leg-([0-9a-f]{32})$/;
/** The variable (an X- header over SIP) that names the socket of the server the leg is for. */
export const LEG_SOCKET_VARIABLE = 'sip_h_X-Pivot-Leg-Socket';
/** A socket address as the directory may give it (the dialplan extension checks it again). */
const SOCKET = /^[A-Za-z0-9.:_[\]-]+:[0-9]{1,5}$/;

/** `cluster.legs` and `cluster.nodes`. */
export interface LegSettings {
  readonly nodes: readonly ClusterNodeConfig[];
  readonly sipProfile: string;
  readonly context: string;
  readonly answerTimeoutSeconds: number;
  readonly jobTtlMs: number;
}

function coreUuidOf(data: ChannelData): string {
  return data.header('Core-UUID') ?? '';
}

/** What the leg's context needs of the sending call. */
function senderOf(ctx: CallContext): LegSender {
  const { source } = ctx;
  return {
    identity: ctx.identity,
    format: ctx.requests.format,
    source: { voiceUrl: source.voiceUrl.href, method: source.method,
      ...(source.fallbackUrl && { fallbackUrl: source.fallbackUrl.href }) },
    document: ctx.state.document.href,
  };
}

export class RedisRemoteReach implements RemoteReach, LegArrivals {
  readonly #redis: RedisConnection;
  readonly #settings: LegSettings;
  readonly #log: Logger;
  readonly #directory: ServerDirectory;
  readonly #jobs: LegJobs;
  readonly #handlers = new Map<string, LegHandler>();

  constructor(redis: RedisConnection, settings: LegSettings, log: Logger) {
    this.#redis = redis;
    this.#settings = settings;
    this.#log = log.child({ component: 'cluster-legs' });
    this.#directory = new ServerDirectory(redis, this.#log);
    this.#jobs = new LegJobs(redis, settings.jobTtlMs);
  }

  /** The server listens: legs for it are handed to `socket` (its entry in the directory, kept until `close`). */
  listening(socket: string): void {
    this.#directory.publish(socket.split('|')[0] ?? socket);
  }

  /** Leaves the directory: no leg is sent to this server any more. */
  async close(): Promise<void> {
    await this.#directory.close();
  }

  /** Handlers registered now (for tests). */
  get handlerCount(): number {
    return this.#handlers.size;
  }

  placeOf(ctx: CallContext): ClusterPlace {
    const coreUuid = this.#learn(ctx.channel.data);
    return { serverId: this.#redis.serverId, coreUuid };
  }

  sameNode(ctx: CallContext, place: ClusterPlace): boolean {
    return place.coreUuid !== '' && place.coreUuid === coreUuidOf(ctx.channel.data);
  }

  handle(kind: string, handler: LegHandler): () => void {
    this.#handlers.set(kind, handler);
    return () => {
      if (this.#handlers.get(kind) === handler) this.#handlers.delete(kind);
    };
  }

  async run(ctx: CallContext, place: ClusterPlace, kind: string, job: unknown): Promise<LegResult> {
    this.#learn(ctx.channel.data);
    const token = newLegToken();
    const log = ctx.log.child({ component: 'cluster-legs', kind, to: place.serverId });
    let target: LegTarget;
    try {
      target = await this.#targetOf(ctx, place, token);
      await this.#jobs.put(token, { kind, job, sender: senderOf(ctx), to: place.serverId });
    } catch (err) {
      const error = toAppError(err);
      logCode(log, error.code, { err: error.message }, 'the leg to another server was not sent; it failed');
      return { result: undefined, outcome: 'failed', error: error.code };
    }
    let report;
    try {
      report = await bridgeLeg(ctx, target, this.#settings.answerTimeoutSeconds);
    } catch (err) {
      await this.#jobs.drop(token);
      const error = toAppError(err);
      // The sending call ended before its bridge started: the leg is cancelled, not failed.
      if (err instanceof CallEndedError) return { result: undefined, outcome: 'canceled', error: error.code };
      logCode(log, error.code, { err: error.message }, 'the leg to another server could not be bridged; it failed');
      return { result: undefined, outcome: 'failed', error: error.code };
    }
    const reply = await this.#jobs.takeReply(token);
    if (report.outcome !== 'completed') {
      await this.#jobs.drop(token);
      logCode(log, 'ERR_CLUSTER_LEG_FAILED', { outcome: report.outcome, cause: report.cause, leg: report.legUuid,
        ...(reply?.error && { replied: reply.error }) }, 'the leg to another server did not reach it');
      return { result: undefined, outcome: report.outcome, error: reply?.error ?? 'ERR_CLUSTER_LEG_FAILED' };
    }
    log.info({ leg: report.legUuid, cause: report.cause, ...(reply?.error && { error: reply.error }) },
      'the leg to another server is over');
    return { result: reply?.result, outcome: 'completed', ...(reply?.error && { error: reply.error }) };
  }

  isLeg(data: ChannelData): boolean {
    this.#learn(data);
    return LEG_DESTINATION.test(data.destinationNumber);
  }

  async take(data: ChannelData): Promise<ArrivedLeg> {
    this.#learn(data);
    const token = LEG_DESTINATION.exec(data.destinationNumber)?.[1];
    if (token === undefined) throw new AppError('ERR_CLUSTER_LEG_UNKNOWN', 'not a leg');
    const record = await this.#jobs.take(token);
    if (record.to !== this.#redis.serverId) {
      throw new AppError('ERR_CLUSTER_LEG_UNKNOWN', `the leg is for the server ${record.to}`);
    }
    return {
      kind: record.kind,
      job: record.job,
      sender: record.sender,
      handler: this.#handlers.get(record.kind),
      reply: (outcome) => this.#jobs.putReply(token, outcome).catch((err: unknown) =>
        logCode(this.#log, toAppError(err).code, { err: toAppError(err).message },
          'what a leg\'s job did could not be sent back; its sender sees no result')),
    };
  }

  /** Where the leg for `place` goes. */
  async #targetOf(ctx: CallContext, place: ClusterPlace, token: string): Promise<LegTarget> {
    const entry = await this.#directory.find(place.serverId);
    if (entry === undefined) throw new AppError('ERR_CLUSTER_PEER_GONE', `the server ${place.serverId} is not in the directory`);
    if (!SOCKET.test(entry.socket)) throw new AppError('ERR_CLUSTER_MESSAGE_INVALID', 'the directory gives no usable socket');
    const vars = [[LEG_SOCKET_VARIABLE, entry.socket]] as const;
    const destination = `pivot-leg-${token}`;
    if (this.sameNode(ctx, place)) return { endpoint: `loopback/${destination}/${this.#settings.context}`, vars };
    const name = entry.nodes[place.coreUuid];
    const node = name === undefined ? undefined : this.#settings.nodes.find((n) => n.name === name);
    if (node === undefined) {
      throw new AppError('ERR_CLUSTER_NODE_UNKNOWN', name === undefined
        ? `the server ${place.serverId} has not said which node ${place.coreUuid} is` : `no sipAddress for the node ${name}`);
    }
    return { endpoint: `sofia/${this.#settings.sipProfile}/${destination}@${node.sipAddress}`, vars };
  }

  /** Records the node of a call this server runs; its Core-UUID. */
  #learn(data: ChannelData): string {
    const coreUuid = coreUuidOf(data);
    this.#directory.learn(coreUuid, data.header('FreeSWITCH-Switchname') ?? '');
    return coreUuid;
  }
}
