/**
 * The engine's reports of each call's life (call/call-lifecycle.ts) written to the registry of calls: the bridge
 * between the engine's names (a Kazoo account id, its directions) and the API's (`AC` + 32 hex).
 *
 * The observer cannot wait for the store: each report is written at once, in the order the engine makes them
 * (the in-memory registry applies a write before its promise is even returned; a remote store keeps the order of
 * one call's writes itself). A write that fails is logged, never thrown into the call (at debug when the shared
 * store is unreachable: its connection logs the outage once).
 */
import type { Logger } from 'pino';
import type { CallLifecycleObserver, EndedCall, StartedCall } from '../call/call-lifecycle.js';
import { toAppError } from '../errors.js';
import type { CallRegistry } from './call-registry.js';
import { accountSidOf } from './sids.js';

/** An observer that records every call the engine reports in `registry`. */
export function registryObserver(registry: CallRegistry, log: Logger): CallLifecycleObserver {
  const failed = (callSid: string) => (err: unknown): void => {
    const error = toAppError(err);
    // A shared store that is unreachable logs its outage once itself; each call's lost write is a detail of it.
    const level = error.code.startsWith('ERR_CLUSTER_REDIS_') ? 'debug' : 'warn';
    log[level]({ callSid, code: error.code, err: error.message }, 'the registry of calls could not record a change');
  };
  return {
    started(call: StartedCall): void {
      registry.add({
        sid: call.callSid,
        accountSid: accountSidOf(call.accountSid) ?? call.accountSid,
        to: call.to,
        from: call.from,
        status: call.answeredAt ? 'in-progress' : 'ringing',
        direction: call.direction,
        ...(call.parentCallSid !== undefined && { parentCallSid: call.parentCallSid }),
        ...(call.callerName !== undefined && { callerName: call.callerName }),
        dateCreated: call.at,
        dateUpdated: call.at,
        ...(call.answeredAt && { startTime: call.answeredAt }),
      }).catch(failed(call.callSid));
    },
    answered(callSid: string, at: Date): void {
      registry.update(callSid, { status: 'in-progress', startTime: at }).catch(failed(callSid));
    },
    ended(callSid: string, end: EndedCall): void {
      registry.update(callSid, { status: end.status, endTime: end.at, duration: end.durationSeconds })
        .catch(failed(callSid));
    },
  };
}
