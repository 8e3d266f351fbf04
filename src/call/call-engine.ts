/**
 * The TwiML engine as the Event Socket server's call handler: built once (configuration compiled, one webhook
 * client and recording store shared by every call), it turns each channel into a call context and runs it.
 */
import type { Config } from '../config/index.js';
import { CallEndedError, toAppError } from '../errors.js';
import type { Logger } from 'pino';
import type { CallHandler, EslChannel } from '../esl/index.js';
import {
  type AddressChecker,
  type CallWebhook,
  createAddressChecker,
  type DebugLog,
  withDebugSink,
  type WebhookClient,
} from '../webhook/index.js';
import { hangupChannel } from './call-actions.js';
import type { CallContext } from './call-context.js';
import { callLogIds, describeCall, type CallIdentity } from './call-description.js';
import type { EndpointResolver } from './dial/endpoint-resolver.js';
import { AccountLimiter } from './account-limiter.js';
import { requestFormatOf, resolveCallSource, type CallSource } from './call-source.js';
import { openDebugLog } from './debug-log.js';
import { authTokenFor, compileSettings, type EngineSettings } from './engine-settings.js';
import { HttpPutRecordingStore, type RecordingStore } from './recording/recording-store.js';
import type { Observer } from '../metrics/observer.js';
import { createRoomServices, type RoomServices } from './rooms/room-services.js';
import { runCall } from './run-call.js';
import { CallTimes } from './status/call-times.js';
import { StatusReporter } from './status/status-reporter.js';
import { statusTargetOf } from './status/status-target.js';
import { classifyConnection } from './whisper/leg-connection.js';
import { runWhisperLeg } from './whisper/whisper-leg.js';
import { WhisperRegistry } from './whisper/whisper-registry.js';
import { VERBS } from './verbs/index.js';
import { logCode } from '../log-code.js';
import { CallHandle, LiveCalls } from './live-calls.js';
import type { CreatedCall, CreatedCalls } from './created-calls.js';
import { startCreatedCall } from './created-call-start.js';
import { type CallEnding, finalCallStatus } from './status/final-status.js';
import { noop } from '../util/abort.js';
import { settleAll } from '../util/settle-all.js';
import type { CallLifecycleObserver } from './call-lifecycle.js';
import { reportLifecycle } from './status/lifecycle-report.js';

/** What the engine is built from. */
export interface CallEngineDeps {
  readonly config: Readonly<Config>;
  /** The webhook client shared by every call (see {@link createWebhookClient}). */
  readonly webhook: WebhookClient;
  /** Where recordings go; default: HTTP PUT through `webhook`. */
  readonly recordings?: RecordingStore;
  /** Scale of the engine's own timers (Gather timeouts); 1 unless FreeSWITCH time is simulated faster. */
  readonly timeScale?: number;
  /** Where verb timings are reported (metrics). */
  readonly observer?: Observer;
  /** Conference rooms and queues; default: in-process ones for this handler. */
  readonly rooms?: RoomServices;
  /**
   * The counts of calls per account; default: a new one. A server that rebuilds its handler (a reload) passes the
   * same one each time, so that calls in progress stay counted; the handler being built sets its limits.
   */
  readonly limiter?: AccountLimiter;
  /**
   * Where the calls running their script are registered, so that they can be interrupted from outside (the Calls
   * API); default: a registry of this handler's own. Every call is registered: an interruption point costs a
   * document nothing per command (see live-calls.ts).
   */
  readonly calls?: LiveCalls;
  /** Told when each call starts, is answered and ends (the registry of calls behind the Calls API); default: nobody. */
  readonly lifecycle?: CallLifecycleObserver;
  /** Whispers of dialled legs; default: an in-process registry for this handler (a server that rebuilds its handler passes the same one). */
  readonly whispers?: WhisperRegistry;
  /**
   * The server's address check, the one its webhook dispatcher connects through (see {@link createAddressChecker});
   * the engine asks it about the media URLs FreeSWITCH fetches. Default: one from `config` with the system resolver.
   */
  readonly addresses?: AddressChecker;
  /**
   * Aborts when the server has stopped: status callbacks still waiting to be retried then give up, so that no timer
   * outlives the server. Default: never.
   */
  readonly shutdown?: AbortSignal;
  /** Where `<User>` and `<Device>` ids ring; default: the configured templates (call.dial.userTemplate, deviceTemplate). */
  readonly endpointResolver?: EndpointResolver;
  /** Calls created through the API: a channel found there runs as it was created; default: none. */
  readonly created?: CreatedCalls;
}

/** What every call of one engine shares: its settings and the parts built once. */
interface Engine {
  readonly settings: EngineSettings;
  readonly webhook: WebhookClient;
  readonly recordings: RecordingStore;
  readonly limiter: AccountLimiter;
  readonly rooms: RoomServices;
  readonly whispers: WhisperRegistry;
  readonly addresses: AddressChecker;
  readonly observer: Observer | undefined;
  readonly shutdown: AbortSignal | undefined;
  readonly calls: LiveCalls;
  readonly created: CreatedCalls | undefined;
  readonly lifecycle: CallLifecycleObserver | undefined;
}

