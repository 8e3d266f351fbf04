import type { Logger } from 'pino';
import { toAppError } from '../errors.js';
import { logCode } from '../log-code.js';
import { type ChannelEventName, type ChannelEvents, ON_DEMAND_EVENTS } from './channel-events.js';
import { EVENT_FORMAT, SUBSCRIBED_EVENTS, UNUSED_MYEVENTS } from './protocol.js';

export type Listener<K extends ChannelEventName> = (payload: ChannelEvents[K]) => void;

/** What the subscriptions of a channel need of it. */
export interface SubscriptionPort {
  readonly log: Logger;
  /** Sends a socket command; resolves with its reply, rejects on `-ERR`. */
  command(text: string): Promise<unknown>;
  /** True once the call has ended: on-demand changes are dropped, not sent. */
  ended(): boolean;
  /** True once the socket has closed. */
  closed(): boolean;
}

/**
 * What one channel's connection is subscribed to, and the listeners of its domain events.
 *
 * The subscription every call makes is sent at once ({@link subscribeCall}). The FreeSWITCH events of an on-demand
 * domain event (ON_DEMAND_EVENTS) are subscribed while at least one listener wants it (counted per event). A
 * change is sent at the end of the current tick, or by {@link flush} before the next command if one is sent first,
 * so it reaches FreeSWITCH before any application sent after the listener came; a listener that comes and goes
 * within one tick costs nothing.
 */
export class ChannelSubscriptions {
  readonly #listeners = new Map<ChannelEventName, Set<Listener<never>>>();
  /** Listeners per FreeSWITCH event subscribed on demand. */
  readonly #demand = new Map<string, number>();
  /** On-demand events wanted but not yet subscribed, and subscribed but no longer wanted: sent by the next flush. */
  readonly #toSubscribe = new Set<string>();
  readonly #toUnsubscribe = new Set<string>();
  #flushScheduled = false;
  readonly #port: SubscriptionPort;

  constructor(port: SubscriptionPort) {
    this.#port = port;
  }

  /**
   * `myevents` (this channel's events only), `nixevent` of what `myevents` turns on that no call reads, `event` for
   * what it lacks, and `linger`: four commands sent at once.
   */
  async subscribeCall(lingerSeconds: number): Promise<void> {
    const command = (text: string): Promise<unknown> => this.#port.command(text);
    await Promise.all([
      command(`myevents ${EVENT_FORMAT}`),
      command(`nixevent ${UNUSED_MYEVENTS.join(' ')}`),
      command(`event ${EVENT_FORMAT} ${SUBSCRIBED_EVENTS.join(' ')}`),
      command(lingerSeconds > 0 ? `linger ${lingerSeconds}` : 'nolinger'),
    ]);
  }

  /** Sends a subscription change nobody waits for (the reply still takes its place in line). */
  send(text: string): void {
    if (this.#port.closed()) return;
    this.#port.command(text).catch((err: unknown) => {
      this.#port.log.debug({ code: toAppError(err).code, command: text.split(' ', 1)[0] }, 'subscription change failed');
    });
  }

  /** Adds a listener; returns the function that removes it. */
  on<K extends ChannelEventName>(name: K, listener: Listener<K>): () => void {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    const before = set.size;
    set.add(listener);
    if (set.size > before) this.#demandChanged(name, 1);
    return () => {
      if (set.delete(listener)) this.#demandChanged(name, -1);
      if (set.size === 0 && this.#listeners.get(name) === set) this.#listeners.delete(name);
    };
  }

  /** Calls every listener of `name`; one that throws is logged and the others still run. */
  emit<K extends ChannelEventName>(name: K, payload: ChannelEvents[K]): void {
    const set = this.#listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<K>)(payload);
      } catch (err) {
        logCode(this.#port.log, 'ERR_INTERNAL', { err }, 'a channel event listener threw');
      }
    }
  }

  /** Number of listeners registered. */
  get count(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }

  /** Sends the pending on-demand subscription changes (`nixevent`, then `event`). */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#toSubscribe.size === 0 && this.#toUnsubscribe.size === 0) return;
    const off = [...this.#toUnsubscribe];
    const on = [...this.#toSubscribe];
    this.#toUnsubscribe.clear();
    this.#toSubscribe.clear();
    if (this.#port.ended()) return;
    if (off.length > 0) this.send(`nixevent ${off.join(' ')}`);
    if (on.length > 0) this.send(`event ${EVENT_FORMAT} ${on.join(' ')}`);
  }

  /** Counts the listeners of an on-demand domain event; what went from or to none is to be (un)subscribed. */
  #demandChanged(name: ChannelEventName, delta: 1 | -1): void {
    const events = ON_DEMAND_EVENTS[name];
    if (events === undefined) return;
    for (const event of events) {
      const count = (this.#demand.get(event) ?? 0) + delta;
      if (count === 0) this.#demand.delete(event);
      else this.#demand.set(event, count);
      // Wanted again before its nixevent left, or unwanted before its event left: nothing to send.
      if (delta > 0 && count === 1 && !this.#toUnsubscribe.delete(event)) this.#toSubscribe.add(event);
      if (delta < 0 && count === 0 && !this.#toSubscribe.delete(event)) this.#toUnsubscribe.add(event);
    }
    if (this.#flushScheduled || (this.#toSubscribe.size === 0 && this.#toUnsubscribe.size === 0)) return;
    this.#flushScheduled = true;
    process.nextTick(() => this.flush());
  }
}
