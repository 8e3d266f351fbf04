/**
 * The heart of one simulated call: the channel, its event delivery to the socket, and the
 * FreeSWITCH hang-up sequence with its disconnect notices.
 *
 * Hang-up order, as in every capture (e.g. esl-captures/transcript-basic-loopback.txt):
 * CHANNEL_HANGUP, the running app's EXECUTE_COMPLETE, CHANNEL_UNPARK, the `socket` app's own
 * EXECUTE_COMPLETE (an Application-UUID we never sent), CHANNEL_STATE CS_HANGUP, CHANNEL_STATE
 * CS_REPORTING, CHANNEL_HANGUP_COMPLETE, then the linger notice (or, without linger, the final
 * notice and the close). After `uuid_kill` the linger notice overtakes the rest
 * (more/uuid-kill-then-execute).
 *
 * Every event about the channel also goes to the switch's event system ({@link SwitchEvents}), where the inbound
 * Event Socket sees it. The `socket` application raises CHANNEL_EXECUTE as it starts and CHANNEL_PARK once connected
 * (`variable_current_application: socket`, esl-captures/real-findings). An inline `uuid_transfer` that runs `socket`
 * again completes this one but leaves its connection up ({@link CallEngine.handOver}).
 */
import { randomUUID } from 'node:crypto';
import type { AppContext, ConferenceRoomsApi, RouteLegRequest, SimulatedCallPort } from '../apps/app-context.js';
import type { RoutedLegPort } from '../sim/routed-leg.js';
import { appContextFor } from './app-context-factory.js';
import { setCdrVars } from '../channel/cdr-vars.js';
import type { Channel } from '../channel/channel.js';
import type { ChannelDirectory } from '../channel/channel-directory.js';
import type { ChannelEventOptions, EventFactory, SimEvent } from '../channel/event-factory.js';
import { MediaControl, type Digit, type DigitTaken } from '../media/media-control.js';
import type { ResolvedSimOptions, SimCallOptions } from '../sim/options.js';
import type { Clock } from '../util/clock.js';
import { encodeEventBody, frameEventBody } from '../wire/event-encoder.js';
import { connectReply, disconnectNotice, lingerNotice } from '../wire/reply-frames.js';
import type { SwitchEvents } from '../sim/switch-events.js';
import type { EngineDeps, EngineHooks, WirePort } from './engine-deps.js';
import { Subscriptions } from './subscriptions.js';

/** One call's channel and socket protocol state. */
export class CallEngine {
  readonly channel: Channel;
  readonly clock: Clock;
  readonly factory: EventFactory;
  readonly options: ResolvedSimOptions;
  readonly call: SimCallOptions;
  readonly rooms: ConferenceRoomsApi;
  readonly channels: ChannelDirectory;
  readonly placeCall: (opts: SimCallOptions) => SimulatedCallPort;
  readonly routeLeg: ((request: RouteLegRequest) => RoutedLegPort | undefined) | undefined;
  readonly media: MediaControl;
  readonly subs: Subscriptions;
  readonly hooks: EngineHooks;
  readonly socketArg: string;
  readonly socketAppUuid = randomUUID();
  connected = false;
  exitReceived = false;
  /** Set when `uuid_transfer` moved the channel away from this socket. */
  transferred = false;
  lastApp = 'socket';
  /** Clock time of the connect reply: the caller script's time base. */
  connectedAtMs = 0;
  lastArg: string;
  #wire: WirePort;
  readonly #events: SwitchEvents;
  readonly #scriptedCaller: boolean;
  /** The engine of the `socket` application that took the channel over (an inline `uuid_transfer`). */
  #successor: CallEngine | undefined;
  #linger: number | undefined;
  #lingerNoticeSent = false;
  #channelGone = false;
  #closed = false;
  #digitsDialed = '';
  /** Every digit taken on the channel: by whom (the running application, or the park loop) and when. */
  readonly digitsTaken: Array<DigitTaken & { readonly app: string | undefined }> = [];
  #afterHangup: (() => void) | undefined;
  #held: string[] | undefined;
  /** When the channel hung up: CHANNEL_HANGUP's time, the CDR's end time. */
  #hangupUs: number | undefined;

