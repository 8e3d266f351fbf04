/**
 * The durable part of recording delivery: one JSON sidecar per recording in `<spoolDir>/queue/`, written
 * atomically (a temporary file, then rename), naming the WAV file in the spool directory, where it goes, how many
 * attempts were made and when the next is due. A recording given up is moved, with its sidecar, to
 * `<spoolDir>/failed/`.
 *
 * The sidecar keeps the upload URL as given (it may carry credentials for Basic auth), so `queue/` and `failed/`
 * are created private (0700) and the files 0600, whatever the spool directory itself allows FreeSWITCH (see
 * spool-directory.ts). Auth tokens are never written: they come from the configuration when the upload is signed.
 */
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Params } from '../../webhook/index.js';

/** A recording waiting for delivery, as its sidecar keeps it. */
export interface QueueEntry {
  readonly version: 1;
  readonly recordingSid: string;
  readonly callSid: string;
  readonly accountSid: string;
  /** The WAV file's name in the spool directory. */
  readonly file: string;
  /** The upload URL, credentials and connection-override fragment included. */
  readonly url: string;
  /** Upload attempts made so far. */
  readonly attempts: number;
  /** When the next attempt is due, in epoch milliseconds. */
  readonly nextAttemptAt: number;
  readonly createdAt: number;
  /** The code of the last failure. */
  readonly lastError?: string;
  /** Twilio's number for the last failure, sent as ErrorCode when the recording is given up. */
  readonly lastTwilioCode?: number;
  readonly statusCallback?: {
    readonly url: string;
    readonly method: 'GET' | 'POST';
    readonly params: Params;
    readonly reportCompleted: boolean;
  };
}

/** The directories of a spool. */
export interface SpoolDirs {
  readonly spool: string;
  readonly queue: string;
  readonly failed: string;
}

export function spoolDirs(spoolDir: string): SpoolDirs {
  return { spool: spoolDir, queue: join(spoolDir, 'queue'), failed: join(spoolDir, 'failed') };
}

/** Creates the queue and failed directories. */
export async function prepareSpool(dirs: SpoolDirs): Promise<void> {
  await mkdir(dirs.queue, { recursive: true, mode: 0o700 });
  await mkdir(dirs.failed, { recursive: true, mode: 0o700 });
}

/** The sidecar file of a recording. */
export function entryPath(dirs: SpoolDirs, recordingSid: string): string {
  return join(dirs.queue, `${recordingSid}.json`);
}

/** The WAV file of an entry; a name that would leave the spool directory is refused. */
export function wavPath(dirs: SpoolDirs, entry: QueueEntry): string {
  if (entry.file !== basename(entry.file) || entry.file.startsWith('.')) throw new Error(`bad file name in the queue: ${entry.file}`);
  return join(dirs.spool, entry.file);
}

/** Writes (or replaces) an entry's sidecar atomically. */
export async function writeEntry(dirs: SpoolDirs, entry: QueueEntry): Promise<void> {
  // Synchronous on purpose: a sidecar is a few hundred bytes written without fsync, cheaper than four thread-pool
  // round trips, which under load queue behind every other call's file work and delay the first upload.
  const path = entryPath(dirs, entry.recordingSid);
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, JSON.stringify(entry), { mode: 0o600 });
  renameSync(temporary, path);
}

/** Removes a delivered recording: its WAV file, then its sidecar (synchronous, for the same reason). */
export async function removeEntry(dirs: SpoolDirs, entry: QueueEntry): Promise<void> {
  unlinkIfThere(wavPath(dirs, entry));
  unlinkIfThere(entryPath(dirs, entry.recordingSid));
}

function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Moves a recording given up (WAV file, when there is one, and sidecar) to the failed directory. */
export async function moveToFailed(dirs: SpoolDirs, entry: QueueEntry): Promise<void> {
  await rename(wavPath(dirs, entry), join(dirs.failed, entry.file)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await writeFile(join(dirs.failed, `${entry.recordingSid}.json`), JSON.stringify(entry), { mode: 0o600 });
  await rm(entryPath(dirs, entry.recordingSid), { force: true });
}

function isEntry(value: unknown): value is QueueEntry {
  const e = value as Partial<QueueEntry> | null;
  return typeof e === 'object' && e !== null && e.version === 1 && typeof e.recordingSid === 'string'
    && /^[A-Za-z0-9_-]+$/.test(e.recordingSid) && typeof e.callSid === 'string' && typeof e.file === 'string'
    && typeof e.url === 'string' && typeof e.attempts === 'number' && typeof e.nextAttemptAt === 'number';
}

/** What reading the queue found: the entries, and the sidecars that could not be read. */
export interface QueueScan {
  readonly entries: QueueEntry[];
  readonly unreadable: Array<{ readonly file: string; readonly error: string }>;
}

/**
 * Reads every sidecar of the queue. Temporary files left by an interrupted write are removed (the sidecar they
 * were replacing is still there); unreadable sidecars are moved to the failed directory and reported.
 */
export async function scanQueue(dirs: SpoolDirs): Promise<QueueScan> {
  const entries: QueueEntry[] = [];
  const unreadable: Array<{ file: string; error: string }> = [];
  for (const name of await readdir(dirs.queue)) {
    const path = join(dirs.queue, name);
    if (name.endsWith('.tmp')) {
      await rm(path, { force: true });
      continue;
    }
    if (!name.endsWith('.json')) continue;
    try {
      const value: unknown = JSON.parse(await readFile(path, 'utf8'));
      if (!isEntry(value)) throw new Error('not a queue entry');
      wavPath(dirs, value);
      entries.push(value);
    } catch (err) {
      unreadable.push({ file: name, error: err instanceof Error ? err.message : String(err) });
      await rename(path, join(dirs.failed, name)).catch(() => undefined);
    }
  }
  return { entries, unreadable };
}
