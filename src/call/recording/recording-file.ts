/** Names, addresses and lengths of recordings. */
import { open, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { fileNamePart } from '../media/fs-args.js';

/** Where FreeSWITCH writes the `n`th recording of a call. */
export function recordingPath(spoolDir: string, callSid: string, n: number): string {
  return `${spoolDir}/${fileNamePart(callSid)}-${n}.wav`;
}

/**
 * Where a recording is uploaded (Kazoo Pivot's contract): `<base without trailing slashes>/call_recording_<CallSid>_<n>.wav`,
 * keeping the base's query string (and its connection-override fragment, which is never sent).
 */
export function recordingUrl(base: URL, callSid: string, n: number): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/call_recording_${fileNamePart(callSid)}_${n}.wav`;
  return url;
}

/** The URL as sent in `RecordingUrl`: no credentials, no fragment. */
export function publicUrl(url: URL): string {
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  copy.hash = '';
  return copy.href;
}

/** A Twilio-shaped recording id: `RE` and 32 hex digits. */
export function newRecordingSid(): string {
  return `RE${randomUUID().replace(/-/g, '')}`;
}

/**
 * The length of a WAV file in milliseconds, from its header (byte rate and data size); 0 when the file is missing,
 * empty or not a WAV file.
 */
export async function wavDurationMs(path: string): Promise<number> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return 0;
  }
  try {
    const header = Buffer.alloc(44);
    const { bytesRead } = await handle.read(header, 0, 44, 0);
    if (bytesRead < 44 || header.toString('ascii', 0, 4) !== 'RIFF' || header.toString('ascii', 8, 12) !== 'WAVE') return 0;
    const byteRate = header.readUInt32LE(28);
    const size = (await handle.stat()).size;
    const dataBytes = header.toString('ascii', 36, 40) === 'data' ? Math.min(header.readUInt32LE(40), size - 44) : size - 44;
    return byteRate > 0 && dataBytes > 0 ? Math.floor((dataBytes * 1000) / byteRate) : 0;
  } finally {
    await handle.close();
  }
}

/** Removes a recording that is not delivered (empty or silent). */
export async function discardRecording(path: string): Promise<void> {
  await rm(path, { force: true }).catch(() => undefined);
}