  constructor(deps: EngineDeps) {
    this.channel = deps.channel;
    this.clock = deps.clock;
    this.factory = deps.factory;
    this.options = deps.options;
    this.call = deps.call;
    this.rooms = deps.rooms;
    this.channels = deps.channels;
    this.placeCall = deps.placeCall;
    this.routeLeg = deps.routeLeg;
    this.hooks = deps.hooks;
    this.socketArg = deps.socketArg;
    this.lastArg = deps.socketArg;
    this.#wire = deps.wire;
    this.#events = deps.events;
    this.#scriptedCaller = deps.scriptedCaller;
    this.subs = new Subscriptions(this.channel.uuid);
    this.media = new MediaControl(this.clock, (d, taken) => this.#dtmf(d, taken));
  }

  /** True once the socket is closing: nothing more is written. */
  get closed(): boolean {
    return this.#closed;
  }
  /** True after CHANNEL_HANGUP_COMPLETE. */
  get channelGone(): boolean {
    return this.#channelGone;
  }
  get lingerSeconds(): number | undefined {
    return this.#linger;
  }

  /** Writes raw bytes to the socket unless it is closing. */
  write(data: string): void {
    if (this.#closed) return;
    if (this.#held) this.#held.push(data);
    else this.#wire.write(data);
  }

  /**
   * Runs `fn` with the socket output held back and returns its reply first: an `api` command
   * answers before the events its side effects raise (`+OK kicked 2` precedes kick-member in
   * esl-captures/transcript-conference-loopback.txt).
   */
  replyFirst(fn: () => string): void {
    const outer = this.#held;
    this.#held = [];
    let reply = '';
    try {
      reply = fn();
    } finally {
      const held = this.#held;
      this.#held = outer;
      if (reply !== '') this.write(reply);
      for (const d of held) this.write(d);
    }
  }

  /** Sends an event if this connection is subscribed to it. */
  deliver(ev: SimEvent): void {
    if (this.#closed || !this.subs.wants(ev)) return;
    const fmt = this.subs.format;
    this.write(frameEventBody(fmt, encodeEventBody(fmt, ev.blocks, ev.body)));
  }

  /** Builds an event about this channel, sends it to this connection and to the switch's event system. */
  fire(name: string, opts?: ChannelEventOptions): void {
    const ev = this.factory.channel(name, this.channel, opts);
    this.deliver(ev);
    this.#events.publish(ev, this);
    this.hooks.fired?.(name, opts?.post ?? []);
  }

  /**
   * An event about the channel that another `socket` application on it (or the node) raised: this connection
   * receives it as subscribed. When the channel has ended under another application, this connection ends too.
   */
  relay(ev: SimEvent): void {
    this.deliver(ev);
    if (this.#successor && ev.name === 'CHANNEL_HANGUP_COMPLETE') this.#channelEndedElsewhere();
  }

  /**
   * The `socket` application starts: it sets the variables FreeSWITCH sets for a running application and raises
   * CHANNEL_EXECUTE (no connection has subscribed yet: only the switch's listeners see it).
   */
  socketAppStarts(): void {
    const vars = this.channel.vars;
    vars.set('current_application_data', this.socketArg);
    vars.set('current_application', 'socket');
    vars.set('socket_host', this.call.host);
    this.fire('CHANNEL_EXECUTE', {
      post: [['Application', 'socket'], ['Application-Data', this.socketArg], ['Application-UUID', this.socketAppUuid]],
    });
  }

  /** The connection to the server is up: the `socket` application parks the channel (its own CHANNEL_PARK). */
  socketConnected(): void {
    if (this.channel.up && !this.#successor) this.fire('CHANNEL_PARK');
  }

  /**
   * An inline `uuid_transfer` runs `socket` again on this channel: this `socket` application completes
   * (CHANNEL_UNPARK, its EXECUTE_COMPLETE), then `start` runs the next one, which runs the channel from then on. This
   * connection stays up: what it sends acts on the channel through the next one, the channel's events still reach
   * it, and it ends with the channel (esl-captures/real-findings: both connections drove the channel).
   */
  handOver(start: () => CallEngine): void {
    this.#socketAppEnds();
    this.#successor = start();
  }

  /** The reply to `connect`: CHANNEL_DATA, plain, no outer frame. */
  connectReplyFrame(): string {
    const ev = this.factory.channel('CHANNEL_DATA', this.channel, { channelProfile: true });
    return connectReply(ev.blocks.map((b) => b.plain).join(''));
  }

  /** Starts the scripted caller (times count from the connect reply). */
  startCaller(): void {
    this.connectedAtMs = this.clock.nowMs();
    if (!this.#scriptedCaller) return;
    const script = this.call.caller ?? {};
    for (const step of script.digits ?? []) {
      this.clock.after(step.atMs, () => this.pressDigits(step.digits));
    }
    if (script.hangupAtMs !== undefined) {
      this.clock.after(script.hangupAtMs, () => this.hangup(script.hangupCause ?? 'NORMAL_CLEARING'));
    }
  }

  /** The caller presses digits now. */
  pressDigits(digits: string, source?: string): void {
    if (this.#successor) {
      this.#successor.pressDigits(digits, source);
      return;
    }
    const src = source ?? this.call.caller?.dtmfSource ?? (this.channel.kind === 'sip' ? 'RTP' : 'UNKNOWN');
    this.media.enqueue([...digits].map((digit) => ({ digit, duration: 2000, source: src })));
  }

  #dtmf(d: Digit, taken: DigitTaken): void {
    this.#digitsDialed += d.digit;
    this.digitsTaken.push({ ...taken, app: taken.byPark ? undefined : this.channel.vars.get('current_application') });
    this.fire('DTMF', {
      post: [
        ['DTMF-Digit', d.digit],
        ['DTMF-Duration', String(d.duration)],
        ['DTMF-Source', d.source],
      ],
    });
  }

  /** `linger [N]` (undefined = no linger, -1 = forever); `nolinger` after hang-up disconnects now. */
  setLinger(seconds: number | undefined): void {
    this.#linger = seconds;
    if (seconds === undefined && this.#channelGone) this.finalDisconnect();
  }

  /** Registers what to run once no app is running after a hang-up (the exec runner). */
  onHangupSettled(fn: () => void): void {
    this.#afterHangup = fn;
  }

  /** Hangs the channel up: CHANNEL_HANGUP now, the rest once the running app has completed. */
  hangup(cause: string, early = false): void {
    if (this.#successor) {
      this.#successor.hangup(cause, early);
      return;
    }
    const ch = this.channel;
    if (!ch.up) return;
    ch.setAnswerState('hangup');
    ch.setHangupCause(cause);
    ch.setStateNumber(10);
    this.#hangupUs = this.nowUs();
    this.fire('CHANNEL_HANGUP', { atUs: this.#hangupUs });
    if (early && this.#linger !== undefined) this.#sendLingerNotice();
    this.hooks.hangup(cause);
    this.media.hangup();
    if (this.#afterHangup) this.#afterHangup();
    else this.teardown();
  }

  /** The end of the channel, after the last app's EXECUTE_COMPLETE. */
  teardown(): void {
    // A channel handed to another `socket` application ends there (see #channelEndedElsewhere).
    if (this.#channelGone || this.#successor) return;
    this.#channelGone = true;
    const ch = this.channel;
    ch.vars.unset('current_loop');
    ch.vars.unset('total_loops');
    this.#socketAppEnds();
    ch.setRunningState('CS_HANGUP', 10);
    this.fire('CHANNEL_STATE');
    // FreeSWITCH records the end at the hangup (CHANNEL_HANGUP_COMPLETE: Event-Date-Timestamp, end_uepoch and
    // Caller-Channel-Hangup-Time all equal CHANNEL_HANGUP's time, more/bridge-answered-plain 16 and 19).
    const endUs = this.#hangupUs ?? this.nowUs();
    ch.setCallState('HANGUP');
    ch.setRunningState('CS_REPORTING', 11);
    ch.setProfileField('Channel-Hangup-Time', String(endUs));
    this.fire('CHANNEL_STATE');
    setCdrVars(ch, { endUs, digitsDialed: this.#digitsDialed, lastApp: this.lastApp, lastArg: this.lastArg });
    this.fire('CHANNEL_HANGUP_COMPLETE', { pre: [['Hangup-Cause', ch.hangupCause ?? 'NORMAL_CLEARING']], atUs: endUs });
    this.#lingerOrDisconnect();
  }

  /** The channel ended under the `socket` application this connection handed it to. */
  #channelEndedElsewhere(): void {
    if (this.#channelGone) return;
    this.#channelGone = true;
    this.media.hangup();
    this.#lingerOrDisconnect();
  }

  /** After CHANNEL_HANGUP_COMPLETE: the linger notice, or the final notice and the close. */
  #lingerOrDisconnect(): void {
    if (this.#linger === undefined) {
      this.finalDisconnect();
      return;
    }
    this.#sendLingerNotice();
    // `linger N` closes by itself about N s later; plain `linger` never does (more/linger-plain).
    if (this.#linger >= 0) this.clock.after(this.#linger * 1000, () => this.finalDisconnect());
  }

  // The park loop ends and the `socket` app completes, reporting the last app's response
  // (more/sendmsg-hangup: FILE PLAYED).
  #socketAppEnds(): void {
    this.fire('CHANNEL_UNPARK');
    this.fire('CHANNEL_EXECUTE_COMPLETE', {
      post: [
        ['Application', 'socket'],
        ['Application-Data', this.socketArg],
        ['Application-Response', this.channel.vars.get('current_application_response') ?? '_none_'],
        ['Application-UUID', this.socketAppUuid],
      ],
    });
  }

  /** `uuid_transfer` of our channel: it leaves the socket app, which ends the session. */
  transferAway(): void {
    if (!this.channel.up || this.#channelGone) return;
    this.#channelGone = true;
    this.transferred = true;
    this.media.hangup();
    this.#socketAppEnds();
    this.finalDisconnect();
  }

  #sendLingerNotice(): void {
    if (this.#lingerNoticeSent) return;
    this.#lingerNoticeSent = true;
    this.write(lingerNotice(this.channel.uuid, this.channel.name, this.#linger ?? -1));
  }

  /** The final `disconnect` notice, then FreeSWITCH closes the socket. */
  finalDisconnect(): void {
    if (this.#closed) return;
    this.write(disconnectNotice(this.channel.uuid));
    this.#closed = true;
    this.#wire.close();
  }

  /**
   * `exit`: `+OK bye`, the final notice, the close; a live channel is then hung up unseen (unless another `socket`
   * application runs it now).
   */
  exit(reply: string): void {
    this.exitReceived = true;
    this.write(reply);
    this.finalDisconnect();
    if (!this.#successor && this.call.afterSocket !== 'continue') this.hangup('NORMAL_CLEARING');
  }

  /** The socket closed under us: a live channel is hung up (the socket app returns), unless it was handed over. */
  socketClosed(): void {
    this.#closed = true;
    if (!this.transferred && !this.#successor && this.call.afterSocket !== 'continue') this.hangup('NORMAL_CLEARING');
  }

  /** The switch's epoch microseconds (simulated time). */
  nowUs(): number {
    return this.clock.epochUs();
  }

  /** The view of the call an application gets. */
  contextFor(appName: string): AppContext {
    return appContextFor(this, appName);
  }
}
