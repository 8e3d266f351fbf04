import type { Dispatcher } from 'undici';
import { createCallHandler, createWebhookClient, type RecordingStore } from './call/index.js';
import type { Config } from './config/index.js';
import { eslServerOptions } from './config/index.js';
import { AppError } from './errors.js';
import type { EslChannel } from './esl/channel.js';
import { EslServer } from './esl/server.js';
import type { CallHandler } from './esl/serve-connection.js';
import type { Logger } from './log.js';

export interface AppDeps {
  config: Readonly<Config>;
  log: Logger;
  /** What runs each call. Default: the TwiML engine over `dispatcher`; with neither, calls are refused. */
  handler?: CallHandler;
  /** The shared webhook dispatcher (from `createWebhookDispatcher`) the TwiML engine sends its requests through. */
  dispatcher?: Dispatcher;
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
  return new EslServer(eslServerOptions(deps.config), deps.log, handler ?? refuseCall);
}

/** Without a call script runner the call cannot be served: say so, and let the server hang it up. */
async function refuseCall(channel: EslChannel): Promise<void> {
  const err = new AppError('ERR_NO_CALL_HANDLER');
  channel.log.error({ code: err.code }, err.message);
}
