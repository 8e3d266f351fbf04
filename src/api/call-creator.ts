/**
 * Creating calls through the API (the CallPlacer and PendingCalls of created-calls.ts): a create request is checked
 * before anything is dialled, recorded `queued`, and placed in the background (originator.ts); its channel, once
 * answered, runs its script in the engine (call/created-calls.ts).
 *
 * Checks, each refused with Twilio's number (HTTP 400 unless said):
 * - `To`: a `sip:`/`sips:` URI is dialled through `call.dial.sipTemplate`, anything else is a phone number dialled
 *   through `call.dial.numberTemplate`, with the checks of `<Sip>` and `<Number>` (21211); `client:` identities are
 *   not supported (21211);
 * - `CallerId`, else `From`: the caller id number, checked as `<Dial callerId>` is (21212);
 * - the account's limit of calls (`call.limits`): a created call holds a slot from its creation to its end, counted
 *   with the calls that arrive; over the limit, Twilio's 20429 (HTTP 429, Too Many Requests).
 * - once the server is stopping, nothing is created (503).
 *
 * Cancel (`Status=canceled`, or `completed` before the answer): a queued call is dropped before its originate is
 * sent, a ringing one is hung up (ORIGINATOR_CANCEL); it ends `canceled`. Stopping the server ends the calls still
 * queued or ringing the same way, but `failed` (the API client did not ask for it), and waits for their status
 * callbacks.
 *
 * A `StatusCallback` given on an update moves a created call's status callbacks at any moment until it ends: its
 * one reporter is retargeted (or, for a call created without one, made for `completed` only), so SequenceNumber goes
 * on.
 */
import type { Logger } from 'pino';
import {
  authTokenFor, type CallLimiter, callerIdNumber, type CallIdentity, type CallSetup, type CallSource, type CreatedCalls,
  type DialEndpoint, type EngineSettings, numberEndpoint, sipEndpoint, StatusReporter, type StatusTarget,
} from '../call/index.js';
import { AppError } from '../errors.js';
import { type HttpMethod, parseInlineTwiml } from '../twiml/index.js';
import { CallRequests, type CallWebhook } from '../webhook/index.js';
import { ApiCall } from './api-call.js';
import type { CallRegistry } from './call-registry.js';
import type { CallResource, CreateCallRequest } from './calls-service.js';
import type { CallPlacer, PendingCalls } from './created-calls.js';
import type { Originator } from './originator.js';
import { accountHex, newCallSid } from './sids.js';

/** What creating calls takes. */
export interface CallCreatorDeps {
  /** The engine settings in force (dial templates, limits, tokens, status callback settings). */
  readonly settings: () => EngineSettings;
  /** The webhook client status callbacks are sent through. */
  readonly webhook: () => CallWebhook;
  readonly limiter: CallLimiter;
  readonly created: CreatedCalls;
  readonly originator: Originator;
  readonly registry: CallRegistry;
  readonly log: Logger;
  /** Aborts when the server has stopped: status callbacks still waiting to be retried give up. */
  readonly shutdown?: AbortSignal;
}

export class CallCreator implements CallPlacer, PendingCalls {
  readonly #deps: CallCreatorDeps;
  readonly #calls = new Map<string, ApiCall>();
  #stopping = false;

  constructor(deps: CallCreatorDeps) {
    this.#deps = deps;
  }

  /** Created calls not yet ended. */
  get active(): number {
    return this.#calls.size;
  }