/**
 * Builds the call handler. Per call it takes a slot of the call's account (a call over the account's limit is
 * refused unanswered), reads the script's source from the channel (or configuration), refuses the call unanswered
 * when there is no usable voice URL, and otherwise runs it. Status callbacks follow the call on every path, and
 * the call ends only once they (and its debug log) are done. A channel that is the callee leg of a `<Dial>` with
 * a whisper runs that whisper instead.
 * @example
 * const handler = createCallHandler({ config, webhook: createWebhookClient(config, createWebhookDispatcher()) });
 */
export function createCallHandler(deps: CallEngineDeps): CallHandler {
  const engine = buildEngine(deps);
  return async (channel) => {
    const connection = classifyConnection(channel.data, engine.whispers);
    if (connection.kind === 'call') await runInboundCall(channel, engine, engine.created?.claim(channel.uuid));
    else {
      await runWhisperLeg(channel, { settings: engine.settings, webhook: engine.webhook, recordings: engine.recordings,
        rooms: engine.rooms, whispers: engine.whispers, addresses: engine.addresses, verbs: VERBS,
        ...(engine.observer ? { observer: engine.observer } : {}) }, connection);
    }
  };
}

/** The configuration compiled once, and the shared parts `deps` does not give built with their defaults. */
function buildEngine(deps: CallEngineDeps): Engine {
  const compiled = compileSettings(deps.config, deps.timeScale ?? 1);
  const settings: EngineSettings = deps.endpointResolver
    ? { ...compiled, dial: { ...compiled.dial, resolver: deps.endpointResolver } } : compiled;
  const limiter = deps.limiter ?? new AccountLimiter(settings.limits);
  limiter.configure(settings.limits);
  return {
    settings,
    webhook: deps.webhook,
    recordings: deps.recordings ?? new HttpPutRecordingStore(deps.webhook, settings.record.uploadTimeoutMs, settings.authToken),
    limiter,
    rooms: deps.rooms ?? createRoomServices(),
    whispers: deps.whispers ?? new WhisperRegistry(),
    addresses: deps.addresses ?? createAddressChecker(deps.config),
    observer: deps.observer,
    shutdown: deps.shutdown,
    calls: deps.calls ?? new LiveCalls(),
    created: deps.created,
    lifecycle: deps.lifecycle,
  };
}

/** One call as its own account sees it: its ids, its settings (the account's token), its log and webhook. */
interface OpenedCall {
  readonly identity: CallIdentity;
  readonly settings: EngineSettings;
  readonly log: Logger;
  readonly webhook: CallWebhook;
  readonly debugLog: DebugLog | undefined;
  /** The callbacks sent while the call goes on; the call ends once they have. */
  readonly callbacks: Promise<unknown>[];
}

/**
 * Runs a call handed over by FreeSWITCH: the account's slot, the script's source, then the script, with its
 * status callbacks on every path. A call created through the API (`created`) holds its slot already and brings its
 * description, source and status callbacks; its SendDigits are sent and its TimeLimit starts before the script.
 */
async function runInboundCall(channel: EslChannel, engine: Engine, created?: CreatedCall): Promise<void> {
  const call = openCall(channel, engine, created);
  const status = created ? carryStatus(channel, call, created) : followStatus(channel, call, engine);
  const life = engine.lifecycle && reportLifecycle(channel, call.identity, engine.lifecycle, call.settings.timeScale);
  const release = created ? noop : engine.limiter.acquire(call.identity.accountSid);
  let ctx: CallContext | undefined;
  let limit: (() => void) | undefined;
  try {
    if (!release) {
      await refuseOverLimit(channel, call, engine.limiter);
      return;
    }
    const source = created ? created.source : await sourceOrRefuse(channel, call);
    if (!source) return;
    ctx = callContext(channel, call, engine, source);
    if (created) limit = await startCreatedCall(ctx, created);
    const handle = new CallHandle(call.identity.callSid, channel);
    const unregister = engine.calls.add(handle);
    try {
      await runCall(ctx, handle);
    } finally {
      unregister();
    }
  } finally {
    limit?.();
    release?.();
    status?.completed(ctx);
    life?.ended(callEnding(channel, ctx));
    // Those that others started while they finished (a recording's status) included.
    await settleAll(call.callbacks);
    await call.debugLog?.flush();
  }
}

