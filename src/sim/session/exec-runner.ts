/**
 * The channel's private queue of `sendmsg` messages and the park loop that runs it: one message
 * per media frame, serially. Each executed app fires CHANNEL_EXECUTE, its own events, then
 * CHANNEL_EXECUTE_COMPLETE with the variables it set.
 *
 * Variable churn as captured (esl-captures/transcript-basic-loopback.txt): before each run
 * `current_loop`/`total_loops`, `current_application`, `current_application_data` are set and
 * `current_application_response` unset; right after CHANNEL_EXECUTE `current_application` is set
 * again (so it moves behind the data); the loop variables are removed after the last loop.
 * An unknown app fires nothing and hangs up with DESTINATION_OUT_OF_ORDER (more/unknown-app);
 * after a hang-up, queued messages are dropped silently (more/uuid-kill-then-execute).
 */
import { randomUUID } from 'node:crypto';
import type { AppDefinition } from '../apps/app-context.js';
import { applySipAck } from '../apps/channel-ops.js';
import type { EventHeader } from '../wire/event-encoder.js';
import { causeName } from '../channel/hangup-causes.js';
import { expandVariables } from '../util/expand-vars.js';
import type { TimerHandle } from '../util/clock.js';
import type { CallEngine } from './call-engine.js';

/** A queued `sendmsg`. */
export type QueuedMessage =
  | {
      readonly kind: 'execute';
      readonly app: string;
      readonly arg: string;
      readonly eventUuid?: string;
      readonly eventUuidName?: string;
      readonly eventLock: boolean;
      readonly loops: number;
    }
  | { readonly kind: 'hangup'; readonly cause: string };

/** Runs queued messages against the registry of app models. */
export class ExecRunner {
  readonly #engine: CallEngine;
  readonly #registry: ReadonlyMap<string, AppDefinition>;
  readonly #queue: QueuedMessage[] = [];
  #started = false;
  #running: { readonly def: AppDefinition; readonly eventLock: boolean } | undefined;
  #timer: TimerHandle | undefined;
  /** What waits for the running application to return. */
  readonly #whenIdle: Array<() => void> = [];

