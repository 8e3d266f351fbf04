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
  /** What runs each call; without one, calls are refused with a logged error. */
  handler?: CallHandler;
}

/** The composition root: the only place where the server's parts are built and wired together. */
export function createApp(deps: AppDeps): EslServer {
  return new EslServer(eslServerOptions(deps.config), deps.log, deps.handler ?? refuseCall);
}

/** Without a call script runner the call cannot be served: say so, and let the server hang it up. */
async function refuseCall(channel: EslChannel): Promise<void> {
  const err = new AppError('ERR_NO_CALL_HANDLER');
  channel.log.error({ code: err.code }, err.message);
}
