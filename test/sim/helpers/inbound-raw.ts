/**
 * A raw client of the simulated node's inbound Event Socket, for `api` commands (which block the connection until
 * they finish) and for the exact bytes of their replies.
 */
import net from 'node:net';
import { MessageReader } from './raw-server.js';

export class RawInboundClient {
  readonly socket: net.Socket;
  readonly reader = new MessageReader();

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => this.reader.push(d));
    socket.on('close', () => this.reader.close());
    socket.on('error', () => undefined);
  }

  /** Connects and authenticates. */
  static async open(port: number, password = 'ClueCon'): Promise<RawInboundClient> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawInboundClient(socket);
    await client.reader.next();
    client.socket.write(`auth ${password}\n\n`);
    await client.reader.next();
    return client;
  }

  /** `api <command>`: the whole api/response message, or undefined when the connection closed first. */
  async api(command: string, timeoutMs = 5000): Promise<string | undefined> {
    this.socket.write(`api ${command}\n\n`);
    const msg = await this.reader.next(timeoutMs);
    return msg?.toString('utf8');
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The body of an api/response message. */
export function apiBody(message: string | undefined): string | undefined {
  if (message === undefined) return undefined;
  return message.slice(message.indexOf('\n\n') + 2);
}
