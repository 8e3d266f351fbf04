/**
 * A leg the switch routes through its own dialplan, as the far end of a bridge: the `-b` side of a `loopback/`
 * endpoint on the same node, or the inbound channel a `sofia/` leg creates on another (linked) node. The channel is
 * created ringing and runs the actions of the extension its destination matches in its context (xml-dialplan.ts):
 * `set`, `hangup [cause]`, and `socket <host:port> async full`, which connects to that outbound socket as a new
 * call of the node; when that application returns with the channel up (no host took the connection, the server
 * sent `exit`, or the connection was lost) the next action runs, as after mod_event_socket's application. When the actions run out (or nothing matches: NO_ROUTE_DESTINATION) the channel hangs up
 * with NORMAL_CLEARING, as the core does after the last application.
 *
 * The bridge (bridge-app.ts) watches it: its answer, and its hangup (a BYE to the other side); the other side
 * hangs it up with `hangup(cause)` (a CANCEL before the answer, a BYE after), and relays the caller's DTMF to it
 * with `sendDtmf` (switch_core_session_send_dtmf: RFC 2833 on a SIP leg), which the far channel receives as
 * digits of its own caller: queued, and reported by a DTMF event of that channel when whoever reads its media
 * takes them.
 */
import { randomUUID } from 'node:crypto';
import { causeName } from '../channel/hangup-causes.js';
import type { DialplanAction, XmlDialplan } from '../dialplan/xml-dialplan.js';
import { expandAction } from '../dialplan/xml-dialplan.js';
import type { SimCallOptions } from './options.js';
import type { SimulatedCall } from './simulated-call.js';

/** The channel a routed leg creates. */
export interface RoutedLegRequest {
  readonly profile: 'sip' | 'loopback';
  readonly context: string;
  readonly destination: string;
  readonly channelName: string;
  readonly callerIdNumber: string;
  /** Its variables: a SIP leg's X- headers (`sip_h_X-...`), a loopback `-b` side's leg variables. */
  readonly variables: Readonly<Record<string, string>>;
}

/** What the bridge sees of a routed leg. */
export interface RoutedLegPort {
  /** The far channel's uuid. */
  readonly uuid: string;
  /** Resolves when the far channel answers (never if it does not). */
  readonly answered: Promise<void>;
  /** Resolves with the far channel's hangup cause. */
  readonly ended: Promise<string>;
  /** The other side ends the leg (CANCEL or BYE): the far channel hangs up with `cause`. */
  hangup(cause: string): void;
  /** The other side sends digits: they reach the far channel as its caller's (lost while no session runs it). */
  sendDtmf(digits: string): void;
}

/** Places a call of the node to an outbound socket (FsSimulator.call). */
export type PlaceSocketCall = (opts: SimCallOptions) => SimulatedCall;

const SOCKET_ARG = /^(\S+)\s+async\s+full$/i;

export class RoutedLeg implements RoutedLegPort {
  readonly uuid = randomUUID();
  readonly answered: Promise<void>;
  readonly ended: Promise<string>;
  readonly #request: RoutedLegRequest;
  readonly #place: PlaceSocketCall;
  readonly #vars: Map<string, string>;
  #call: SimulatedCall | undefined;
  #cause: string | undefined;
  #answer!: () => void;
  #end!: (cause: string) => void;

  constructor(request: RoutedLegRequest, dialplan: XmlDialplan, place: PlaceSocketCall) {
    this.#request = request;
    this.#place = place;
    this.#vars = new Map(Object.entries(request.variables));
    this.answered = new Promise((resolve) => (this.#answer = resolve));
    this.ended = new Promise((resolve) => (this.#end = resolve));
    const fields = { destination_number: request.destination, caller_id_number: request.callerIdNumber,
      context: request.context, chan_name: request.channelName, uuid: this.uuid };
    const actions = dialplan.route(request.context, { fields, variables: this.#vars });
    // Run once the bridge watches the leg.
    queueMicrotask(() => void this.#run(actions));
  }

  hangup(cause: string): void {
    if (this.#cause !== undefined) return;
    if (this.#call) this.#call.hangup(cause);
    else this.#finish(cause);
  }

  sendDtmf(digits: string): void {
    if (this.#cause === undefined) this.#call?.pressDigits(digits);
  }

  async #run(actions: readonly DialplanAction[] | undefined): Promise<void> {
    if (actions === undefined) {
      this.#finish('NO_ROUTE_DESTINATION');
      return;
    }
    for (const raw of actions) {
      if (this.#cause !== undefined) return;
      const action = expandAction(raw, this.#vars);
      if (action.application === 'set') {
        const at = action.data.indexOf('=');
        if (at > 0) this.#vars.set(action.data.slice(0, at), action.data.slice(at + 1));
      } else if (action.application === 'hangup') {
        this.#finish(causeName(action.data));
        return;
      } else if (action.application === 'socket') {
        const done = await this.#socket(action.data);
        if (done) return;
      }
    }
    this.#finish('NORMAL_CLEARING');
  }

  /** Runs `socket`; true when a session ran (the channel is then over), false when no host took the connection. */
  async #socket(data: string): Promise<boolean> {
    const target = SOCKET_ARG.exec(data.trim())?.[1]?.split('|')[0] ?? '';
    const colon = target.lastIndexOf(':');
    if (colon <= 0) return false;
    const r = this.#request;
    const call = this.#place({
      host: target.slice(0, colon),
      port: Number(target.slice(colon + 1)),
      uuid: this.uuid,
      profile: r.profile,
      channelName: r.channelName,
      direction: 'inbound',
      answerState: 'ringing',
      destinationNumber: r.destination,
      callerIdNumber: r.callerIdNumber,
      context: r.context,
      variables: Object.fromEntries(this.#vars),
      socketArg: data.trim(),
      afterSocket: 'continue',
    });
    this.#call = call;
    call.on('event', (name: string) => { if (name === 'CHANNEL_ANSWER') this.#answer(); });
    call.once('hangup', (cause: string) => this.#finish(cause));
    await call.ended;
    this.#call = undefined;
    // Otherwise the application returned with the channel up (no host took the connection, the server left with
    // `exit`, or the connection was lost): the dialplan goes on.
    return this.#cause !== undefined;
  }

  #finish(cause: string): void {
    if (this.#cause !== undefined) return;
    this.#cause = cause;
    this.#end(cause);
  }
}
