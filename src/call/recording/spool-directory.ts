/**
 * The spool directory shared with FreeSWITCH, which usually runs as another user: FreeSWITCH writes the recordings
 * into it, this server reads, uploads and removes them. At start-up the directory is created when missing (its
 * missing parents 0755, so that FreeSWITCH can reach it), given the configured group and mode when this server owns
 * it, and checked:
 *
 * - a directory this server cannot create, enter or write, or a group name that does not exist, refuses the start
 *   (ERR_SPOOL_UNUSABLE): no recording could be delivered;
 * - a mode or group that differ from the configuration and cannot be changed (the directory belongs to another
 *   user, or this server is not a member of the group) are reported (ERR_SPOOL_PERMISSIONS) and the directory is
 *   used as it is: whether FreeSWITCH can write it depends on how it was prepared.
 */
import { constants } from 'node:fs';
import { access, chmod, chown, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { AppError } from '../../errors.js';
import { logCode } from '../../log-code.js';

/** What the spool directory is given at start-up. */
export interface SpoolPermissions {
  /** Mode bits, e.g. 0o2770 (setgid: new files take the directory's group). */
  readonly mode: number;
  /** A group name, a numeric gid, or '' to leave the group as it is. */
  readonly group: string;
}

/** The group database read for group names. */
const GROUP_FILE = '/etc/group';

/** Creates, adjusts and checks the spool directory; resolves once it is usable. @throws AppError ERR_SPOOL_UNUSABLE */
export async function prepareSpoolDirectory(dir: string, permissions: SpoolPermissions, log: Logger): Promise<void> {
  const gid = await groupId(permissions.group, dir);
  await createIfMissing(dir);
  const before = await stat(dir).catch((err: unknown) => { throw unusable(dir, 'cannot be read', err); });
  if (!before.isDirectory()) throw unusable(dir, 'is not a directory');
  const uid = process.getuid?.();
  const mayChange = uid === 0 || uid === before.uid;
  const wrongGroup = gid !== undefined && before.gid !== gid;
  const wrongMode = (before.mode & 0o7777) !== permissions.mode;
  try {
    // The group first: changing it may clear the setgid bit, which the mode then sets again.
    if (mayChange && wrongGroup) await chown(dir, before.uid, gid);
    if (mayChange && (wrongMode || wrongGroup)) await chmod(dir, permissions.mode);
  } catch (err) {
    logCode(log, 'ERR_SPOOL_PERMISSIONS', { dir, err: (err as Error).message },
      'the recording spool directory\'s group or mode could not be set');
  }
  try {
    await access(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    throw unusable(dir, 'cannot be written by this server', err);
  }
  const after = await stat(dir);
  const mode = octal(after.mode & 0o7777);
  if ((gid !== undefined && after.gid !== gid) || (after.mode & 0o7777) !== permissions.mode) {
    logCode(log, 'ERR_SPOOL_PERMISSIONS', { dir, mode, gid: after.gid, wantedMode: octal(permissions.mode),
      ...(gid !== undefined && { wantedGid: gid }) },
    'the recording spool directory keeps another mode or group than configured: FreeSWITCH may be unable to write recordings');
    return;
  }
  log.info({ dir, mode, gid: after.gid }, 'recording spool directory ready');
}

async function createIfMissing(dir: string): Promise<void> {
  try {
    await stat(dir);
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw unusable(dir, 'cannot be read', err);
  }
  try {
    await mkdir(dirname(dir), { recursive: true, mode: 0o755 });
    await mkdir(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw unusable(dir, 'cannot be created', err);
  }
}

/** The gid of a group name or number; undefined for ''. */
async function groupId(group: string, dir: string): Promise<number | undefined> {
  if (group === '') return undefined;
  if (/^[0-9]+$/.test(group)) return Number(group);
  const lines = await readFile(GROUP_FILE, 'utf8').catch(() => '');
  for (const line of lines.split('\n')) {
    const [name, , id] = line.split(':');
    if (name === group && id !== undefined && /^[0-9]+$/.test(id)) return Number(id);
  }
  throw unusable(dir, `cannot be given the group ${group}: no such group in ${GROUP_FILE} (a numeric gid may be given)`);
}

function unusable(dir: string, what: string, cause?: unknown): AppError {
  const errno = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new AppError('ERR_SPOOL_UNUSABLE', `the recording spool directory ${dir} ${what}${errno ? ` (${errno})` : ''}`,
    cause === undefined ? undefined : { cause });
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}
