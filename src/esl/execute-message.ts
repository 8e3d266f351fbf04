/** The `sendmsg` that runs an application on the channel (esl.md 1.5). */

/** A command's text, and its headers when they are not in the text. */
export interface ExecuteMessage {
  readonly text: string;
  readonly headers?: Record<string, string>;
}

/**
 * `sendmsg` with `call-command: execute`: the application, its argument, `loops`, `event-lock` (the next queued
 * message waits for it) and the `Event-UUID` its CHANNEL_EXECUTE_COMPLETE reports as `Application-UUID`.
 */
export function executeMessage(eventUuid: string, app: string, arg: string, loops?: number): ExecuteMessage {
  const headers: Record<string, string> = { 'call-command': 'execute', 'execute-app-name': app };
  const asBody = /[\r\n]/.test(arg) || Buffer.byteLength(arg) > 1024;
  if (arg !== '' && !asBody) headers['execute-app-arg'] = arg;
  if (loops !== undefined) headers['loops'] = String(Math.trunc(loops));
  headers['event-lock'] = 'true';
  headers['Event-UUID'] = eventUuid;
  if (!asBody) return { text: 'sendmsg', headers };
  // A multi-line or long argument travels as the message body, which FreeSWITCH reads by byte count.
  let text = 'sendmsg';
  for (const [key, value] of Object.entries(headers)) text += `\n${key}: ${value}`;
  text += `\ncontent-type: text/plain\ncontent-length: ${Buffer.byteLength(arg)}\n\n${arg}`;
  return { text };
}
