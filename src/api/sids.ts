/**
 * Twilio-shaped sids and the ids behind them. The twilio clients put only Twilio-shaped sids in paths: an account
 * is `AC` + 32 hex digits, a call `CA` + 32 hex digits. A Kazoo account id is 32 hex digits, so `AC<id>` names it;
 * a FreeSWITCH uuid is 32 hex digits with dashes, so `CA<digits>` names it.
 */
import { randomUUID } from 'node:crypto';

const HEX32 = /^[0-9a-f]{32}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The 32 hex digits of an account, from `AC<hex>` or a bare Kazoo id; undefined for anything else. */
export function accountHex(sid: string): string | undefined {
  const hex = /^AC/i.test(sid) ? sid.slice(2) : sid;
  return HEX32.test(hex) ? hex.toLowerCase() : undefined;
}

/** `AC` + the account's 32 hex digits, from either form; undefined when `sid` is neither. */
export function accountSidOf(sid: string): string | undefined {
  const hex = accountHex(sid);
  return hex === undefined ? undefined : `AC${hex}`;
}

/** The FreeSWITCH uuid a call sid names: a uuid as it is, `CA<hex>` with its dashes; undefined for anything else. */
export function callUuidOf(sid: string): string | undefined {
  if (UUID.test(sid)) return sid.toLowerCase();
  const hex = /^CA/i.test(sid) ? sid.slice(2) : undefined;
  if (hex === undefined || !HEX32.test(hex)) return undefined;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `CA` + the 32 hex digits of a uuid. */
export function callSidOfUuid(uuid: string): string {
  return `CA${uuid.replaceAll('-', '').toLowerCase()}`;
}

/** A new call: its sid (`CA` + 32 hex) and the uuid its channel is originated with (the same digits). */
export function newCallSid(): { readonly sid: string; readonly uuid: string } {
  const uuid = randomUUID();
  return { sid: callSidOfUuid(uuid), uuid };
}
