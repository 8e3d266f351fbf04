/**
 * The floor server of `npm run bench:esl`: the least a program must do to drive calls over the outbound Event
 * Socket. It answers `connect`, subscribes, then for every CHANNEL_EXECUTE_COMPLETE of its call (found with
 * indexOf, read with JSON.parse) sends the next sendmsg. No modesl, no channel object, no promises, no cleanup
 * beyond closing: the cost any implementation pays for the same exchanges.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import type { BenchScript } from './bench-esl-server.js';

const SUBSCRIBE = 'myevents json\n\nevent json CHANNEL_EXECUTE_COMPLETE DTMF CHANNEL_ANSWER CHANNEL_HANGUP ' +
  'CHANNEL_HANGUP_COMPLETE BACKGROUND_JOB PLAYBACK_START PLAYBACK_STOP RECORD_START RECORD_STOP CHANNEL_BRIDGE ' +
  'CHANNEL_UNBRIDGE CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CUSTOM conference::maintenance\n\nlinger 0\n\n';

/** Starts the floor server; `script()` says what each call runs; `roundTrips()` counts completions. */
export async function startFloorServer(script: () => BenchScript): Promise<{ port: number; roundTrips: () => number;
  activeCalls: () => number; close: () => Promise<void> }> {
  let trips = 0;
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const current = script();
    let buffer: Buffer = Buffer.alloc(0);
    let connected = false;
    let pending = '';
    const next = (): void => {
      pending = randomUUID();
      const app = current.kind === 'executes' ? current.app : 'park';
      const arg = current.kind === 'executes' ? current.arg : '';
      socket.write(`sendmsg\ncall-command: execute\nexecute-app-name: ${app}\nexecute-app-arg: ${arg}\n` +
        `event-lock: true\nEvent-UUID: ${pending}\n\n`);
    };
    socket.write('connect\n\n');
    socket.on('data', (data: Buffer) => {
      buffer = buffer.length ? Buffer.concat([buffer, data]) : data;
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end < 0) return;
        const head = buffer.toString('latin1', 0, end);
        const at = head.indexOf('Content-Length: ');
        const length = at >= 0 ? parseInt(head.slice(at + 16), 10) : 0;
        if (buffer.length < end + 2 + length) return;
        const body = buffer.subarray(end + 2, end + 2 + length);
        buffer = buffer.subarray(end + 2 + length);
        if (!connected) {
          connected = true;
          socket.write(SUBSCRIBE);
          if (current.kind === 'executes') next();
        } else if (length > 0 && head.includes('text/event-json')) {
          const event = JSON.parse(body.toString('utf8')) as Record<string, string>;
          if (event['Event-Name'] === 'CHANNEL_EXECUTE_COMPLETE' && event['Application-UUID'] === pending) {
            trips++;
            next();
          }
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    roundTrips: () => trips,
    activeCalls: () => sockets.size,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
