/**
 * Whether a call keeps a debug log: the channel variable `pivot_debug` (true, 1, yes or on) asks for it, and the
 * configuration must name a directory (`webhook.debugDir`).
 */
import type { Logger } from 'pino';
import { DebugLog } from '../webhook/index.js';
import type { EngineSettings } from './engine-settings.js';
import { logCode } from '../log-code.js';

export const DEBUG_VARIABLE = 'pivot_debug';

/** The call's debug log when it is `wanted` (see call-setup.ts), or undefined when it keeps none. */
export function openDebugLog(wanted: boolean, settings: EngineSettings, callSid: string, log: Logger): DebugLog | undefined {
  if (!wanted) return undefined;
  const dir = settings.debug.dir;
  if (dir === undefined) {
    logCode(log, 'ERR_WEBHOOK_DEBUG_LOG', { variable: DEBUG_VARIABLE }, 'debug log asked for, but webhook.debugDir is empty');
    return undefined;
  }
  const debugLog = new DebugLog({ dir, callSid, log, bodyBytes: settings.debug.bodyBytes });
  log.info({ file: debugLog.path }, 'debug log of the call');
  return debugLog;
}
