/**
 * The sending end of a leg to another server of the cluster (remote-reach.ts): the call runs one FreeSWITCH
 * `bridge` to the leg's endpoint (a `loopback/` leg into the pivot-cluster context of its own node, or a `sofia/`
 * leg to another node's inter-node address), as a `<Dial>` does: the caller survives every outcome
 * (`continue_on_fail`, no `hangup_after_bridge`), the leg rings at most `answerTimeoutSeconds`
 * (`originate_timeout`), and the outcome is read as a Dial's DialCallStatus (dial-status.ts). The server at the
 * other end answers only once it has taken the leg's job, so a bridged leg means the job ran there.
 *
 * Only what this server made goes into the dial string: the endpoint (configured names and addresses, and a hex
 * token), and the leg variables it was given (checked once more by dialString).
 */
import { randomUUID } from 'node:crypto';
import { toAppError } from '../../errors.js';
import { onAbort } from '../../util/abort.js';
import type { CallContext } from '../call-context.js';
import type { VarList } from '../dial/dial-legs.js';
import { dialCallStatus } from '../dial/dial-status.js';
import { dialString } from '../dial/dial-string.js';
import { endpointValue } from '../dial/dial-values.js';
import { executeBridge } from '../dial/execute-bridge.js';
import { keepCallerThroughBridge } from '../dial/ring-dial.js';
import { wasInterrupted } from '../live-calls.js';
import type { LegResult } from './remote-reach.js';

/** Where a leg goes: its endpoint and its own (`[]`) variables. */
export interface LegTarget {
  readonly endpoint: string;
  readonly vars: VarList;
}

/** How the bridge of a leg went. */
export interface LegBridgeReport {
  readonly outcome: LegResult['outcome'];
  /** The leg's uuid (its `origination_uuid`). */
  readonly legUuid: string;
  /** `originate_disposition`, or the cause the bridged leg ended with (`bridge_hangup_cause`). */
  readonly cause: string | undefined;
}

/** Bridges `ctx`'s call to the leg; resolves once the bridge is over. Throws only what is not a hangup of the call. */
export async function bridgeLeg(ctx: CallContext, target: LegTarget, answerTimeoutSeconds: number): Promise<LegBridgeReport> {
  const legUuid = randomUUID();
  const arg = dialString([['originate_timeout', String(answerTimeoutSeconds)]],
    [{ endpoint: endpointValue(target.endpoint), vars: [['origination_uuid', legUuid], ...target.vars] }]);
  await keepCallerThroughBridge(ctx, '');
  let bridged = false;
  const offs = [
    ctx.channel.on('bridge', ({ otherUuid }) => { if (otherUuid === legUuid) bridged = true; }),
    // An interrupted document (the call still up) ends the leg, so the bridge returns.
    onAbort(ctx.signal, () => {
      if (wasInterrupted(ctx.signal)) {
        void ctx.channel.api(`uuid_kill ${legUuid} NORMAL_CLEARING`).catch((err: unknown) =>
          ctx.log.debug({ leg: legUuid, err: toAppError(err).message }, 'leg not hung up (gone already)'));
      }
    }),
  ];
  const completion = await executeBridge(ctx, arg, offs);
  const disposition = completion?.event.variable('originate_disposition');
  const outcome = dialCallStatus({ bridgedUuid: bridged ? legUuid : undefined, disposition, callerHungUp: ctx.signal.aborted });
  return {
    outcome: outcome === 'answered' ? 'completed' : outcome,
    legUuid,
    cause: bridged ? completion?.event.variable('bridge_hangup_cause') : disposition,
  };
}
