/**
 * The TwiML engine as the Event Socket server's call handler: built once (configuration compiled, one webhook
 * client and recording store shared by every call), it turns each channel into a call context and runs it.
 */
import type { Config } from '../config/index.js';
import { AppError, CallEndedError } from '../errors.js';
import type { Logger } from 'pino';
import type { CallHandler, EslChannel } from '../esl/index.js';
import {
  type AddressChecker,
  CallRequests,
  createAddressChecker,
  type DebugLog,
  type WebhookClient,
} from '../webhook/index.js';
import { hangupChannel } from './call-actions.js';
import type { CallContext } from './call-context.js';
import { callLog, callLogIds } from './call-description.js';
import { readCallSetup, type CallSetup } from './call-setup.js';
import type { CallSource } from './call-source.js';
import type { EndpointResolver } from './dial/endpoint-resolver.js';
import { AccountLimiter, type CallLimiter } from './account-limiter.js';
import { openDebugLog } from './debug-log.js';
import { authTokenFor, compileSettings, type EngineSettings } from './engine-settings.js';
import { HttpPutRecordingStore, type RecordingStore } from './recording/recording-store.js';
import type { Observer } from '../metrics/observer.js';
import { createRoomServices, type RoomServices } from './rooms/room-services.js';
import { runCall } from './run-call.js';
import { CallTimes } from './status/call-times.js';
import { StatusReporter } from './status/status-reporter.js';
import { classifyConnection } from './whisper/leg-connection.js';
import { runWhisperLeg } from './whisper/whisper-leg.js';
import { WhisperRegistry } from './whisper/whisper-registry.js';
import { VERBS, type VerbRegistry } from './verbs/index.js';
import { logCode } from '../log-code.js';
import { CallHandle, LiveCalls } from './live-calls.js';
import type { CreatedCall, CreatedCalls } from './created-calls.js';
import { startCreatedCall } from './created-call-start.js';
import { type CallEnding, finalCallStatus } from './status/final-status.js';
import { noop } from '../util/abort.js';
import type { CallLifecycleObserver } from './call-lifecycle.js';
import { reportLifecycle } from './status/lifecycle-report.js';
import { receiveLeg } from './rooms/leg-arrival.js';
import type { LegArrivals, LegSender } from './rooms/remote-reach.js';

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
  readonly limiter?: CallLimiter;
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
  /**
   * The setup of a call this server placed itself, which does not describe itself in channel variables (a call
   * placed through a REST API: its source URL, direction `outbound-api`, its status callback and events, its own
   * AccountSid); undefined for any other channel, whose setup is then read from its variables (call-setup.ts).
   * Default: every setup is read from the channel.
   */
  readonly setupOf?: (channel: EslChannel) => CallSetup | undefined;
  /**
   * Legs from other servers of the cluster (rooms/remote-reach.ts): a channel it recognises runs the job its token
   * names instead of a script (rooms/leg-arrival.ts); default: none, every channel is a call.
   */
  readonly legs?: LegArrivals;
  /** The handler of each verb; default: VERBS (a caller may wrap one to drive a feature from a document). */
  readonly verbs?: VerbRegistry;
}

/** What every call of one engine shares: its settings and the parts built once. */
interface Engine {
  readonly settings: EngineSettings;
  readonly webhook: WebhookClient;
  readonly recordings: RecordingStore;
  readonly limiter: CallLimiter;
  readonly rooms: RoomServices;
  readonly whispers: WhisperRegistry;
  readonly addresses: AddressChecker;
  readonly observer: Observer | undefined;
  readonly shutdown: AbortSignal | undefined;
  readonly calls: LiveCalls;
  readonly created: CreatedCalls | undefined;
  readonly lifecycle: CallLifecycleObserver | undefined;
  readonly setupOf: ((channel: EslChannel) => CallSetup | undefined) | undefined;
  readonly legs: LegArrivals | undefined;
  readonly verbs: VerbRegistry;
}

