/**
 * The one value the engine runs a call from: who the call is (its request description), where its script comes
 * from, how its requests are named, where its status callbacks go, whether it keeps a debug log, and the realm its
 * `<User>`/`<Device>` endpoints ring in.
 *
 * For a call FreeSWITCH hands over, {@link readCallSetup} reads it from the channel, once, at the start of the call:
 * no other part of the engine reads these channel variables. (Variables that belong to an event, such as a
 * recording's `record_ms` or a bridge's `originate_disposition`, are read where the event is handled.)
 *
 * A call placed by this server itself (e.g. through a REST API) does not describe itself in channel variables: its
 * setup is built by whoever placed it (its own AccountSid, direction `outbound-api`, a source URL, a status
 * callback with the events it chose) and handed to the engine through `CallEngineDeps.setupOf` (call-engine.ts).
 */
import type { Logger } from 'pino';
import { toAppError, type AppError } from '../errors.js';
import type { ChannelData } from '../esl/index.js';
import { parseFlag } from '../util/flag-words.js';
import type { ParamFormat } from '../webhook/index.js';
import { callLog, describeCall, type CallIdentity } from './call-description.js';
import { requestFormatOf, resolveCallSource, SourceVariable, type CallSource } from './call-source.js';
import { DEBUG_VARIABLE } from './debug-log.js';
import type { EngineSettings } from './engine-settings.js';
import { statusTargetOf, StatusVariable, type StatusTarget } from './status/status-target.js';

/** Kazoo's realm of the account, a custom channel variable set before the call is handed to us. */
export const REALM_VARIABLE = 'ecallmgr_Realm';

/** Everything the engine runs a call from. */
export interface CallSetup {
  /** The call as its requests describe it (CallSid, AccountSid, From, To, Direction...). */
  readonly identity: CallIdentity;
  /** The script; the error when the call has no usable one (it is then refused unanswered). */
  readonly source: CallSource | AppError;
  /** The naming of the call's request parameters. */
  readonly format: ParamFormat;
  /** The call's status callback, if it has one. */
  readonly statusTarget: StatusTarget | undefined;
  /** Whether the call asks for a debug log (kept when `webhook.debugDir` is set). */
  readonly debug: boolean;
  /** The realm of `<User>`/`<Device>` endpoints: configured, else the account's, else the SIP To host; '' when unknown. */
  readonly realm: string;
}

/** The channel's value of `name`, trimmed; undefined when unset or blank. */
function valueOf(data: ChannelData, name: string): string | undefined {
  const value = data.variable(name)?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Reads the setup of a call FreeSWITCH handed over from its channel data, each variable once. Values that cannot
 * be used are reported on the call's log (bound to its ids, from `log`) and replaced by the defaults; a call
 * without a usable voice URL gets its error as its source.
 */
export function readCallSetup(data: ChannelData, settings: EngineSettings, log: Logger): CallSetup {
  const identity = describeCall(data, settings);
  const warnings = callLog(log, identity);
  const format = requestFormatOf(valueOf(data, SourceVariable.ReqFormat), settings, warnings);
  let source: CallSource | AppError;
  try {
    source = resolveCallSource({
      voiceUrl: valueOf(data, SourceVariable.VoiceUrl),
      voiceMethod: valueOf(data, SourceVariable.VoiceMethod),
      fallbackUrl: valueOf(data, SourceVariable.FallbackUrl),
    }, data.destinationNumber, settings, warnings);
  } catch (err) {
    source = toAppError(err);
  }
  const statusTarget = statusTargetOf({
    url: valueOf(data, StatusVariable.Url),
    method: valueOf(data, StatusVariable.Method),
    events: valueOf(data, StatusVariable.Events),
  }, settings, warnings);
  return {
    identity,
    source,
    format,
    statusTarget,
    debug: parseFlag(valueOf(data, DEBUG_VARIABLE) ?? '') === true,
    realm: settings.dial.realm || valueOf(data, REALM_VARIABLE) || identity.toRealm || '',
  };
}
