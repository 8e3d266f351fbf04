import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Captured FreeSWITCH bytes kept with the tests (test/fixtures/esl). */
export function fixture(name: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`../../../test/fixtures/esl/${name}`, import.meta.url)));
}

export function commandReply(text: string, extra: Record<string, string> = {}): string {
  let out = 'Content-Type: command/reply\n';
  for (const [k, v] of Object.entries(extra)) out += `${k}: ${v}\n`;
  return out + `Reply-Text: ${text}\n\n`;
}

export function apiResponse(body: string): string {
  return `Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`;
}

export function jsonEvent(headers: Record<string, string>, body?: string): string {
  const event: Record<string, string> = { ...headers };
  if (body !== undefined) {
    event['Content-Length'] = String(Buffer.byteLength(body));
    event['_body'] = body;
  }
  const json = JSON.stringify(event);
  return `Content-Length: ${Buffer.byteLength(json)}\nContent-Type: text/event-json\n\n${json}`;
}

/** The reply to connect for a minimal channel (plain, URL-encoded, no Content-Length), as FreeSWITCH shapes it. */
export function connectReply(uuid: string, extra = ''): string {
  return `Event-Name: CHANNEL_DATA\nChannel-State: CS_EXECUTE\nUnique-ID: ${uuid}\nCall-Direction: inbound\n` +
    `Answer-State: ringing\nCaller-Caller-ID-Name: Alice\nCaller-Caller-ID-Number: 5551234\n` +
    `Caller-Destination-Number: 7011\n${extra}Content-Type: command/reply\nReply-Text: %2BOK%0A\n` +
    `Socket-Mode: async\nControl: full\n\n`;
}

export function disconnectNotice(uuid: string, disposition: 'linger' | 'disconnect'): string {
  if (disposition === 'linger') {
    return `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${uuid}\nContent-Disposition: linger\n` +
      `Channel-Name: loopback/7011-b\nLinger-Time: 10\nContent-Length: 0\n\n`;
  }
  const body = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
  return `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${uuid}\nContent-Disposition: disconnect\n` +
    `Content-Length: ${Buffer.byteLength(body)}\n\n${body}`;
}