/**
 * Builds the call handler. Per call it takes the call's setup (`deps.setupOf`, else read from the channel once, see
 * call-setup.ts), opens the call's requests (call-requests.ts: its token, format and debug log), takes a slot of
 * the call's account (a call over the account's limit is refused unanswered), refuses the call unanswered
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
    if (connection.kind === 'call' && engine.legs?.isLeg(channel.data)) {
      await receiveLeg(channel, engine.legs, (sender) => legContext(channel, engine, sender));
    } else if (connection.kind === 'call') {
      const created = engine.created?.claim(channel.uuid);
      const setup = created?.setup ?? engine.setupOf?.(channel) ?? readCallSetup(channel.data, engine.settings, channel.log);
      await runInboundCall(channel, engine, setup, created);
    } else {
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
    recordings: deps.recordings ?? new HttpPutRecordingStore(settings.record.uploadTimeoutMs),
    limiter,
    rooms: deps.rooms ?? createRoomServices(),
    whispers: deps.whispers ?? new WhisperRegistry(),
    addresses: deps.addresses ?? createAddressChecker(deps.config),
    observer: deps.observer,
    shutdown: deps.shutdown,
    calls: deps.calls ?? new LiveCalls(),
    created: deps.created,
    lifecycle: deps.lifecycle,
    setupOf: deps.setupOf,
    legs: deps.legs,
    verbs: deps.verbs ?? VERBS,
  };
}

/** One call as its own account sees it: its setup, its log, its requests (its account's token) and debug log. */
interface OpenedCall {
  readonly setup: CallSetup;
  readonly log: Logger;
  readonly requests: CallRequests;
  readonly debugLog: DebugLog | undefined;
}

/**
 * Runs a call handed over by FreeSWITCH from its `setup`: the account's slot, the script's source, then the
 * script, with its status callbacks on every path. A call created through the API (`created`) holds its slot
 * already and brings its requests and status callbacks, which go on; its SendDigits are sent and its TimeLimit
 * starts before the script.
 */
async function runInboundCall(channel: EslChannel, engine: Engine, setup: CallSetup, created?: CreatedCall): Promise<void> {
  const call = openCall(channel, engine, setup, created);
  const status = created ? carryStatus(channel, engine, created) : followStatus(channel, call, engine);
  const life = engine.lifecycle && reportLifecycle(channel, setup.identity, engine.lifecycle, engine.settings.timeScale);
  const release = created ? noop : await engine.limiter.acquire(setup.identity.accountSid, setup.identity.callSid);
  let ctx: CallContext | undefined;
  let limit: (() => void) | undefined;
  try {
    if (!release) {
      await refuseOverLimit(channel, call, engine);
      return;
    }
    const source = await sourceOrRefuse(channel, call, engine.settings);
    if (!source) return;
    ctx = callContext(channel, call, engine, source);
    if (created) limit = await startCreatedCall(ctx, created);
    // Registered by its channel's uuid, which a created call's `CA` sid names too (sids.ts).
    const handle = new CallHandle(channel.uuid, channel);
    const unregister = engine.calls.add(handle);
    try {
      await runCall(ctx, handle);
    } finally {
      handle.end();
      unregister();
    }
  } finally {
    limit?.();
    release?.();
    status?.completed(ctx);
    life?.ended(callEnding(channel, ctx));
    await call.requests.settled();
    await call.debugLog?.flush();
  }
}

/** The call's log bound to its ids, its debug log when asked for, and its requests (signed with its account's token). */
function openCall(channel: EslChannel, engine: Engine, setup: CallSetup, created?: CreatedCall,
  log: Logger = callLog(channel.log, setup.identity)): OpenedCall {
  const { identity } = setup;
  // A created call's requests were opened when it was created: its callbacks so far are tracked there.
  if (created) return { setup, log, requests: created.requests, debugLog: undefined };
  const debugLog = openDebugLog(setup.debug, engine.settings, identity.callSid, log);
  const requests = new CallRequests({
    client: engine.webhook,
    authToken: authTokenFor(engine.settings, identity.accountSid),
    format: setup.format,
    accountSid: identity.accountSid,
    log,
    ...(debugLog && { debug: (record) => debugLog.write(record) }),
  });
  return { setup, log, requests, debugLog };
}

