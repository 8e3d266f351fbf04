/**
 * The `api`/`bgapi` commands the simulator answers, with FreeSWITCH's bodies
 * (esl-captures/more/bgapi-and-vars, uuid-kill-then-execute, playback-uuid-break, unknown-app).
 * Unknown commands answer `-ERR <cmd> Command not found!\n`.
 *
 * `uuid_answer <uuid>` is mod_commands' uuid_answer_function: switch_channel_answer on the channel, `+OK\n`, else
 * `-ERROR\n` (no such channel, or one hung up: switch_channel_perform_answer refuses it). The api runs in the
 * socket's own thread, which writes the response before the events the answer queued (CHANNEL_ANSWER).
 */
import { answer } from '../apps/channel-ops.js';
import { causeName } from '../channel/hangup-causes.js';
import { separateArgs } from '../util/arg-split.js';
import { encodeJsonMembers, encodePlainHeaders, type EventHeader } from '../wire/event-encoder.js';
import type { CallEngine } from './call-engine.js';
import type { ExecRunner } from './exec-runner.js';

/** The body of an api response and what to do once it is written. */
export interface ApiResult {
  readonly body: string;
  readonly after?: () => void;
}

const STARTED = Date.now();
const NO_CHANNEL = '-ERR No such channel!\n';

function statusText(): string {
  let ms = Date.now() - STARTED;
  const part = (unit: number): number => {
    const v = Math.floor(ms / unit);
    ms -= v * unit;
    return v;
  };
  const days = part(86_400_000);
  const hours = part(3_600_000);
  const minutes = part(60_000);
  const seconds = part(1000);
  return (
    `UP 0 years, ${days} days, ${hours} hours, ${minutes} minutes, ${seconds} seconds, ${ms} milliseconds, 0 microseconds\n` +
    'FreeSWITCH (Version 1.10.12-release git a88d069 2024-08-02 21:02:27Z 64bit) is ready\n' +
    '1 session(s) since startup\n1 session(s) - peak 1, last 5min 1 \n' +
    '0 session(s) per Sec out of max 30, peak 1, last 5min 1 \n1000 session(s) max\n' +
    'min idle cpu 0.00/99.00\nCurrent Stack Size/Max 240K/8192K\n'
  );
}

function dump(engine: CallEngine, json: boolean): string {
  const ev = engine.factory.channel('CHANNEL_DATA', engine.channel, { channelProfile: true });
  const headers: EventHeader[] = ev.blocks.flatMap((b) => [...b.headers]);
  return json ? '{' + encodeJsonMembers(headers) + '}' : encodePlainHeaders(headers) + '\n';
}

/** Runs one api command line for the call behind `engine`. */
export function runApi(engine: CallEngine, runner: ExecRunner, line: string): ApiResult {
  const trimmed = line.trim();
  const sp = trimmed.indexOf(' ');
  const cmd = sp < 0 ? trimmed : trimmed.slice(0, sp);
  const args = sp < 0 ? '' : trimmed.slice(sp + 1).trim();
  const words = args.split(/\s+/).filter((w) => w !== '');
  const ch = engine.channel;
  const ours = words[0] === ch.uuid && ch.up;
  switch (cmd.toLowerCase()) {
    case 'status':
      return { body: statusText() };
    case 'echo':
      return { body: args };
    case 'hostname':
      return { body: engine.options.hostname };
    case 'version':
      return { body: 'FreeSWITCH Version 1.10.12-release+git~20240802T210227Z~a88d069d6f~64bit (git a88d069 2024-08-02 21:02:27Z 64bit)\n' };
    case 'uuid_exists':
      return { body: ours ? 'true' : 'false' };
    case 'uuid_getvar':
      if (!ours) return { body: NO_CHANNEL };
      return { body: ch.vars.get(words[1] ?? '') ?? '_undef_' };
    case 'uuid_setvar': {
      if (!ours) return { body: NO_CHANNEL };
      const m = /^\S+\s+(\S+)\s*(.*)$/.exec(args);
      if (!m) return { body: '-ERR Usage: uuid_setvar <uuid> <var> [value]\n' };
      ch.vars.set(m[1] ?? '', m[2] ?? '');
      return { body: '+OK\n' };
    }
    case 'uuid_setvar_multi': {
      if (!ours) return { body: NO_CHANNEL };
      for (const pair of args.slice(ch.uuid.length).trim().split(';')) {
        const eq = pair.indexOf('=');
        if (eq > 0) ch.vars.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      return { body: '+OK\n' };
    }
    case 'uuid_break':
      if (!ours) return { body: NO_CHANNEL };
      if (words[1] === 'all') runner.flush();
      engine.media.breakWait();
      return { body: '+OK\n' };
    case 'uuid_kill': {
      const uuid = words[0] ?? '';
      if (!ours && engine.channels.has(uuid)) return { body: '+OK\n', after: () => engine.channels.hangup(uuid, causeName(words[1])) };
      if (!ours) return { body: NO_CHANNEL };
      return { body: '+OK\n', after: () => engine.hangup(causeName(words[1]), true) };
    }
    case 'uuid_answer':
      if (!ours) return { body: '-ERROR\n' };
      // An outbound channel is answered by its far end: switch_channel_perform_answer does nothing and succeeds.
      if (ch.direction === 'inbound') answer(engine.contextFor('uuid_answer'));
      return { body: '+OK\n' };
    case 'uuid_recv_dtmf':
      if (!ours) return { body: NO_CHANNEL };
      return { body: '+OK\n', after: () => engine.pressDigits(words[1] ?? '', 'APP') };
    case 'uuid_send_dtmf':
      if (!ours) return { body: NO_CHANNEL };
      return { body: `+OK ${ch.uuid} sent DTMF ${words[1] ?? ''}.` };
    case 'uuid_dump':
      if (!ours) return { body: NO_CHANNEL };
      return { body: dump(engine, words[1] === 'json') };
    case 'uuid_transfer':
      if (!ours) return { body: NO_CHANNEL };
      return { body: '+OK\n', after: () => engine.transferAway() };
    case 'conference': {
      // mod_conference splits its command line with FreeSWITCH's tokeniser (quotes group words), 25 words at most.
      const argv = separateArgs(args, 25);
      return { body: engine.rooms.command(argv[0] ?? '', argv[1] ?? '', words.slice(2).join(' '), argv.slice(2)) };
    }
    default:
      return { body: `-ERR ${cmd} Command not found!\n` };
  }
}
