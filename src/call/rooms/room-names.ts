/**
 * Names of conference rooms and queues. A room is scoped to its account, so two tenants naming a room alike
 * never meet: the FreeSWITCH room is `<account>-<name>`, both parts escaped so that the mapping is one-to-one and
 * nothing FreeSWITCH reads in a `conference` argument (`@ + { } [ ] , | ^ $`, quotes, whitespace, line breaks)
 * can appear in it. Letters, digits and `_` stay; every other UTF-8 byte becomes `.` and two hex digits; so `-`
 * appears only as the separator and no two (account, name) pairs give the same room.
 */
import { AppError } from '../../errors.js';

/** Longest customer room or queue name accepted, in characters (Twilio caps queue names at 64). */
export const MAX_ROOM_NAME = 128;
export const MAX_QUEUE_NAME = 64;

/** Escapes one part of a room name: `[A-Za-z0-9_]` kept, any other byte as `.hh`. */
export function escapeRoomPart(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_]/.test(c) ? c : '.' + byte.toString(16).padStart(2, '0');
  }
  return out;
}

/**
 * The FreeSWITCH room of a `<Conference>`: `<account>-<name>`, escaped.
 * @throws AppError ERR_CONFERENCE_NAME for an empty or over-long name.
 */
export function conferenceRoom(accountSid: string, name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > MAX_ROOM_NAME) {
    throw new AppError('ERR_CONFERENCE_NAME', `a room name must have 1 to ${MAX_ROOM_NAME} characters`);
  }
  return `${escapeRoomPart(accountSid)}-${escapeRoomPart(trimmed)}`;
}

/** The private room where a dequeued call and the call that took it are connected (ids are our own uuids). */
export function bridgeRoom(accountSid: string, bridgeId: string): string {
  return `${escapeRoomPart(accountSid)}-q-${escapeRoomPart(bridgeId)}`;
}

/**
 * The store key of a queue: account and name. It never reaches FreeSWITCH.
 * @throws AppError ERR_QUEUE_NAME for an empty name or one over 64 characters.
 */
export function queueKey(accountSid: string, name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > MAX_QUEUE_NAME) {
    throw new AppError('ERR_QUEUE_NAME', `a queue name must have 1 to ${MAX_QUEUE_NAME} characters`);
  }
  return `${accountSid}\u0000${trimmed}`;
}
