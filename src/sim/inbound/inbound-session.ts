/**
 * One connection to the simulated inbound Event Socket (mod_event_socket's listener on 8021), byte for byte as in
 * esl-captures/more/park-transfer-inbound: `auth/request` on connect, `auth <password>` answered `+OK accepted`
 * (or `-ERR invalid` and the connection closed), `event plain|json ...`, `api`, `bgapi` (reply with Job-UUID,
 * then a BACKGROUND_JOB event), `exit` (`+OK bye` and the short disconnect notice), and `-ERR command not found`
 * for anything else.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { EventFactory, SimEvent } from '../channel/event-factory.js';
import { Subscriptions } from '../session/subscriptions.js';
import { CommandParser, headerOf, type ParsedCommand } from '../wire/command-parser.js';
import { encodeEventBody, frameEventBody } from '../wire/event-encoder.js';
import { apiResponse, commandReply, DISCONNECT_BODY } from '../wire/reply-frames.js';

/** What a session asks of its server. */
export interface InboundHost {
  readonly password: string;
  readonly factory: EventFactory;
  /** Runs an api command; resolves with its output (`-ERR ...` text for failures, as FreeSWITCH prints them). */
  api(command: string, args: string): Promise<string>;
  /** Records an authentication attempt. */
  authAttempt(password: string, accepted: boolean): void;
}

/** The short notice `exit` ends with on an inbound socket (no Controlled-Session-UUID, no disposition). */
const INBOUND_DISCONNECT = 'Content-Type: text/disconnect-notice\nContent-Length: 67\n\n' + DISCONNECT_BODY;

export class SimInboundSession {
  readonly #socket: Socket;
  readonly #host: InboundHost;
  readonly #parser = new CommandParser();
  // The inbound socket is bound to no call: `myevents` is never used here, so the uuid never matches.
  readonly #subs = new Subscriptions('');
  #authed = false;
  #queue: Promise<void> = Promise.resolve();

  constructor(socket: Socket, host: InboundHost) {
    this.#socket = socket;
    this.#host = host;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => socket.destroy());
    this.#write('Content-Type: auth/request\n\n');
  }

  /** True once the password was accepted. */
  get authed(): boolean {
    return this.#authed;
  }

  /** Sends the event if this connection subscribed to it. */
  deliver(ev: SimEvent): void {
    if (!this.#authed || !this.#subs.wants(ev)) return;
    const format = this.#subs.format;
    this.#write(frameEventBody(format, encodeEventBody(format, ev.blocks, ev.body)));
  }

  /** Closes the connection abruptly (FreeSWITCH stopping). */
  drop(): void {
    this.#socket.destroy();
  }

  #write(text: string): void {
    if (!this.#socket.destroyed && this.#socket.writable) this.#socket.write(text);
  }

  #onData(chunk: Buffer): void {
    let commands: ParsedCommand[];
    try {
      commands = this.#parser.push(chunk);
    } catch {
      this.#socket.destroy();
      return;
    }
    // Commands run one at a time, in order, as FreeSWITCH's listener thread runs them.
    for (const cmd of commands) this.#queue = this.#queue.then(() => this.#handle(cmd));
  }

  async #handle(cmd: ParsedCommand): Promise<void> {
    const [verb = '', ...rest] = cmd.command.split(' ');
    const args = rest.join(' ');
    const name = verb.toLowerCase();
    if (name === 'exit' || name === '...') {
      this.#write(commandReply('+OK bye') + INBOUND_DISCONNECT);
      this.#socket.end();
      return;
    }
    if (!this.#authed) {
      if (name !== 'auth') {
        this.#write(commandReply('-ERR command not found'));
        return;
      }
      const accepted = args === this.#host.password;
      this.#host.authAttempt(args, accepted);
      if (accepted) {
        this.#authed = true;
        this.#write(commandReply('+OK accepted'));
      } else {
        this.#write(commandReply('-ERR invalid'));
        this.#socket.end();
      }
      return;
    }
    switch (name) {
      case 'event':
        this.#write(commandReply(this.#subs.event(args)));
        return;
      case 'nixevent':
        this.#write(commandReply(this.#subs.nixevent(args)));
        return;
      case 'noevents':
        this.#write(commandReply(this.#subs.noevents()));
        return;
      case 'filter':
        this.#write(commandReply(this.#subs.filter(args)));
        return;
      case 'api': {
        const [apiName = '', ...apiArgs] = args.split(' ');
        this.#write(apiResponse(await this.#host.api(apiName, apiArgs.join(' '))));
        return;
      }
      case 'bgapi':
        this.#bgapi(args, headerOf(cmd, 'Job-UUID') ?? randomUUID());
        return;
      default:
        this.#write(commandReply('-ERR command not found'));
    }
  }

  #bgapi(args: string, jobUuid: string): void {
    this.#write(commandReply(`+OK Job-UUID: ${jobUuid}`, [['Job-UUID', jobUuid]]));
    const [apiName = '', ...apiArgs] = args.split(' ');
    void this.#host.api(apiName, apiArgs.join(' ')).then((out) => {
      this.deliver(this.#host.factory.bare('BACKGROUND_JOB', [
        ['Job-UUID', jobUuid],
        ['Job-Command', apiName],
        ['Job-Command-Arg', apiArgs.join(' ')],
      ], out));
    });
  }
}