/**
 * The status of a created call from the moment it reached the engine: its own reporter goes on (`answered`), and
 * its owner learns how it ended, with the call's duration (its `completed` callback).
 */
function carryStatus(channel: EslChannel, engine: Engine, created: CreatedCall): { completed(ctx: CallContext | undefined): void } {
  if (channel.answered) created.status?.answered();
  const stopWatchingAnswer = channel.on('answer', () => created.status?.answered());
  const times = new CallTimes(channel, engine.settings.timeScale);
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
  const { setup, log } = call;
  const target = setup.statusTarget;
  if (!target) return undefined;
  const { settings } = engine;
  const status = new StatusReporter({
    target, requests: call.requests, identity: setup.identity, log,
    settings: settings.statusCallback,
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
async function refuseOverLimit(channel: EslChannel, call: OpenedCall, engine: Engine): Promise<void> {
  const { log } = call;
  const { settings, limiter } = engine;
  logCode(log, 'ERR_CALL_ACCOUNT_LIMIT', { limit: limiter.limitOf(call.setup.identity.accountSid),
    cause: settings.limits.rejectCause }, 'call refused unanswered: the account is at its limit of calls');
  await hangupChannel(channel, log, settings.limits.rejectCause);
}

/** The script's source of the call; a call without a usable one is refused unanswered (undefined). */
async function sourceOrRefuse(channel: EslChannel, call: OpenedCall, settings: EngineSettings):
Promise<CallSource | undefined> {
  const { log } = call;
  const { source } = call.setup;
  if (!(source instanceof AppError)) return source;
  log.error({ code: source.code, err: source.message, cause: settings.rejectCause }, 'call refused unanswered');
  await hangupChannel(channel, log, settings.rejectCause);
  return undefined;
}

/**
 * The context of a leg from another server, on behalf of the call that sent it: that call's ids (its requests are
 * signed with its account's token and named in its format), its script's URLs, no status callbacks of its own.
 */
function legContext(channel: EslChannel, engine: Engine, sender: LegSender): CallContext {
  const source: CallSource = {
    voiceUrl: new URL(sender.source.voiceUrl),
    method: sender.source.method,
    fallbackUrl: sender.source.fallbackUrl === undefined ? undefined : new URL(sender.source.fallbackUrl),
  };
  const setup: CallSetup = { identity: sender.identity, source, format: sender.format, statusTarget: undefined,
    debug: false, realm: '' };
  // Logged under the sending call's ids, with the leg's own uuid beside them.
  const log = channel.log.child({ ...callLogIds(sender.identity.callSid, sender.identity.accountSid), legUuid: channel.uuid });
  const ctx = callContext(channel, openCall(channel, engine, setup, undefined, log), engine, source);
  ctx.state.document = new URL(sender.document);
  return ctx;
}

/** The context every verb of the call is handed, with the call's state at its start. */
function callContext(channel: EslChannel, call: OpenedCall, engine: Engine, source: CallSource): CallContext {
  const { log, requests, setup } = call;
  const { settings, recordings, rooms, whispers, addresses, observer, verbs } = engine;
  return {
    channel, log, settings, requests, recordings, source, identity: setup.identity, realm: setup.realm, rooms, whispers,
    addresses, verbs,
    signal: channel.signal,
    ...(observer ? { observer } : {}),
    ...(engine.lifecycle && { lifecycle: engine.lifecycle }),
    state: {
      document: source.voiceUrl,
      answered: channel.answered,
      requests: 0,
      recordings: 0,
      terminators: undefined,
      variables: new Map(),
      fallbackUsed: false,
      failed: false,
      hangupRequested: undefined,
    },
  };
}
