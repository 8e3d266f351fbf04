import type { Dispatcher } from 'undici';
import {
  AccountLimiter, createCallHandler, createRoomServices, type EndpointResolver, type QueueStore, type RecordingStore,
  type RoomServices, webhookClientOptions, WhisperRegistry,
} from '../call/index.js';
import type { Config } from '../config/index.js';
import type { AddressChecker } from '../webhook/index.js';
import type { CallHandler } from '../esl/index.js';
import { observeRecordings, observeWebhook, type Observer } from '../metrics/index.js';

/** A call handler whose settings can be replaced while calls run. */
export interface ReloadableHandler {
  /** What the server runs for each call: the engine built from the configuration in force when the call came in. */
  readonly handler: CallHandler;
  /** Rebuilds the engine from `config`; calls in progress keep the settings they started with. */
  reload(config: Readonly<Config>): void;
  /** The conference rooms and queues every engine shares. */
  readonly rooms: RoomServices;
}

/**
 * What lives as long as the server, not a configuration: its address check of customer URLs (built once, with the
 * dispatcher; a reload does not change the deny list), the signal of its shutdown, and the stores a program
 * embedding the server may give it in place of the built-in ones.
 */
export interface ServerLifetime {
  readonly addresses?: AddressChecker;
  readonly shutdown?: AbortSignal;
  /** The queues of `<Enqueue>` (default: in-process, for this server alone). */
  readonly queueStore?: QueueStore;
  /** Where `<User>` and `<Device>` ids ring (default: the configured templates). */
  readonly endpointResolver?: EndpointResolver;
}

/**
 * The TwiML engine behind one indirection, so that SIGHUP can change what the `call.*` and `webhook.*` keys set
 * (voice routes, TTS voices, time limits, the signing token...) without touching a call in progress. What outlives
 * a reload is built once: the recording store (`recordings`, the server's delivery queue), the conference rooms and
 * queues, the whispers of legs being dialled, the per-account call counts, and `lifetime`. The webhook client and
 * the recording store report to `observer`.
 */
export function createReloadableHandler(config: Readonly<Config>, dispatcher: Dispatcher, observer: Observer,
  recordings: RecordingStore, lifetime: ServerLifetime = {}): ReloadableHandler {
  const { queueStore, endpointResolver, ...shared } = lifetime;
  const rooms = createRoomServices(queueStore);
  const limiter = new AccountLimiter({ maxCallsPerAccount: 0, accounts: new Map() });
  const whispers = new WhisperRegistry();
  const store = observeRecordings(recordings, observer);
  const build = (c: Readonly<Config>): CallHandler => {
    const webhook = observeWebhook(webhookClientOptions(c, dispatcher), observer);
    return createCallHandler({ config: c, webhook, recordings: store, observer, rooms, limiter, whispers, ...shared,
      ...(endpointResolver && { endpointResolver }) });
  };
  let current = build(config);
  return {
    handler: (channel) => current(channel),
    reload: (next) => { current = build(next); },
    rooms,
  };
}
