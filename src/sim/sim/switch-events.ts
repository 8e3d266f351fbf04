/**
 * The switch-wide event system of the simulator: every channel event a call raises goes through it, as FreeSWITCH's
 * events reach every Event Socket listener. The inbound Event Socket (a park-watcher's connection) listens to all of
 * them; a call's outbound connection follows the events of its own channel that another `socket` application on the
 * same channel raises (after an inline `uuid_transfer`, two connections share one channel).
 */
import type { SimEvent } from '../channel/event-factory.js';

/** Receives an event and what raised it (the engine of a call, or undefined for the node itself). */
export type SwitchListener = (event: SimEvent, source: object | undefined) => void;

export class SwitchEvents {
  readonly #all = new Set<SwitchListener>();
  readonly #byChannel = new Map<string, Set<SwitchListener>>();

  /** Hands an event to every listener, then to the followers of its channel. */
  publish(event: SimEvent, source?: object): void {
    for (const listener of this.#all) listener(event, source);
    if (event.uniqueId === undefined) return;
    const followers = this.#byChannel.get(event.uniqueId);
    if (followers) for (const listener of [...followers]) listener(event, source);
  }

  /** Listens to every event; returns the function that stops listening. */
  listen(listener: SwitchListener): () => void {
    this.#all.add(listener);
    return () => this.#all.delete(listener);
  }

  /** Listens to the events of one channel; returns the function that stops listening. */
  follow(uuid: string, listener: SwitchListener): () => void {
    let followers = this.#byChannel.get(uuid);
    if (!followers) {
      followers = new Set();
      this.#byChannel.set(uuid, followers);
    }
    followers.add(listener);
    return () => {
      followers.delete(listener);
      if (followers.size === 0 && this.#byChannel.get(uuid) === followers) this.#byChannel.delete(uuid);
    };
  }
}
