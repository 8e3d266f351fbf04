/**
 * Twilio's per-leg status callbacks of `<Number>` and `<Sip>` (`statusCallback`, `statusCallbackEvent`,
 * `statusCallbackMethod`), built from what the caller's socket sees of the bridge.
 *
 * FreeSWITCH gives a `myevents` socket only its own channel's events, whatever `filter`s are added (mod_event_socket
 * drops every event whose Unique-ID is not the socket's channel after the filters ran), so the B legs' own
 * CHANNEL_PROGRESS / ANSWER / HANGUP never reach this call. What is sent, per leg that asked for it:
 * - `initiated` when the bridge starts (FreeSWITCH creates every leg at once);
 * - `answered` (CallStatus=in-progress) when the leg is bridged, or, for a whisper leg, when it reaches this server;
 * - `completed` when the Dial ends: the bridged leg (and a whisper leg that answered) `completed` with
 *   CallDuration; the other legs `canceled` when one leg won, else the Dial's own status (busy, no-answer, failed,
 *   canceled) - with several legs that is FreeSWITCH's single originate result, not each leg's own.
 * `ringing` cannot be observed and is not sent (ERR_TWIML_UNSUPPORTED, once per noun).
 *
 * Parameters: CallSid (the leg's uuid), AccountSid, From, To, Direction=outbound-dial, ParentCallSid, CallStatus,
 * ApiVersion, CallbackSource=call-progress-events, Timestamp (RFC 2822), SequenceNumber (per leg, from 0), and
 * CallDuration on completed. Fire-and-forget on the call's callbacks.
 *
 * Every leg, whether it asked for callbacks or not, is also reported to the call's lifecycle observer (the registry
 * of calls behind the Calls API) as an `outbound-dial` call whose parent is this call: started with `initiated`,
 * answered, and ended with the status of its `completed` (or `failed` when the Dial ended in an error).
 */
import { resolveUrl, type CallProgressEvent } from '../../twiml/index.js';
import { legProgressParams } from '../../webhook/index.js';
import type { CallContext } from '../call-context.js';
import type { CallEndStatus } from '../call-lifecycle.js';
import type { DialLeg } from './dial-legs.js';
import type { DialCallStatus } from './dial-outcome.js';
import { legTo } from './whisper-dial.js';
import { logCode } from '../../log-code.js';

/** One leg of the Dial. */
interface Leg {
  readonly leg: DialLeg;
  readonly to: string;
  answered: boolean;
  /** Reported ended to the lifecycle observer. */
  ended: boolean;
}

/** A leg that asked for status callbacks. */
interface Watched {
  readonly state: Leg;
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly events: readonly CallProgressEvent[];
  sequence: number;
}

/** The callbacks of one Dial's legs. */
export class LegCallbacks {
  readonly #ctx: CallContext;
  readonly #from: string;
  readonly #all = new Map<string, Leg>();
  readonly #legs = new Map<string, Watched>();

  constructor(ctx: CallContext, legs: readonly DialLeg[], from: string) {
    this.#ctx = ctx;
    this.#from = from;
    for (const leg of legs) {
      const state: Leg = { leg, to: legTo(leg), answered: false, ended: false };
      this.#all.set(leg.uuid, state);
      const noun = leg.noun;
      if ((noun.kind !== 'Number' && noun.kind !== 'Sip') || noun.statusCallback === undefined) continue;
      let url: URL;
      try {
        url = resolveUrl(noun.statusCallback, ctx.state.document);
      } catch (err) {
        logCode(ctx.log, 'ERR_TWIML_INVALID_URL', { line: noun.position.line, err: (err as Error).message },
          'statusCallback is not an http(s) URL; no callbacks for this leg');
        continue;
      }
      if (noun.statusCallbackEvent.includes('ringing')) {
        logCode(ctx.log, 'ERR_TWIML_UNSUPPORTED', { noun: noun.kind, line: noun.position.line },
          'statusCallbackEvent ringing is not observable from the caller\'s socket; not sent');
      }
      this.#legs.set(leg.uuid, { state, url, method: noun.statusCallbackMethod, events: noun.statusCallbackEvent,
        sequence: 0 });
    }
  }

  /** Every leg was created: `initiated`. */
  initiated(): void {
    const { lifecycle, identity } = this.#ctx;
    if (lifecycle) {
      const at = new Date();
      for (const { leg, to } of this.#all.values()) {
        lifecycle.started({ callSid: leg.uuid, accountSid: identity.accountSid, to, from: this.#from,
          direction: 'outbound-dial', parentCallSid: identity.callSid, at });
      }
    }
    for (const w of this.#legs.values()) this.#send(w, 'initiated', 'initiated');
  }

  /** A leg answered (bridged, or connected for its whisper): `answered`, once. */
  answered(legUuid: string): void {
    const state = this.#all.get(legUuid);
    if (state === undefined || state.answered) return;
    state.answered = true;
    this.#ctx.lifecycle?.answered(legUuid, new Date());
    const w = this.#legs.get(legUuid);
    if (w !== undefined) this.#send(w, 'answered', 'in-progress');
  }

  /** The Dial is over: `completed` for every leg, with its final status. */
  completed(status: DialCallStatus, bridgedUuid: string | undefined, duration: number | undefined): void {
    for (const state of this.#all.values()) {
      let callStatus: CallEndStatus;
      if (state.answered || state.leg.uuid === bridgedUuid) callStatus = 'completed';
      else if (bridgedUuid !== undefined) callStatus = 'canceled';
      else callStatus = status === 'completed' || status === 'answered' ? 'failed' : status;
      const seconds = state.leg.uuid === bridgedUuid ? duration ?? 0 : 0;
      this.#ended(state, callStatus, seconds);
      const w = this.#legs.get(state.leg.uuid);
      if (w !== undefined) this.#send(w, 'completed', callStatus, seconds);
    }
  }

  /** The Dial is over, however it ended: a leg not reported ended yet (an error ended the Dial) ends `failed`. */
  close(): void {
    for (const state of this.#all.values()) this.#ended(state, 'failed', 0);
  }

  #ended(state: Leg, status: CallEndStatus, seconds: number): void {
    if (state.ended) return;
    state.ended = true;
    this.#ctx.lifecycle?.ended(state.leg.uuid, { status, at: new Date(), durationSeconds: seconds });
  }

  #send(w: Watched, event: CallProgressEvent, callStatus: string, callDuration?: number): void {
    if (!w.events.includes(event)) return;
    const { identity, requests } = this.#ctx;
    const params = legProgressParams({ callSid: w.state.leg.uuid, accountSid: identity.accountSid, from: this.#from, to: w.state.to,
      parentCallSid: identity.callSid }, callStatus, { sequence: w.sequence++, at: requests.now(),
      ...(callDuration === undefined ? {} : { callDuration }) });
    requests.sendCallback({ url: w.url, method: w.method, params },
      { code: 'ERR_DIAL_LEG_CALLBACK', fields: { event }, msg: 'leg status callback failed' });
  }
}
