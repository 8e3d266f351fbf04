import { connect, type Socket } from 'node:net';

/** A received command: its first line, header lines and body (if it had a content-length). */
export interface RawCommand {
  line: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * A bare TCP peer that connects to the server as FreeSWITCH would, and lets a test write any bytes and read the
 * commands it gets. Used for hostile and malformed peers; well-behaved calls use the FreeSWITCH simulator.
 */
export class RawPeer {
  readonly socket: Socket;
  readonly commands: RawCommand[] = [];
  readonly closed: Promise<void>;
  #buffer = '';
  #waiters: Array<() => void> = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('data', (data: Buffer) => {
      this.#buffer += data.toString('latin1');
      this.#parse();
    });
  }

  static async connect(port: number, host = '127.0.0.1', localAddress?: string): Promise<RawPeer> {
    const socket = connect({ port, host, ...(localAddress ? { localAddress } : {}) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawPeer(socket);
  }

  write(data: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  /** Resolves with the n-th command (0-based) once it has arrived. */
  async command(index: number, timeoutMs = 2000): Promise<RawCommand> {
    const deadline = Date.now() + timeoutMs;
    while (this.commands.length <= index) {
      if (Date.now() > deadline) throw new Error(`command #${index} did not arrive; got ${this.commands.map((c) => c.line).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
    return this.commands[index] as RawCommand;
  }

  #parse(): void {
    for (;;) {
      this.#buffer = this.#buffer.replace(/^\n+/, '');
      const end = this.#buffer.indexOf('\n\n');
      if (end < 0) return;
      const [line = '', ...rest] = this.#buffer.slice(0, end).split('\n');
      const headers: Record<string, string> = {};
      for (const h of rest) {
        const i = h.indexOf(': ');
        if (i > 0) headers[h.slice(0, i).toLowerCase()] = h.slice(i + 2);
      }
      let consumed = end + 2;
      let body = '';
      const length = Number(headers['content-length'] ?? 0);
      if (length > 0) {
        if (this.#buffer.length < consumed + length) return;
        body = Buffer.from(this.#buffer.slice(consumed, consumed + length), 'latin1').toString('utf8');
        consumed += length;
      }
      this.#buffer = this.#buffer.slice(consumed);
      this.commands.push({ line, headers, body });
      for (const wake of this.#waiters.splice(0)) wake();
    }
  }
}
