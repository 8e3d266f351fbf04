/**
 * The engine's view of the configuration, compiled once when the engine is built: URLs parsed, destination
 * patterns compiled, the voice table indexed. Calls share it and never re-read the configuration.
 */
import type { Config } from '../config/index.js';
import type { HttpMethod } from '../twiml/index.js';
import { TemplateResolver, type EndpointResolver } from './dial/endpoint-resolver.js';
import type { MediaSettings } from './media/play-path.js';
import { VoiceMapper } from './media/tts-voices.js';

/** A destination-number route to a voice URL. */
export interface VoiceRoute {
  readonly pattern: RegExp;
  readonly url: URL;
  readonly method: HttpMethod;
}

/** The call progress events a status callback may ask for. */
export type StatusEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

/** Everything a call needs from configuration. */
export interface EngineSettings {
  /** Used when the channel does not say. */
  readonly defaults: {
    readonly voiceUrl: URL | undefined;
    readonly voiceMethod: HttpMethod;
    readonly fallbackUrl: URL | undefined;
    readonly reqFormat: 'twiml' | 'kazoo';
    readonly accountSid: string | undefined;
  };
  readonly routes: readonly VoiceRoute[];
  readonly rejectCause: string;
  readonly maxRequests: number;
  readonly maxLoops: number;
  readonly errorPrompt: string;
  readonly media: MediaSettings;
  readonly voices: VoiceMapper;
  readonly maxTextLength: number;
  readonly record: {
    readonly spoolDir: string;
    readonly beep: string;
    readonly silenceThreshold: number;
    readonly uploadTimeoutMs: number;
  };
  /** `<Conference>` rooms: mod_conference profile, default hold music, extra member flags, waitUrl requests per wait. */
  readonly conference: { readonly profile: string; readonly holdMusic: string; readonly memberFlags: readonly string[];
    readonly waitUrlMaxFetches: number };
  /**
   * `<Enqueue>` queues: size limit and default hold music; `acrossNodes`: other FreeSWITCH nodes can be reached
   * (`cluster.nodes` is set), so a `<Dial><Queue>` may take callers there.
   */
  readonly queue: { readonly maxSize: number; readonly holdMusic: string; readonly acrossNodes: boolean };
  /** Endpoint templates of `<Dial>` nouns, and the resolver of User and Device ids. */
  readonly dial: {
    readonly numberTemplate: string;
    readonly sipTemplate: string;
    /** '' means: from the call (ecallmgr_Realm, else the SIP To host). */
    readonly realm: string;
    readonly resolver: EndpointResolver;
    /** `host:port` whisper legs connect to; '' means: the caller's own socket address. */
    readonly whisperSocket: string;
  };
  readonly authToken: string | undefined;
  /** Auth tokens of accounts that sign with their own; others use `authToken`. */
  readonly accountAuthTokens: ReadonlyMap<string, string>;
  /** Status callbacks: the defaults of calls whose channel does not say, and how they are sent. */
  readonly statusCallback: {
    readonly url: URL | undefined;
    readonly method: HttpMethod;
    readonly events: readonly StatusEvent[];
    readonly retries: number;
    readonly retryDelayMs: number;
    readonly timeoutMs: number;
  };
  /** Concurrent calls per AccountSid. */
  readonly limits: {
    /** 0: unlimited. */
    readonly maxCallsPerAccount: number;
    readonly accounts: ReadonlyMap<string, number>;
    readonly rejectCause: string;
  };
  /** Directory of per-call debug logs (undefined: off) and the body bytes each line keeps. */
  readonly debug: { readonly dir: string | undefined; readonly bodyBytes: number };
  /** Time allowed for requests made after the caller hung up (the Record action). */
  readonly postHangupTimeoutMs: number;
  /**
   * Multiplies the durations of timers the engine runs itself (Gather timeouts). 1 in production; the simulator
   * runs FreeSWITCH time faster and the engine then follows the same scale.
   */
  readonly timeScale: number;
}

/** Compiles the `call` and `webhook` configuration. */
export function compileSettings(config: Readonly<Config>, timeScale = 1): EngineSettings {
  const { call, webhook } = config;
  return Object.freeze({
    defaults: {
      voiceUrl: call.voiceUrl === '' ? undefined : new URL(call.voiceUrl),
      voiceMethod: call.voiceMethod,
      fallbackUrl: call.fallbackUrl === '' ? undefined : new URL(call.fallbackUrl),
      reqFormat: call.reqFormat,
      accountSid: call.accountSid === '' ? undefined : call.accountSid,
    },
    routes: call.routes.map((r) => ({ pattern: new RegExp(r.destination), url: new URL(r.url), method: r.method ?? 'POST' })),
    rejectCause: call.rejectCause,
    maxRequests: call.maxRequests,
    maxLoops: call.maxLoops,
    errorPrompt: call.errorPrompt.trim(),
    media: { playUrlPrefix: call.playUrlPrefix, mediaPrefixes: [...call.mediaPrefixes], kazooMediaUrl: call.kazooMediaUrl },
    voices: new VoiceMapper(call.tts.voices, call.tts.defaultVoice),
    maxTextLength: call.tts.maxTextLength,
    record: { ...call.record, spoolDir: call.record.spoolDir.replace(/\/+$/, '') || '/' },
    conference: { ...call.conference, memberFlags: [...call.conference.memberFlags] },
    queue: { ...call.queue, acrossNodes: config.cluster.nodes.length > 0 },
    dial: {
      numberTemplate: call.dial.numberTemplate,
      sipTemplate: call.dial.sipTemplate,
      realm: call.dial.realm,
      resolver: new TemplateResolver({ user: call.dial.userTemplate, device: call.dial.deviceTemplate }),
      whisperSocket: call.dial.whisperSocket,
    },
    authToken: webhook.authToken === '' ? undefined : webhook.authToken,
    accountAuthTokens: new Map(webhook.accountAuthTokens.map((t) => [t.accountSid, t.authToken])),
    statusCallback: {
      url: call.statusCallback.url === '' ? undefined : new URL(call.statusCallback.url),
      method: call.statusCallback.method,
      events: [...call.statusCallback.events],
      retries: webhook.statusCallbackRetries,
      retryDelayMs: webhook.statusCallbackRetryDelayMs,
      timeoutMs: webhook.statusCallbackTimeoutMs,
    },
    limits: {
      maxCallsPerAccount: call.limits.maxCallsPerAccount,
      accounts: new Map(call.limits.accounts.map((a) => [a.accountSid, a.maxCalls])),
      rejectCause: call.limits.rejectCause,
    },
    debug: { dir: webhook.debugDir === '' ? undefined : webhook.debugDir, bodyBytes: webhook.debugBodyBytes },
    postHangupTimeoutMs: webhook.timeoutMs,
    timeScale,
  });
}

/** The auth token a call of `accountSid` signs its requests with. */
export function authTokenFor(settings: EngineSettings, accountSid: string): string | undefined {
  return settings.accountAuthTokens.get(accountSid) ?? settings.authToken;
}