/** The call's ids, its account's token, its log bound to its ids, and its debug log when asked for. */
function openCall(channel: EslChannel, engine: Engine, created?: CreatedCall): OpenedCall {
  const shared = engine.settings;
  const identity = created?.identity ?? describeCall(channel.data, shared);
  const authToken = authTokenFor(shared, identity.accountSid);
  const settings: EngineSettings = authToken === shared.authToken ? shared : { ...shared, authToken };
  // The Event Socket layer may have bound the call's ids already (see server/compose.ts); bind them only once.
  const log = 'callSid' in channel.log.bindings() ? channel.log
    : channel.log.child(callLogIds(identity.callSid, identity.accountSid));
  const debugLog = openDebugLog(channel.data, settings, identity.callSid, log);
  const webhook: CallWebhook = debugLog ? withDebugSink(engine.webhook, (record) => debugLog.write(record)) : engine.webhook;
  return { identity, settings, log, webhook, debugLog, callbacks: created?.callbacks ?? [] };
}

/**
 * The status of a created call from the moment it reached the engine: its own reporter goes on (`answered`), and
 * its owner learns how it ended, with the call's duration (its `completed` callback).
 */
function carryStatus(channel: EslChannel, call: OpenedCall, created: CreatedCall): { completed(ctx: CallContext | undefined): void } {
  if (channel.answered) created.status?.answered();
  const stopWatchingAnswer = channel.on('answer', () => created.status?.answered());
  const times = new CallTimes(channel, call.settings.timeScale);
  return {
    completed: (ctx) => {
      stopWatchingAnswer();
      times.dispose();
      created.ended(finalCallStatus(callEnding(channel, ctx)), times.seconds());
    },
  };
}

/**
 * The status callbacks of a call, when it has a status callback URL: `initiated`/`ringing` now, `answered` when
 * the channel answers, and the final one, with the call's duration, from `completed`.
 */
function followStatus(channel: EslChannel, call: OpenedCall, engine: Engine):
  { completed(ctx: CallContext | undefined): void } | undefined {
  const { settings, log } = call;
  const target = statusTargetOf(channel.data, settings, log);
  if (!target) return undefined;
  const status = new StatusReporter({
    target, webhook: call.webhook, identity: call.identity, authToken: settings.authToken, log,
    format: requestFormatOf(channel.data, settings),
    settings: settings.statusCallback,
    track: (sent) => call.callbacks.push(sent),
    ...(engine.shutdown && { shutdown: engine.shutdown }),
  });
  status.started(channel.answered);
  const stopWatchingAnswer = channel.on('answer', () => status.answered());
  const times = new CallTimes(channel, settings.timeScale);
  return {
    completed: (ctx) => {
      stopWatchingAnswer();
      times.dispose();
      status.completed(callEnding(channel, ctx), times.seconds());
    },
  };
}

/** How the call ended, from its context (undefined: refused before its script). */
function callEnding(channel: EslChannel, ctx: CallContext | undefined): CallEnding {
  return {
    answered: ctx ? ctx.state.answered || channel.answered : channel.answered,
    failed: ctx ? ctx.state.failed : true,
    requestedCause: ctx?.state.hangupRequested,
    endReason: channel.signal.reason instanceof CallEndedError ? channel.signal.reason : undefined,
  };
}

/** A call over its account's limit of calls: refused unanswered. */
async function refuseOverLimit(channel: EslChannel, call: OpenedCall, limiter: AccountLimiter): Promise<void> {
  const { log, settings } = call;
  logCode(log, 'ERR_CALL_ACCOUNT_LIMIT', { limit: limiter.limitOf(call.identity.accountSid),
    cause: settings.limits.rejectCause }, 'call refused unanswered: the account is at its limit of calls');
  await hangupChannel(channel, log, settings.limits.rejectCause);
}

/** The script's source of the call; a call without a usable one is refused unanswered (undefined). */
async function sourceOrRefuse(channel: EslChannel, call: OpenedCall): Promise<CallSource | undefined> {
  const { log, settings } = call;
  try {
    return resolveCallSource(channel.data, settings, log);
  } catch (err) {
    const error = toAppError(err);
    log.error({ code: error.code, err: error.message, cause: settings.rejectCause }, 'call refused unanswered');
    await hangupChannel(channel, log, settings.rejectCause);
    return undefined;
  }
}

/** The context every verb of the call is handed, with the call's state at its start. */
function callContext(channel: EslChannel, call: OpenedCall, engine: Engine, source: CallSource): CallContext {
  const { log, settings, webhook, identity, callbacks } = call;
  const { recordings, rooms, whispers, addresses, observer } = engine;
  return {
    channel, log, settings, webhook, recordings, source, identity, rooms, whispers, addresses, verbs: VERBS,
    signal: channel.signal,
    ...(observer ? { observer } : {}),
    state: {
      document: source.voiceUrl,
      answered: channel.answered,
      requests: 0,
      recordings: 0,
      terminators: undefined,
      variables: new Map(),
      fallbackUsed: false,
      callbacks,
      failed: false,
      hangupRequested: undefined,
    },
  };
}
