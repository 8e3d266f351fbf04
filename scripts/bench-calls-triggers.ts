/**
 * What triggered each action of the server while a call was recorded (bench-calls-template.ts): the connection, a
 * command's reply, an event by name, an HTTP response, or nothing new (`'previous'`: sent along with the previous
 * action, as the server sends a subscription change and the command or request that follows it). The server never
 * waits for the reply to a subscription change (`event`/`nixevent` sent while a verb listens, EslChannel), so such a
 * reply triggers nothing, whenever it comes: that keeps the recording the same from one run to the next.
 */

/**
 * `'connect'` (the connection opened), `'reply'` (the reply to a command), `'http'` (an HTTP response), `'previous'`
 * (nothing new since the previous action), or an event by name (`'disconnect'` for the disconnect notice).
 */
export type Trigger = string;

/** Whether a command changes the connection's subscriptions (its reply is waited for by nobody). */
export function isSubscriptionChange(command: string): boolean {
  return /^(?:event|nixevent) /.test(command);
}

/** What a frame written by FreeSWITCH is, as a trigger: the reply, the event's name, or the disconnect notice. */
export function triggerOf(frame: Buffer): Trigger {
  const text = frame.toString('latin1', 0, Math.min(frame.length, 4096));
  const name = /"Event-Name":\s*"([^"]+)"/.exec(text)?.[1];
  if (name !== undefined) return name;
  if (text.startsWith('Content-Type: text/disconnect-notice')) return 'disconnect';
  return 'reply';
}

/** Follows the frames the simulator wrote (one per write, in order) and names the trigger of each server action. */
export class TriggerTracker {
  readonly #writes: () => readonly Buffer[];
  /** Writes looked at so far. */
  #read = 0;
  /** Frames that can trigger an action, so far (HTTP responses included), and the latest one. */
  #frames = 0;
  #last: Trigger = 'connect';
  #framesAtLastAction = -1;
  /** Per command whose reply has not come yet, in order: whether that reply triggers nothing. */
  readonly #replies: boolean[] = [];

  constructor(writes: () => readonly Buffer[]) {
    this.#writes = writes;
  }

  /** The server sent `command` (before the simulator answers it): its trigger. */
  command(command: string): Trigger {
    const trigger = this.#action();
    this.#replies.push(isSubscriptionChange(command));
    return trigger;
  }

  /** The server made an HTTP request: its trigger. */
  request(): Trigger {
    return this.#action();
  }

  /** An HTTP response was written. */
  responded(): void {
    this.#catchUp();
    this.#frames++;
    this.#last = 'http';
  }

  #action(): Trigger {
    this.#catchUp();
    const trigger = this.#frames === this.#framesAtLastAction ? 'previous' : this.#last;
    this.#framesAtLastAction = this.#frames;
    return trigger;
  }

  #catchUp(): void {
    const writes = this.#writes();
    for (; this.#read < writes.length; this.#read++) {
      const trigger = triggerOf(writes[this.#read] as Buffer);
      if (trigger === 'reply' && this.#replies.shift() === true) continue;
      this.#frames++;
      this.#last = trigger;
    }
  }
}
