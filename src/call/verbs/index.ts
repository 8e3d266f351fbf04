/**
 * The verb registry: one handler per TwiML verb, typed over the Verb union, so that a verb without a handler is
 * a compile error.
 */
import type { Verb } from '../../twiml/index.js';
import { dial } from './dial.js';
import { enqueue } from './enqueue.js';
import { gather } from './gather.js';
import { hangup } from './hangup.js';
import { leave } from './leave.js';
import { pause } from './pause.js';
import { play } from './play.js';
import { record } from './record.js';
import { redirect } from './redirect.js';
import { reject } from './reject.js';
import { say } from './say.js';
import { set } from './set.js';
import { skipped } from './skipped.js';
import type { VerbHandler } from './verb-handler.js';

export { CONTINUE, END, navigate, type Navigation, type VerbHandler, type VerbOutcome } from './verb-handler.js';

/** A handler for every verb kind. */
export type VerbRegistry = { readonly [K in Verb['kind']]: VerbHandler<Extract<Verb, { kind: K }>> };

export const VERBS: VerbRegistry = Object.freeze({
  Say: say,
  Play: play,
  Pause: pause,
  Gather: gather,
  Record: record,
  Dial: dial,
  Redirect: redirect,
  Hangup: hangup,
  Reject: reject,
  Set: set,
  Enqueue: enqueue,
  Leave: leave,
  Pay: skipped,
  Refer: skipped,
  Connect: skipped,
});

/** The handler of a verb. */
export function handlerFor<V extends Verb>(verb: V): VerbHandler<V> {
  return VERBS[verb.kind] as unknown as VerbHandler<V>;
}
