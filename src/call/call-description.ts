/**
 * The call as the customer's web server sees it: the request parameters that describe the call itself. The
 * fixed part is read once from the channel data; CallStatus follows the call.
 */
import type { Logger } from 'pino';
import type { ChannelData } from '../esl/index.js';
import type { CallDescription } from '../webhook/index.js';
import type { EngineSettings } from './engine-settings.js';

/** The part of a call's description that does not change during the call. */
export type CallIdentity = Omit<CallDescription, 'callStatus'>;

/** Kazoo's account id, a custom channel variable set before the call is handed to us. */
export const ACCOUNT_ID_VARIABLE = 'ecallmgr_Account-ID';

/** Kazoo's owner (user) id of the calling device, a custom channel variable (sent as Kazoo's `User-ID`). */
export const OWNER_ID_VARIABLE = 'ecallmgr_Owner-ID';

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Describes the call from the reply to `connect` (called by call-setup.ts, once per call).
 *
 * CallSid is the channel uuid, which is also Kazoo's Call-ID for this leg. AccountSid is Kazoo's account id,
 * else the configured default, else empty (and then left out of requests).
 *
 * Direction: FreeSWITCH marks every channel it creates itself with `Call-Direction: outbound` (an `originate`,
 * which is how Kazoo places click-to-call and API calls, or a leg created by a bridge), and a channel that arrived
 * from a phone or a carrier with `inbound`. A call handed to us on an `outbound` channel was therefore placed by
 * Kazoo (or FreeSWITCH) and is described as `outbound`; any other as `inbound`.
 */
export function describeCall(data: ChannelData, settings: EngineSettings): CallIdentity {
  const accountSid = nonEmpty(data.variable(ACCOUNT_ID_VARIABLE)) ?? settings.defaults.accountSid;
  const callerNumber = nonEmpty(data.callerIdNumber);
  const identity: CallIdentity = {
    callSid: data.uuid,
    accountSid: accountSid ?? '',
    from: callerNumber ?? nonEmpty(data.variable('sip_from_user')) ?? '',
    to: nonEmpty(data.destinationNumber) ?? nonEmpty(data.variable('sip_to_user')) ?? '',
    direction: data.direction === 'outbound' ? 'outbound' : 'inbound',
    callerName: nonEmpty(data.callerIdName),
    callerNumber,
    fromRealm: nonEmpty(data.variable('sip_from_host')),
    toRealm: nonEmpty(data.variable('sip_to_host')),
    request: nonEmpty(data.variable('sip_req_user')),
    requestRealm: nonEmpty(data.variable('sip_req_host')),
    userId: nonEmpty(data.variable(OWNER_ID_VARIABLE)),
  };
  return identity;
}

/** The ids every log line of a call carries besides its uuid: CallSid, and AccountSid when the call has one. */
export function callLogIds(callSid: string, accountSid: string | undefined): { callSid: string; accountSid?: string } {
  return accountSid ? { callSid, accountSid } : { callSid };
}

/**
 * `log` bound to the call's ids, unless it is already: the Event Socket layer may have bound them (server/compose.ts).
 */
export function callLog(log: Logger, identity: Pick<CallIdentity, 'callSid' | 'accountSid'>): Logger {
  return 'callSid' in log.bindings() ? log : log.child(callLogIds(identity.callSid, identity.accountSid));
}

/**
 * CallStatus as Twilio reports it on TwiML requests: `ringing` before the call is answered, `in-progress` while
 * it is up, `completed` once it has ended (the requests made after a hangup, such as a Record action).
 */
export function callStatus(call: { readonly answered: boolean; readonly ended: boolean }): string {
  if (call.ended) return 'completed';
  return call.answered ? 'in-progress' : 'ringing';
}
