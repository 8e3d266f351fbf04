/**
 * The non-event messages FreeSWITCH writes on an Event Socket, byte for byte as captured
 * (esl-captures/more/bgapi-and-vars, exit-bye-and-final-disconnect.txt, disconnect-notice-linger.txt).
 */
import { encodePlainHeaders, type EventHeader } from './event-encoder.js';

/** The body of the final disconnect notice (67 bytes). */
export const DISCONNECT_BODY = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';

/** `command/reply` with a raw (not URL-encoded) Reply-Text and optional extra headers. */
export function commandReply(replyText: string, extra: readonly (readonly [string, string])[] = []): string {
  let out = 'Content-Type: command/reply\nReply-Text: ' + replyText + '\n';
  for (const [k, v] of extra) out += k + ': ' + v + '\n';
  return out + '\n';
}

/** `api/response`: note Content-Type comes before Content-Length here, unlike event frames. */
export function apiResponse(body: string): string {
  return 'Content-Type: api/response\nContent-Length: ' + Buffer.byteLength(body) + '\n\n' + body;
}

/**
 * The reply to `connect`: the CHANNEL_DATA event in plain format with no outer frame and no
 * Content-Length, ending with the reply headers (esl-captures/connect-reply-loopback.txt).
 */
export function connectReply(channelData: readonly EventHeader[] | string): string {
  const headers = typeof channelData === 'string' ? channelData : encodePlainHeaders(channelData);
  return (
    headers + 'Content-Type: command/reply\nReply-Text: %2BOK%0A\nSocket-Mode: async\nControl: full\n\n'
  );
}

/** The notice sent when the channel goes down while lingering (`Linger-Time: -1` for plain `linger`). */
export function lingerNotice(uuid: string, channelName: string, lingerTime: number): string {
  return (
    'Content-Type: text/disconnect-notice\nControlled-Session-UUID: ' +
    uuid +
    '\nContent-Disposition: linger\nChannel-Name: ' +
    channelName +
    '\nLinger-Time: ' +
    lingerTime +
    '\nContent-Length: 0\n\n'
  );
}

/** The final notice, sent just before FreeSWITCH closes the socket. */
export function disconnectNotice(uuid: string): string {
  return (
    'Content-Type: text/disconnect-notice\nControlled-Session-UUID: ' +
    uuid +
    '\nContent-Disposition: disconnect\nContent-Length: 67\n\n' +
    DISCONNECT_BODY
  );
}
