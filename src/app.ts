import type { Dispatcher } from 'undici';
import { createCallHandler, createWebhookClient, type RecordingStore } from './call/index.js';
import type { Config } from './config/index.js';
import { eslServerOptions } from './config/index.js';
import { AppError } from './errors.js';
import type { EslChannel } from './esl/channel.js';
import { EslServer } from './esl/server.js';
import type { CallHandler } from './esl/serve-connection.js';
import type { Logger } from './log.js';
import type { Observer } from './metrics/observer.js';
import type { ChannelData } from './esl/channel-data.js';
import { ACCOUNT_ID_VARIABLE, callLogIds } from './call/call-description.js';

export interface AppDeps {
  config: Readonly<Config>;
  log: Logger;
  /** What runs each call. Default: the TwiML engine over `dispatcher`; with neither, calls are refused. */
  handler?: CallHandler;
  /** The shared webhook dispatcher (from `createWebhookDispatcher`) the TwiML engine sends its requests through. */
  dispatcher?: Dispatcher;
  /** Where the Event Socket layer reports calls and round trips (metrics). */
  observer?: Observer;
  /** Where the TwiML engine delivers recordings (default: one HTTP PUT, see createCallHandler). */
  recordings?: RecordingStore;
}

/** The composition root: the only place where the server's parts are built and wired together. */
export function createApp(deps: AppDeps): EslServer {
  let handler = deps.handler;
  if (!handler && deps.dispatcher) {
    handler = createCallHandler({
      config: deps.config,
      webhook: createWebhookClient(deps.config, deps.dispatcher),
      ...(deps.recordings && { recordings: deps.recordings }),
    });
  }
  const options = { ...eslServerOptions(deps.config), logBindings: callLogBindings(deps.config),
    ...(deps.observer ? { observer: deps.observer } : {}) };
  return new EslServer(options, deps.log, handler ?? refuseCall);
}

/**
 * The ids every log line of a call carries besides its uuid: CallSid (the uuid, as on every request) and
 * AccountSid (Kazoo's account id, else the configured one; none when neither is set), so that a call's lines can be
 * found by either.
 */
function callLogBindings(config: Readonly<Config>): (data: ChannelData) => Record<string, string> {
  return (data) => callLogIds(data.uuid, data.variable(ACCOUNT_ID_VARIABLE) || config.call.accountSid);
}

/** Without a call script runner the call cannot be served: say so, and let the server hang it up. */
async function refuseCall(channel: EslChannel): Promise<void> {
  const err = new AppError('ERR_NO_CALL_HANDLER');
  channel.log.error({ code: err.code }, err.message);
}
