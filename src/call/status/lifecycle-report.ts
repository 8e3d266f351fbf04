/**
 * Reports one call's life to the engine's {@link CallLifecycleObserver}: started now, answered when its channel
 * answers (this server's clock), ended with the status Twilio would give it (final-status.ts) and its duration in
 * whole seconds from FreeSWITCH's answer and hangup times (call-times.ts).
 */
import type { EslChannel } from '../../esl/index.js';
import type { CallLifecycleObserver } from '../call-lifecycle.js';
import type { CallIdentity } from '../call-description.js';
import { CallTimes } from './call-times.js';
import { finalCallStatus, type CallEnding } from './final-status.js';

/** Reports the call's start at once; the returned `ended` reports its end (once) and stops watching the channel. */
export function reportLifecycle(channel: EslChannel, identity: CallIdentity, observer: CallLifecycleObserver,
  timeScale: number): { ended(ending: CallEnding): void } {
  const started = new Date();
  observer.started({
    callSid: identity.callSid,
    accountSid: identity.accountSid,
    to: identity.to,
    from: identity.from,
    // A channel FreeSWITCH created itself (an originate, Kazoo's `outbound`) reached this server as a placed call.
    direction: identity.direction === 'inbound' || identity.direction === 'outbound-dial' ? identity.direction : 'outbound-api',
    ...(identity.callerName !== undefined && { callerName: identity.callerName }),
    at: started,
    ...(channel.answered && { answeredAt: started }),
  });
  const stopWatchingAnswer = channel.answered ? undefined
    : channel.on('answer', () => observer.answered(identity.callSid, new Date()));
  const times = new CallTimes(channel, timeScale);
  let done = false;
  return {
    ended(ending) {
      if (done) return;
      done = true;
      stopWatchingAnswer?.();
      times.dispose();
      observer.ended(identity.callSid, { status: finalCallStatus(ending),
        at: new Date(), durationSeconds: ending.answered ? times.seconds() : 0 });
    },
  };
}
