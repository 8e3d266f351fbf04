/**
 * A pino destination that reads the server's own log lines and passes on what a transcript shows: each verb as
 * the engine starts it (its `verb` debug line) and every warning or error with its code.
 */

/** What the tap reports. */
export interface LogTapHandlers {
  /** The engine starts a verb: its element name and line in the document. */
  verb(kind: string, line: number | undefined): void;
  /** A warning or error line that carries a code. */
  problem(level: string, code: string, message: string): void;
}

const SHOWN_LEVELS: ReadonlySet<string> = new Set(['warn', 'error', 'fatal']);

/** The destination to give `createLogger('debug', …)`. Lines that are not JSON are ignored. */
export function createLogTap(handlers: LogTapHandlers): { write(line: string): void } {
  return {
    write(line: string): void {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      const { msg, level, code } = entry;
      if (msg === 'verb' && typeof entry['verb'] === 'string') {
        handlers.verb(entry['verb'], typeof entry['line'] === 'number' ? entry['line'] : undefined);
        return;
      }
      if (typeof level === 'string' && SHOWN_LEVELS.has(level) && typeof code === 'string') {
        const detail = errorText(entry['err']);
        handlers.problem(level, code, `${typeof msg === 'string' ? msg : ''}${detail}`);
      }
    },
  };
}

/** The text of a logged `err`: a message string, or the message of a serialised error. */
function errorText(err: unknown): string {
  if (typeof err === 'string') return `: ${err}`;
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string') return `: ${err.message}`;
  return '';
}
