/**
 * The per-call debug log (Kazoo Pivot's `debug` flag): every webhook request of a call and its response, one JSON
 * line each, appended to `<dir>/<CallSid>.jsonl` in the order the requests finish. Secrets are redacted before a
 * line is written (see debug-redact.ts). Writing never fails the call: a write error is logged once.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { WebhookDebugRecord } from './debug-record.js';
import { redactDebugRecord } from './debug-redact.js';
import { logCode } from '../log-code.js';

/** One line of a debug log. */
export interface DebugLogLine extends WebhookDebugRecord {
  readonly callSid: string;
  /** 1 for the call's first request, then counting up. */
  readonly sequence: number;
}

/** The file of a call's debug log; the CallSid is reduced to a safe file name. */
export function debugLogPath(dir: string, callSid: string): string {
  return join(dir, `${callSid.replace(/[^A-Za-z0-9_-]/g, '_')}.jsonl`);
}

/** Appends a call's debug records to its file. */
export class DebugLog {
  readonly path: string;
  readonly #dir: string;
  readonly #callSid: string;
  readonly #log: Logger;
  readonly #bodyBytes: number;
  #sequence = 0;
  #chain: Promise<void>;
  #failed = false;

  constructor(options: { dir: string; callSid: string; log: Logger; bodyBytes: number }) {
    this.#dir = options.dir;
    this.#callSid = options.callSid;
    this.#log = options.log;
    this.#bodyBytes = options.bodyBytes;
    this.path = debugLogPath(options.dir, options.callSid);
    this.#chain = mkdir(this.#dir, { recursive: true, mode: 0o700 }).then(() => undefined, (err: unknown) => this.#fail(err));
  }

  /** Queues a record; it is written after the ones before it. */
  write(record: WebhookDebugRecord): void {
    const redacted = redactDebugRecord(record);
    const excerpt = redacted.bodyExcerpt;
    const line: DebugLogLine = {
      callSid: this.#callSid,
      sequence: ++this.#sequence,
      ...redacted,
      ...(excerpt !== undefined && { bodyExcerpt: excerpt.slice(0, this.#bodyBytes) }),
    };
    const text = `${JSON.stringify(line)}\n`;
    this.#chain = this.#chain.then(async () => {
      if (this.#failed) return;
      try {
        await appendFile(this.path, text, { mode: 0o600 });
      } catch (err) {
        this.#fail(err);
      }
    });
  }

  /** Resolves when every queued record is written (or given up). Never rejects. */
  flush(): Promise<void> {
    return this.#chain;
  }

  #fail(err: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    logCode(this.#log, 'ERR_WEBHOOK_DEBUG_LOG', { file: this.path, err: err instanceof Error ? err.message : String(err) },
      'the debug log cannot be written; the call goes on without it');
  }
}
