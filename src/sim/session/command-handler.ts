/**
 * Answers the commands of an outbound Event Socket connection (`socket … async full`) with
 * FreeSWITCH's reply texts (esl.md 1.2/1.4 and esl-captures). The first command must be
 * `connect`: anything else is processed but gets no reply at all.
 */
import { randomUUID } from 'node:crypto';
import { headerOf, type ParsedCommand } from '../wire/command-parser.js';
import { apiResponse, commandReply } from '../wire/reply-frames.js';
import { runApi } from './api-commands.js';
import type { CallEngine } from './call-engine.js';
import type { ExecRunner } from './exec-runner.js';

/** When to send the unsolicited CHANNEL_PARK real FreeSWITCH often sends after subscribing. */
export type ParkTrigger = 'never' | 'after-event' | 'after-linger' | 'after-first-sendmsg';

/** The `socket` application that runs the channel: its engine and its queue of messages. */
export interface ChannelLoop {
  readonly engine: CallEngine;
  readonly runner: ExecRunner;
}

/**
 * Dispatches parsed commands for one call. Commands about the connection (subscriptions, linger, exit) act on this
 * connection; messages and api commands act on the channel through the `socket` application that runs it now
 * (`loop`), which is another connection's once an inline `uuid_transfer` ran `socket` again.
 */
export class CommandHandler {
  readonly #engine: CallEngine;
  readonly #runner: ExecRunner;
  readonly #parkTrigger: ParkTrigger;
  readonly #loop: () => ChannelLoop;
  #first = true;
  #parkSent = false;

  constructor(engine: CallEngine, runner: ExecRunner, parkTrigger: ParkTrigger,
    loop: () => ChannelLoop = () => ({ engine, runner })) {
    this.#engine = engine;
    this.#runner = runner;
    this.#parkTrigger = parkTrigger;
    this.#loop = loop;
  }

  /** Handles one command, writing its reply (if any). */
  handle(cmd: ParsedCommand): void {
    const line = cmd.command.trim();
    const sp = line.indexOf(' ');
    const verb = (sp < 0 ? line : line.slice(0, sp)).toLowerCase();
    const rest = sp < 0 ? '' : line.slice(sp + 1).trim();
    const first = this.#first;
    this.#first = false;
    if (verb === 'connect') {
      this.#connect();
      return;
    }
    const reply = this.#dispatch(verb, rest, cmd);
    if (reply === undefined) return;
    // Only `connect` writes a reply to the first command (esl.md 1.1).
    if (!first && reply.text !== '') this.#engine.write(reply.text);
    reply.after?.();
    this.#maybePark(verb);
  }