  constructor(engine: CallEngine, registry: ReadonlyMap<string, AppDefinition>) {
    this.#engine = engine;
    this.#registry = registry;
    engine.onHangupSettled(() => this.#settle());
  }

  /** Whether an app is executing. */
  get busy(): boolean {
    return this.#running !== undefined;
  }

  /** The park loop starts once the client has sent `connect`. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#schedule();
    this.#park();
  }

  // The park loop eats digits only while nothing is running or about to run.
  #park(): void {
    this.#engine.media.setParked(this.#started && !this.#running && this.#queue.length === 0);
  }

  /** Queues a message (the `+OK` has already been sent). */
  push(msg: QueuedMessage): void {
    if (!this.#engine.channel.up || this.#engine.transferred) return;
    const run = this.#running;
    if (msg.kind === 'hangup' && run && run.def.media && !run.eventLock) {
      // A media app drains not-event-locked messages while it plays: the hangup happens now.
      this.#engine.clock.after(this.#engine.options.frameMs, () => this.#engine.hangup(msg.cause));
      return;
    }
    this.#queue.push(msg);
    this.#schedule();
    this.#park();
  }

  /** Runs `fn` once no application runs: at once when none does, else as the running one returns. */
  whenIdle(fn: () => void): void {
    if (this.#running) this.#whenIdle.push(fn);
    else fn();
  }

  /**
   * Another `socket` application took the channel over: the messages queued here (not started yet) go to its
   * queue, which runs them once its own park loop starts.
   */
  handOver(next: ExecRunner): void {
    this.#engine.clock.cancel(this.#timer);
    this.#timer = undefined;
    for (const msg of this.#queue.splice(0)) next.push(msg);
    this.#park();
  }

  /** `uuid_break all`: drops every queued message. */
  flush(): void {
    this.#queue.length = 0;
    this.#park();
  }

  #schedule(): void {
    if (!this.#started || this.#running || this.#timer || this.#queue.length === 0) return;
    this.#timer = this.#engine.clock.after(this.#engine.options.frameMs, () => {
      this.#timer = undefined;
      this.#next();
    });
  }

  #next(): void {
    const msg = this.#queue.shift();
    if (!msg || !this.#engine.channel.up || this.#engine.transferred) return;
    if (msg.kind === 'hangup') {
      this.#engine.hangup(causeName(msg.cause));
      return;
    }
    const def = this.#registry.get(msg.app.toLowerCase());
    if (!def) {
      // FreeSWITCH stores the Event-UUID and the loop counters before it looks the app up, so
      // they stay on the channel (more/unknown-app: CHANNEL_HANGUP shows app_uuid, current_loop).
      const vars = this.#engine.channel.vars;
      if (msg.eventUuid) vars.set('app_uuid', msg.eventUuid);
      vars.set('current_loop', '1');
      vars.set('total_loops', String(msg.loops));
      this.#engine.hangup('DESTINATION_OUT_OF_ORDER');
      return;
    }
    this.#running = { def, eventLock: msg.eventLock };
    this.#park();
    void this.#execute(msg, def).then(
      () => this.#done(),
      () => this.#done(),
    );
  }

  async #execute(msg: Extract<QueuedMessage, { kind: 'execute' }>, def: AppDefinition): Promise<void> {
    const engine = this.#engine;
    const vars = engine.channel.vars;
    const loops = msg.loops < 0 ? Infinity : Math.max(1, msg.loops);
    const appUuid = msg.eventUuid ?? randomUUID();
    applySipAck(engine.channel);
    for (let loop = 1; loop <= loops && engine.channel.up; loop++) {
      const started = engine.clock.nowMs();
      vars.set('current_loop', String(loop));
      vars.set('total_loops', String(msg.loops));
      const arg = vars.get('app_disable_expand_variables') === 'true' ? msg.arg : expandVariables(msg.arg, vars);
      vars.set('current_application', msg.app);
      vars.set('current_application_data', arg);
      vars.unset('current_application_response');
      const data: EventHeader[] = arg === '' ? [] : [['Application-Data', arg]];
      const ids: EventHeader[] = [['Application-UUID', appUuid]];
      if (msg.eventUuidName) ids.push(['Application-UUID-Name', msg.eventUuidName]);
      engine.fire('CHANNEL_EXECUTE', { post: [['Application', msg.app], ...data, ...ids] });
      vars.set('current_application', msg.app);
      engine.lastApp = msg.app;
      engine.lastArg = arg;
      engine.hooks.execute(msg.app, arg, msg.eventUuid);
      const response = await def.run(engine.contextFor(msg.app), arg);
      if (response !== undefined) vars.set('current_application_response', response);
      engine.fire('CHANNEL_EXECUTE_COMPLETE', {
        post: [
          ['Application', msg.app],
          ...data,
          ['Application-Response', vars.get('current_application_response') ?? '_none_'],
          ...ids,
        ],
      });
      engine.hooks.complete(msg.app, arg, msg.eventUuid);
      // Endless loops stop when one run took less than half a second.
      if (loops === Infinity && engine.clock.nowMs() - started < 500) break;
    }
    vars.unset('current_loop');
    vars.unset('total_loops');
  }

  #done(): void {
    this.#running = undefined;
    for (const fn of this.#whenIdle.splice(0)) fn();
    if (!this.#engine.channel.up) {
      this.#settle();
      return;
    }
    this.#schedule();
    this.#park();
  }

  // After a hang-up: queued messages never run; the channel is torn down once no app runs.
  #settle(): void {
    this.#queue.length = 0;
    this.#engine.clock.cancel(this.#timer);
    this.#timer = undefined;
    if (!this.#running) this.#engine.teardown();
  }
}
