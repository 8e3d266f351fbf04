import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Secrets never written to a log line, wherever a line carries them: tokens, passwords, and the request headers
 * that carry credentials or a signature (one level of nesting: `headers.authorization`, `config.webhook.authToken`).
 */
export const REDACTED_PATHS = [
  'authToken', '*.authToken', '*.*.authToken',
  'password', '*.password', '*.*.password', 'nodes[*].password', '*.nodes[*].password', '*.*.nodes[*].password',
  'authorization', 'Authorization', '*.authorization', '*.Authorization',
  'headers.authorization', 'headers.Authorization', '*.headers.authorization', '*.headers.Authorization',
  'headers["x-twilio-signature"]', 'headers["X-Twilio-Signature"]',
  '*.headers["x-twilio-signature"]', '*.headers["X-Twilio-Signature"]',
  '["x-twilio-signature"]', '["X-Twilio-Signature"]',
];

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
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  }, destination ?? pino.destination({ sync: false }));
}