  async place(request: CreateCallRequest): Promise<CallResource> {
    if (this.#stopping) throw new AppError('ERR_SHUTDOWN', 'the server is stopping; no call is created');
    const settings = this.#deps.settings();
    const endpoint = endpointOf(request.to, settings);
    const callerId = callerIdOf(request.callerId ?? request.from);
    const source = sourceOf(request);
    const account = engineAccount(settings, request.accountSid);
    const { sid, uuid } = newCallSid();
    const release = await this.#deps.limiter.acquire(account, sid);
    if (!release) {
      throw new AppError('ERR_API_ACCOUNT_LIMIT',
        `The account has reached its limit of ${this.#deps.limiter.limitOf(account)} concurrent calls.`);
    }
    const call = this.#newCall(request, { sid, uuid }, account, source, release);
    try {
      await this.#deps.registry.add(call.resource());
    } catch (err) {
      // Not created (a shared registry that cannot be reached): the slot is given back.
      release();
      throw err;
    }
    this.#calls.set(call.uuid, call);
    const forget = this.#deps.created.add(call);
    void call.done.then(() => {
      forget();
      this.#calls.delete(call.uuid);
    });
    call.log.info({ to: request.to, timeout: request.timeoutSeconds }, 'call created');
    this.#deps.originator.place(call, { endpoint, callerId });
    return call.resource();
  }

  async cancel(uuid: string): Promise<boolean> {
    const call = this.#calls.get(uuid);
    if (!call || (call.state !== 'queued' && call.state !== 'ringing')) return false;
    call.cancel('canceled');
    await call.done;
    return true;
  }

  moveStatus(uuid: string, url: URL, method: HttpMethod): boolean {
    const call = this.#calls.get(uuid);
    if (!call || call.over) return false;
    call.moveStatus(url, method);
    return true;
  }

  /**
   * Refuses new calls, ends the calls still queued or ringing (`failed`), and resolves once they have ended and
   * their status callbacks have settled. Answered calls are the engine's: they end with the server's drain.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    const pending = [...this.#calls.values()].filter((call) => call.state === 'queued' || call.state === 'ringing');
    for (const call of pending) call.cancel('shutdown');
    await Promise.all(pending.map((call) => call.finished));
  }

  #newCall(request: CreateCallRequest, { sid, uuid }: { sid: string; uuid: string }, account: string, source: CallSource,
    release: () => void): ApiCall {
    const settings = this.#deps.settings();
    const identity: CallIdentity = {
      callSid: sid, accountSid: account, from: request.from, to: request.to, direction: 'outbound-api',
      callerNumber: request.callerId ?? request.from,
    };
    const log = this.#deps.log.child({ callSid: sid, accountSid: request.accountSid });
    const statusTarget: StatusTarget | undefined = request.statusCallback === undefined ? undefined
      : { url: request.statusCallback, method: request.statusCallbackMethod, events: request.statusCallbackEvents };
    const setup: CallSetup = { identity, source, format: 'twilio', statusTarget, debug: false, realm: settings.dial.realm };
    // The call's requests from now on: signed with its account's token, its callbacks tracked until it ends.
    const requests = new CallRequests({ client: this.#deps.webhook(), authToken: authTokenFor(settings, account),
      format: 'twilio', accountSid: account, log });
    const shutdown = this.#deps.shutdown;
    const reporterFor = (target: StatusTarget): StatusReporter => new StatusReporter({ target, requests, identity, log,
      settings: settings.statusCallback, ...(shutdown && { shutdown }) });
    const registry = this.#deps.registry;
    return new ApiCall({
      sid, uuid, request, setup, requests, reporterFor, release, log,
      onChange: (changed) => {
        const { status: state, startTime, endTime, duration } = changed.resource();
        registry.update(sid, { status: state, ...(startTime && { startTime }), ...(endTime && { endTime }),
          ...(duration !== undefined && { duration }) }).catch((err: unknown) => {
          log.warn({ err: (err as Error).message }, 'the registry of calls could not record a change');
        });
      },
    });
  }
}

/** Where `To` rings. @throws AppError ERR_API_TO_REFUSED */
function endpointOf(to: string, settings: EngineSettings): DialEndpoint {
  const target = to.trim();
  try {
    if (/^sips?:/i.test(target)) return sipEndpoint(target, settings.dial);
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) throw new AppError('ERR_API_TO_REFUSED', `the To ${target.split(':', 1)[0]}: is not supported`);
    return numberEndpoint(target, settings.dial);
  } catch (err) {
    if (err instanceof AppError && err.code !== 'ERR_API_TO_REFUSED') {
      throw new AppError('ERR_API_TO_REFUSED', `The phone number you are attempting to call, ${JSON.stringify(to.slice(0, 60))}, is not valid.`, { cause: err });
    }
    throw err;
  }
}

/** The caller id number. @throws AppError ERR_API_FROM_REFUSED */
function callerIdOf(from: string): string {
  try {
    return callerIdNumber(from);
  } catch (err) {
    throw new AppError('ERR_API_FROM_REFUSED', `The caller id ${JSON.stringify(from.slice(0, 60))} is not valid.`, { cause: err });
  }
}

/**
 * The script of the call: its Url and Method, or its Twiml parsed and checked as every inline document is
 * (twiml/inline.ts: refused with Twilio's number, 12100, 12200, 15004...); its fallback, its status callback.
 */
function sourceOf(request: CreateCallRequest): CallSource {
  const document = request.twiml === undefined ? undefined : parseInlineTwiml(request.twiml);
  const voiceUrl = document?.source ?? request.url;
  if (voiceUrl === undefined) throw new AppError('ERR_API_URL_INVALID', 'Either Url or Twiml is required.');
  return {
    voiceUrl,
    ...(document && { document }),
    method: request.method,
    fallbackUrl: request.fallbackUrl,
    fallbackMethod: request.fallbackMethod,
  };
}

/**
 * The account as the engine names it: the form the configuration writes it in (`AC<hex>` or the bare Kazoo id, in
 * `webhook.accountAuthTokens`, `call.limits.accounts` or the default account), so that its token and its limit are
 * the ones its arriving calls get; else `AC<hex>` as the request gives it.
 */
function engineAccount(settings: EngineSettings, accountSid: string): string {
  const hex = accountHex(accountSid);
  const known = [...settings.accountAuthTokens.keys(), ...settings.limits.accounts.keys(), settings.defaults.accountSid ?? ''];
  return known.find((key) => key !== '' && accountHex(key) === hex) ?? accountSid;
}
