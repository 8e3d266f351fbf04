import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * The root logger: pino JSON lines on stdout (or `destination`), with the service name bound. Calls log through a
 * child bound to their uuid.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'pivot-esl' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }, destination ?? pino.destination({ sync: false }));
}
