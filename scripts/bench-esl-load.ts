/**
 * The load generator of `npm run bench:esl`: simulated calls that replay the FreeSWITCH simulator's own bytes.
 *
 * The full simulator models every application and encodes every event afresh, which costs more CPU per round trip
 * than the server it drives: on two cores it saturates first and its own queueing swamps the server's latency.
 * Here each call sends the bytes the simulator produced for one call (the connect reply, then for each sendmsg the
 * reply and the events the server is subscribed to: CHANNEL_EXECUTE_COMPLETE, full size; CHANNEL_EXECUTE only
 * while a verb listens, which `set` does not), with only the call uuid and the Application-UUID rewritten (same
 * length, so every Content-Length holds). Subscription commands (`myevents`, `nixevent`, `event`, `linger`) are
 * answered as FreeSWITCH answers them.
 */
import { connect, type Socket } from 'node:net';
import { createCallServer } from '../src/server/compose.js';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/log.js';
import { FsSimulator } from '../src/sim/index.js';
import { STAMP_MARK, STAMP_PLACEHOLDER, STAMP_VARIABLE, stampNow } from './bench-stamp.js';

/** The bytes of one simulated call: its uuid, the connect reply, and one execute round trip. */
export interface CallTemplate {
  uuid: string;
  connectReply: Buffer;
  /**
   * Reply to sendmsg and the events of one execute whose Event-UUID was `appUuid` (see above).
   * The reply is sent at once, the events when the execute has "run".
   */
  roundTrip: Buffer;
  appUuid: string;
}

const OK = (text: string): string => `Content-Type: command/reply\nReply-Text: ${text}\n\n`;

/** Records one call of the simulator against an in-process server executing one `set`. */
export async function recordTemplate(): Promise<CallTemplate> {
  const config = loadConfig({ env: {}, overrides: { esl: { port: 0 }, log: { level: 'silent' } } });
  const server = createCallServer({ config, log: createLogger('silent'), handler: async (channel) => {
    await channel.execute('set', `${STAMP_VARIABLE}=${STAMP_PLACEHOLDER}`);
  } });
  const { port } = await server.listen();
  const sim = new FsSimulator({ timeScale: 0, frameMs: 0 });
  const call = sim.call({ host: '127.0.0.1', port });
  await call.ended;
  await server.close(0);
  const entries = call.transcript;
  const sendmsgAt = entries.findIndex((e) => e.dir === 'in' && e.data.toString().startsWith('sendmsg'));
  const sendmsg = entries[sendmsgAt]?.data.toString() ?? '';
  const appUuid = /Event-UUID: (\S+)/.exec(sendmsg)?.[1] ?? '';
  const out: Buffer[] = [];
  for (const entry of entries.slice(sendmsgAt + 1)) {
    if (entry.dir === 'in') break;
    out.push(entry.data);
  }
  const connectReply = entries.find((e) => e.dir === 'out')?.data ?? Buffer.alloc(0);
  return { uuid: call.uuid, connectReply, roundTrip: Buffer.concat(out), appUuid };
}

export interface LoadOptions {
  host: string;
  port: number;
  calls: number;
  /** How long each execute "runs" before its completion is sent: 0 = at once; otherwise pace ± 50 %. */
  paceMs: number;
}

/** N replaying calls; measures the server's turnaround (completion written → next sendmsg read). */
export class ReplayLoad {
  readonly samples: number[] = [];
  measuring = false;
  roundTrips = 0;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(template: CallTemplate, options: LoadOptions) {
    for (let i = 0; i < options.calls; i++) {
      const uuid = `${template.uuid.slice(0, 24)}${String(i).padStart(12, '0')}`;
      this.#startCall(template, uuid, options);
    }
  }

  get openCalls(): number {
    return this.#sockets.size;
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    for (const socket of this.#sockets) socket.destroy();
  }

  #startCall(template: CallTemplate, uuid: string, options: LoadOptions): void {
    const connectReply = Buffer.from(template.connectReply.toString('latin1').replaceAll(template.uuid, uuid), 'latin1');
    const whole = Buffer.from(template.roundTrip.toString('latin1').replaceAll(template.uuid, uuid), 'latin1');
    // FreeSWITCH answers a sendmsg at once; the application's events come when it has run.
    const replyEnd = whole.indexOf('\n\n') + 2;
    const reply = whole.subarray(0, replyEnd);
    const roundTrip = whole.subarray(replyEnd);
    // Where the Application-UUID goes in each round trip: patched in place of a copy, no string work per trip.
    const offsets: number[] = [];
    for (let at = roundTrip.indexOf(template.appUuid); at >= 0; at = roundTrip.indexOf(template.appUuid, at + 1)) {
      offsets.push(at);
    }
    // Where each completion carries the moment it is written (see bench-stamp.ts).
    const stampAt = roundTrip.indexOf(STAMP_MARK) + STAMP_MARK.length;
    if (stampAt < STAMP_MARK.length) throw new Error(`the recorded completion carries no ${STAMP_VARIABLE}`);
    const socket = connect({ host: options.host, port: options.port, noDelay: true });
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = '';
    let completedAt = 0;
    socket.on('data', (data: Buffer) => {
      pending += data.toString('latin1');
      for (;;) {
        while (pending.charCodeAt(0) === 10) pending = pending.slice(1);
        const end = pending.indexOf('\n\n');
        if (end < 0) return;
        const command = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (command.startsWith('sendmsg')) {
          if (this.measuring && completedAt > 0) this.samples.push(performance.now() - completedAt);
          completedAt = 0;
          socket.write(reply);
          const at = command.indexOf('Event-UUID: ') + 12;
          const bytes = Buffer.allocUnsafe(roundTrip.length);
          roundTrip.copy(bytes);
          for (const offset of offsets) bytes.write(command.slice(at, at + 36), offset, 'latin1');
          const complete = (): void => {
            completedAt = performance.now();
            bytes.write(stampNow(), stampAt, 'latin1');
            this.roundTrips++;
            socket.write(bytes);
          };
          if (options.paceMs === 0) complete();
          else {
            const timer = setTimeout(() => {
              this.#timers.delete(timer);
              complete();
            }, options.paceMs * (0.5 + Math.random()));
            this.#timers.add(timer);
          }
        } else if (command === 'connect') socket.write(connectReply);
        else if (command.startsWith('myevents')) socket.write(OK('+OK Events Enabled'));
        else if (command.startsWith('nixevent ')) socket.write(OK('+OK events nixed'));
        else if (command.startsWith('event ')) socket.write(OK('+OK event listener enabled json'));
        else if (command.startsWith('linger')) socket.write(OK('+OK will linger'));
        else if (command === 'nolinger') socket.write(OK('+OK will not linger'));
      }
    });
  }
}
