/**
 * The floor of `npm run bench:calls`: the least a program must do to drive the same IVR calls. It has no TwiML
 * engine: it plays back the server's own actions, as recorded in the template, for each call: on each frame
 * (indexOf framing, JSON.parse of events) it checks whether it is the trigger of the next action, then sends the
 * next command (the recorded text with this call's uuid and a fresh Event-UUID) or makes the next HTTP request
 * with undici (a fixed form body; the recording read from disk and PUT, then removed); an action recorded as sent
 * along with the previous one follows it at once, and the reply to a subscription change triggers nothing, as in
 * the server (bench-calls-triggers.ts). So it runs the IVR as the server does, on the same events: the Gather is
 * the same `play_and_get_digits` (its prompt as the file), its completion after the key requests the action, and
 * the subscription changes are the server's (the replayed switch checks every command against the recording).
 * Run as a child process; it reports like load-server-child.ts.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { Agent, request } from 'undici';
import type { ServerAction } from './bench-calls-template.js';
import { isSubscriptionChange } from './bench-calls-triggers.js';
import { CallsProbe } from './bench-calls-probe.js';
import type { ProbeRequest, ProbeStats } from './load-server-child.js';

/** The recorded actions, sent by the parent before the first call. */
export interface FloorScript { type: 'script'; actions: ServerAction[]; uuid: string; webBase: string }

let script: FloorScript | undefined;
const dispatcher = new Agent({ keepAliveTimeout: 60_000 });

function formBody(uuid: string): string {
  return `CallSid=${uuid}&AccountSid=&From=%2B15551230001&To=%2B15559870002&CallerName=&Direction=inbound` +
    '&CallStatus=in-progress&ApiVersion=2010-04-01&Digits=1';
}

function driveCall(socket: Socket, s: FloorScript): void {
  let uuid = '';
  let at = 0;
  let pendingApp = '';
  let recordingPath = '';
  let buffer: Buffer = Buffer.alloc(0);
  /** Per command sent whose reply has not come: whether that reply triggers nothing. */
  const replies: boolean[] = [];

  const perform = (): void => {
    const action = s.actions[at];
    if (!action) return;
    at++;
    if (action.type === 'command') {
      let text = uuid === '' ? action.text : action.text.replaceAll(s.uuid, uuid);
      const eventUuid = /Event-UUID: (\S+)/.exec(text)?.[1];
      if (eventUuid !== undefined) {
        pendingApp = randomUUID();
        text = text.replace(eventUuid, pendingApp);
      }
      if (text.startsWith('sendmsg') && text.includes('execute-app-name: record')) {
        recordingPath = /execute-app-arg: (\S+)/.exec(text)?.[1] ?? '';
      }
      replies.push(isSubscriptionChange(text));
      socket.write(text.includes('\n\n') ? text : `${text}\n`);
    } else {
      void httpAction(action.method, action.path.replaceAll(s.uuid, uuid)).then(() => {
        if (s.actions[at]?.trigger === 'http') perform();
      }, () => socket.destroy());
    }
    if (s.actions[at]?.trigger === 'previous') perform();
  };

  const httpAction = async (method: string, path: string): Promise<void> => {
    if (method === 'PUT') {
      const wav = await readFile(recordingPath);
      const { body } = await request(`${s.webBase}${path}`, { method: 'PUT', body: wav, dispatcher,
        headers: { 'content-type': 'audio/wav' } });
      await body.dump();
      await rm(recordingPath, { force: true });
      return;
    }
    const { body } = await request(`${s.webBase}${path}`, { method, body: formBody(uuid), dispatcher,
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await body.text();
  };

  const onFrame = (head: string, body: Buffer): void => {
    const wanted = s.actions[at]?.trigger;
    if (wanted === undefined) return;
    let kind = 'reply';
    if (uuid === '') {
      uuid = /Unique-ID: (\S+)/.exec(head)?.[1] ?? '';
    } else if (head.includes('text/event-json')) {
      const event = JSON.parse(body.toString('utf8')) as Record<string, string>;
      kind = event['Event-Name'] ?? '';
      if (kind === 'CHANNEL_EXECUTE_COMPLETE' && event['Application-UUID'] !== pendingApp) return;
    } else if (head.includes('text/disconnect-notice')) kind = 'disconnect';
    if (kind === 'reply' && replies.shift() === true) return;
    if (kind === wanted) perform();
  };

  socket.on('data', (data: Buffer) => {
    buffer = buffer.length ? Buffer.concat([buffer, data]) : data;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end < 0) return;
      const head = buffer.toString('latin1', 0, end);
      const lengthAt = head.indexOf('Content-Length: ');
      const length = lengthAt >= 0 ? Number.parseInt(head.slice(lengthAt + 16), 10) : 0;
      if (buffer.length < end + 2 + length) return;
      const body = buffer.subarray(end + 2, end + 2 + length);
      buffer = buffer.subarray(end + 2 + length);
      onFrame(head, body);
    }
  });
  perform();
}

function stats(gc: boolean): ProbeStats {
  if (gc && typeof globalThis.gc === 'function') globalThis.gc();
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const resources: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) resources[name] = (resources[name] ?? 0) + 1;
  return { type: 'stats', cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000, rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed, resources, processListeners: 0 };
}

const probe = new CallsProbe();
const sockets = new Set<Socket>();
const server = createServer({ noDelay: true }, (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => undefined);
  if (script) driveCall(socket, script);
  else socket.destroy();
});
process.on('message', (message: ProbeRequest | FloorScript) => {
  if (message.type === 'script') script = message;
  if (message.type === 'stats') process.send?.(stats(message.gc === true));
  if (message.type === 'added') process.send?.({ type: 'added', samples: probe.take(message.reset) });
  if (message.type === 'stop') {
    for (const socket of sockets) socket.destroy();
    server.close();
    void dispatcher.close();
    process.disconnect();
  }
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: (server.address() as { port: number }).port });
});
