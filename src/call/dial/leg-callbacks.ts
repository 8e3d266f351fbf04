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
 */
import { resolveUrl, type CallProgressEvent } from '../../twiml/index.js';
import { legProgressParams } from '../../webhook/index.js';
import type { CallContext } from '../call-context.js';
import type { DialLeg } from './dial-legs.js';
import type { DialCallStatus } from './dial-outcome.js';
import { legTo } from './whisper-dial.js';
import { logCode } from '../../log-code.js';

interface Watched {
  readonly leg: DialLeg;
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly events: readonly CallProgressEvent[];
  readonly to: string;
  sequence: number;
  answered: boolean;
}

/** The callbacks of one Dial's legs. */
export class LegCallbacks {
  readonly #ctx: CallContext;
  readonly #from: string;
  readonly #legs = new Map<string, Watched>();

  constructor(ctx: CallContext, legs: readonly DialLeg[], from: string) {
    this.#ctx = ctx;
    this.#from = from;
    for (const leg of legs) {
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
      this.#legs.set(leg.uuid, { leg, url, method: noun.statusCallbackMethod, events: noun.statusCallbackEvent,
        to: legTo(leg), sequence: 0, answered: false });
    }
  }

  /** Every leg was created: `initiated`. */
  initiated(): void {
    for (const w of this.#legs.values()) this.#send(w, 'initiated', 'initiated');
  }

  /** A leg answered (bridged, or connected for its whisper): `answered`, once. */
  answered(legUuid: string): void {
    const w = this.#legs.get(legUuid);
    if (w === undefined || w.answered) return;
    w.answered = true;
    this.#send(w, 'answered', 'in-progress');
  }

  /** The Dial is over: `completed` for every leg, with its final status. */
  completed(status: DialCallStatus, bridgedUuid: string | undefined, duration: number | undefined): void {
    for (const w of this.#legs.values()) {
      let callStatus: string;
      if (w.answered || w.leg.uuid === bridgedUuid) callStatus = 'completed';
      else if (bridgedUuid !== undefined) callStatus = 'canceled';
      else callStatus = status === 'completed' || status === 'answered' ? 'failed' : status;
      const seconds = w.leg.uuid === bridgedUuid ? duration ?? 0 : 0;
      this.#send(w, 'completed', callStatus, seconds);
    }
  }

  #send(w: Watched, event: CallProgressEvent, callStatus: string, callDuration?: number): void {
    if (!w.events.includes(event)) return;
    const { identity, requests } = this.#ctx;
    const params = legProgressParams({ callSid: w.leg.uuid, accountSid: identity.accountSid, from: this.#from, to: w.to,
      parentCallSid: identity.callSid }, callStatus, { sequence: w.sequence++, at: requests.now(),
      ...(callDuration === undefined ? {} : { callDuration }) });
    requests.sendCallback({ url: w.url, method: w.method, params },
      { code: 'ERR_DIAL_LEG_CALLBACK', fields: { event }, msg: 'leg status callback failed' });
  }
}