  #connect(): void {
    const e = this.#engine;
    e.write(e.connectReplyFrame());
    if (e.connected) return;
    e.connected = true;
    this.#runner.start();
    e.startCaller();
  }

  #dispatch(verb: string, rest: string, cmd: ParsedCommand): { text: string; after?: () => void } | undefined {
    const e = this.#engine;
    const r = (text: string): { text: string } => ({ text: commandReply(text) });
    switch (verb) {
      case 'exit':
      case '...':
        return { text: '', after: () => e.exit(commandReply('+OK bye')) };
      case 'getvar': {
        const v = e.channel.vars.get(rest);
        if (v === undefined || v === '') return r('-ERR command not found');
        return r(Buffer.from(v).subarray(0, 511).toString());
      }
      case 'myevents':
        return r(e.subs.myevents(rest));
      case 'filter':
        return r(e.subs.filter(rest));
      case 'resume':
        return r('+OK');
      case 'divert_events':
        if (/^on$/i.test(rest)) return r('+OK events diverted');
        if (/^off$/i.test(rest)) return r('+OK events not diverted');
        return r('-ERR invalid parameters');
      case 'sendmsg':
        return r(this.#sendmsg(rest, cmd));
      case 'event':
        return r(e.subs.event(rest));
      case 'nixevent':
        return r(e.subs.nixevent(rest));
      case 'noevents':
        return r(e.subs.noevents());
      case 'linger':
        return this.#linger(rest);
      case 'nolinger':
        return { text: commandReply('+OK will not linger'), after: () => e.setLinger(undefined) };
      case 'api': {
        let after: (() => void) | undefined;
        return {
          text: '',
          after: () => {
            e.replyFirst(() => {
              const loop = this.#loop();
              const res = runApi(loop.engine, loop.runner, rest);
              after = res.after;
              return apiResponse(res.body);
            });
            after?.();
          },
        };
      }
      case 'bgapi':
        return this.#bgapi(rest, cmd);
      case 'log':
        return r(`+OK log level ${rest || '7'} [${rest || '7'}]`);
      case 'nolog':
        return r('+OK no longer logging');
      case 'sendevent':
        return r('+OK ' + randomUUID());
      default:
        return r('-ERR command not found');
    }
  }

  #linger(rest: string): { text: string; after: () => void } {
    const n = Number.parseInt(rest, 10);
    const seconds = n > 0 ? n : -1;
    const text = seconds > 0 ? `+OK will linger ${seconds} seconds` : '+OK will linger';
    return { text: commandReply(text), after: () => this.#engine.setLinger(seconds) };
  }

  #sendmsg(rest: string, cmd: ParsedCommand): string {
    const e = this.#engine;
    if (rest !== '' && rest !== e.channel.uuid) return `-ERR invalid session id [${rest}]`;
    const callCommand = (headerOf(cmd, 'call-command') ?? '').toLowerCase();
    if (callCommand === 'execute') {
      const app = headerOf(cmd, 'execute-app-name');
      if (app) {
        const arg = cmd.body ?? headerOf(cmd, 'execute-app-arg') ?? '';
        const eventUuid = headerOf(cmd, 'event-uuid');
        const eventUuidName = headerOf(cmd, 'event-uuid-name');
        this.#loop().runner.push({
          kind: 'execute',
          app,
          arg,
          eventLock: (headerOf(cmd, 'event-lock') ?? '').toLowerCase() === 'true',
          loops: Number.parseInt(headerOf(cmd, 'loops') ?? '1', 10) || 1,
          ...(eventUuid ? { eventUuid } : {}),
          ...(eventUuidName ? { eventUuidName } : {}),
        });
      }
    } else if (callCommand === 'hangup') {
      this.#loop().runner.push({ kind: 'hangup', cause: headerOf(cmd, 'hangup-cause') ?? 'NORMAL_CLEARING' });
    }
    return '+OK';
  }

  #bgapi(rest: string, cmd: ParsedCommand): { text: string; after: () => void } {
    const e = this.#engine;
    const jobUuid = headerOf(cmd, 'job-uuid') || randomUUID();
    const text = commandReply('+OK Job-UUID: ' + jobUuid, [['Job-UUID', jobUuid]]);
    return {
      text,
      after: () =>
        e.clock.after(1, () => {
          const loop = this.#loop();
          const res = runApi(loop.engine, loop.runner, rest);
          const sp = rest.indexOf(' ');
          const headers: Array<[string, string]> = [
            ['Job-UUID', jobUuid],
            ['Job-Owner-UUID', e.channel.uuid],
            ['Job-Command', sp < 0 ? rest : rest.slice(0, sp)],
          ];
          if (sp >= 0) headers.push(['Job-Command-Arg', rest.slice(sp + 1)]);
          e.deliver(e.factory.bare('BACKGROUND_JOB', headers, res.body, e.channel.uuid));
          res.after?.();
        }),
    };
  }

  #maybePark(verb: string): void {
    if (this.#parkSent || this.#parkTrigger === 'never') return;
    const trigger =
      (this.#parkTrigger === 'after-event' && verb === 'event') ||
      (this.#parkTrigger === 'after-linger' && verb === 'linger') ||
      (this.#parkTrigger === 'after-first-sendmsg' && verb === 'sendmsg');
    if (!trigger || !this.#engine.channel.up) return;
    this.#parkSent = true;
    // The `socket` application's own park (CallEngine.socketConnected), as this connection sees it late.
    const e = this.#engine;
    e.deliver(e.factory.channel('CHANNEL_PARK', e.channel));
  }
}
