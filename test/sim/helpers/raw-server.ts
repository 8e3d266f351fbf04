/**
 * A minimal outbound Event Socket server for tests: accepts one connection, writes raw bytes and
 * reads FreeSWITCH messages (header block, then Content-Length bytes of body).
 */
import net from 'node:net';

/** Splits the byte stream from the switch into messages. */
export class MessageReader {
  #buf = Buffer.alloc(0);
  #waiters: Array<(m: Buffer | undefined) => void> = [];
  #messages: Buffer[] = [];
  #closed = false;

  push(chunk: Buffer): void {
    this.#buf = Buffer.concat([this.#buf, chunk]);
    for (;;) {
      const end = this.#buf.indexOf('\n\n');
      if (end < 0) return;
      const head = this.#buf.toString('utf8', 0, end);
      const m = /^Content-Length: (\d+)$/m.exec(head);
      const len = m ? Number(m[1]) : 0;
      if (this.#buf.length < end + 2 + len) return;
      const msg = this.#buf.subarray(0, end + 2 + len);
      this.#buf = this.#buf.subarray(end + 2 + len);
      const w = this.#waiters.shift();
      if (w) w(msg);
      else this.#messages.push(msg);
    }
  }

  close(): void {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w(undefined);
  }

  /** The next message, or undefined once the connection closed. */
  next(timeoutMs = 5000): Promise<Buffer | undefined> {
    const m = this.#messages.shift();
    if (m) return Promise.resolve(m);
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const waiter = (msg: Buffer | undefined): void => {
        clearTimeout(t);
        resolve(msg);
      };
      const t = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error('timed out waiting for a message'));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Messages already received and not yet read. */
  get pending(): number {
    return this.#messages.length;
  }
}

/** One accepted connection. */
export interface RawConnection {
  readonly socket: net.Socket;
  readonly reader: MessageReader;
  readonly closed: Promise<void>;
  send(data: string | Buffer): void;
}

/** A loopback server that hands out connections as they arrive. */
export class RawServer {
  readonly #server: net.Server;
  readonly #pending: RawConnection[] = [];
  readonly #waiters: Array<(c: RawConnection) => void> = [];
  readonly #sockets = new Set<net.Socket>();

  constructor() {
    this.#server = net.createServer((socket) => {
      this.#sockets.add(socket);
      const reader = new MessageReader();
      socket.on('data', (d: Buffer) => reader.push(d));
      const closed = new Promise<void>((resolve) =>
        socket.on('close', () => {
          this.#sockets.delete(socket);
          reader.close();
          resolve();
        }),
      );
      socket.on('error', () => undefined);
      const conn: RawConnection = { socket, reader, closed, send: (d) => void socket.write(d) };
      const w = this.#waiters.shift();
      if (w) w(conn);
      else this.#pending.push(conn);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const addr = this.#server.address();
    if (addr === null || typeof addr === 'string') throw new Error('no address');
    return addr.port;
  }

  accept(): Promise<RawConnection> {
    const c = this.#pending.shift();
    if (c) return Promise.resolve(c);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
