/**
 * One IVR call recorded with the full FreeSWITCH simulator against an in-process server and the IVR web app,
 * cut into what the replaying load (bench-calls-load.ts) and the floor program (bench-calls-floor-server.ts) need:
 *
 * - for each command the server sent, the simulator's bytes that followed it until the next command, in bursts:
 *   the first burst is what FreeSWITCH writes at once (the reply), the next ones what it writes once the
 *   application has run; a DTMF event is a burst of its own (the caller presses the key later);
 * - the server's actions in order (commands and HTTP requests), each with the frame that triggered it.
 *
 * Only the call uuid and the Application-UUID differ from call to call; both are 36 characters, so their places in
 * the bytes are recorded once and patched per call (every Content-Length holds).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCallServer } from '../src/server/compose.js';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/log.js';
import { FsSimulator, type SimulatedCall } from '../src/sim/index.js';
import { createWebhookDispatcher } from '../src/webhook/index.js';
import type { IvrWebApp } from './bench-calls-web.js';
import { STAMP_MARK, STAMP_PLACEHOLDER, STAMP_VARIABLE } from './bench-stamp.js';
import { switchWritesOf, type SwitchWrites } from './bench-switch-writes.js';

/** Bytes with the places where the call uuid and the Application-UUID go. */
export interface Burst {
  readonly bytes: Buffer;
  readonly uuidAt: readonly number[];
  readonly appUuidAt: readonly number[];
  /** Where the load writes the moment it sends the burst (see bench-calls-probe.ts). */
  readonly stampAt: readonly number[];
  readonly dtmf: boolean;
}

/** The simulator's answer to one command. */
export interface ReplayStep {
  /** What the command must be: its first line, and the application for sendmsg. */
  readonly key: string;
  readonly bursts: readonly Burst[];
  /** The simulator closed the socket after this step (the call's end). */
  readonly closeAfter: boolean;
}

/**
 * What triggers a server action: `'connect'` (the connection opened), `'reply'` (the reply to a command), `'http'`
 * (an HTTP response), or an event by name (`'disconnect'` for the disconnect notice).
 */
export type Trigger = string;

/** One thing the server did, in order. */
export type ServerAction =
  | { readonly type: 'command'; readonly trigger: Trigger; readonly text: string }
  | { readonly type: 'http'; readonly trigger: Trigger; readonly method: string; readonly path: string };

export interface CallTemplate {
  readonly uuid: string;
  readonly connectReply: Burst;
  readonly steps: readonly ReplayStep[];
  readonly actions: readonly ServerAction[];
  /** The recording the simulator wrote (what the server uploads). */
  readonly wav: Buffer;
  /** What the simulated FreeSWITCH wrote on the socket for the whole call. */
  readonly switchWrites: SwitchWrites;
}

export const UUID_LENGTH = 36;

function placesOf(bytes: Buffer, needle: string): number[] {
  const out: number[] = [];
  if (needle === '') return out;
  for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) out.push(at);
  return out;
}

/**
 * FreeSWITCH's DTMF events carry no channel variables, so the recorded ones have no stamp placeholder: one is added
 * (Content-Length adjusted) so that the probe can time the Gather action from the key. The server ignores it.
 */
function withDtmfStamp(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  if (!/"Event-Name":\s*"DTMF"/.test(text) || text.includes(STAMP_MARK)) return bytes;
  const field = `${STAMP_MARK}${STAMP_PLACEHOLDER}",`;
  const out = text.replace(/Content-Length: (\d+)\n((?:[^\n]+\n)*)\n\{/g, (_frame: string, length: string, rest: string) =>
    `Content-Length: ${Number(length) + field.length}\n${rest}\n{${field}`);
  return Buffer.from(out, 'latin1');
}

function burstOf(chunks: Buffer[], uuid: string, appUuid: string): Burst {
  const bytes = withDtmfStamp(Buffer.concat(chunks));
  const text = bytes.toString('latin1');
  return { bytes, uuidAt: placesOf(bytes, uuid), appUuidAt: placesOf(bytes, appUuid),
    stampAt: placesOf(bytes, STAMP_MARK).map((at) => at + STAMP_MARK.length),
    dtmf: /"Event-Name":\s*"DTMF"/.test(text) };
}

/** The key of a command, as the replay checks it. */
export function commandKey(text: string): string {
  const firstLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length);
  if (firstLine.startsWith('sendmsg')) {
    const app = /execute-app-name: (\S+)/.exec(text)?.[1] ?? /call-command: (\S+)/.exec(text)?.[1] ?? '';
    return `sendmsg ${app}`;
  }
  return firstLine.split(' ').slice(0, 2).join(' ');
}

/** What an out write of the simulator triggers in a server: the reply, or the event's name. */
function triggerOf(chunk: Buffer | undefined): Trigger {
  if (!chunk) return 'connect';
  const text = chunk.toString('latin1', 0, Math.min(chunk.length, 4096));
  const name = /"Event-Name":\s*"([^"]+)"/.exec(text)?.[1];
  if (name !== undefined) return name;
  if (text.startsWith('Content-Type: text/disconnect-notice')) return 'disconnect';
  return 'reply';
}

interface Mark { key: string; text: string; eventUuid: string; start: number; immediateEnd: number }

/** Cuts the recorded call into steps. */
function stepsOf(call: SimulatedCall, marks: Mark[], closedBySim: boolean): ReplayStep[] {
  const writes = call.transcript.filter((e) => e.dir === 'out');
  return marks.map((mark, i) => {
    const end = marks[i + 1]?.start ?? writes.length;
    const immediateEnd = Math.min(mark.immediateEnd, end);
    const bursts: Burst[] = [burstOf(writes.slice(mark.start, immediateEnd).map((w) => w.data), call.uuid, mark.eventUuid)];
    let group: Buffer[] = [];
    for (const write of writes.slice(immediateEnd, end)) {
      const isDtmf = triggerOf(write.data) === 'DTMF';
      if (isDtmf && group.length > 0) {
        bursts.push(burstOf(group, call.uuid, mark.eventUuid));
        group = [];
      }
      group.push(write.data);
      if (isDtmf) {
        bursts.push(burstOf(group, call.uuid, mark.eventUuid));
        group = [];
      }
    }
    if (group.length > 0) bursts.push(burstOf(group, call.uuid, mark.eventUuid));
    return { key: mark.key, bursts, closeAfter: closedBySim && i === marks.length - 1 };
  });
}

/**
 * Records one IVR call (`path` on `web`) through the full simulator and an in-process server whose recordings go
 * to `spoolDir` (the same directory the measured server will use, so that command texts match). With
 * `hangupOnApp`, the caller hangs up once that application has started (a call the load will park there).
 * `profile`: the kind of channel (default a loopback leg; `sip` is a SIP caller, whose events are twice as big).
 */
export async function recordIvrTemplate(web: IvrWebApp, spoolDir: string, path = '/ivr', hangupOnApp?: string,
  profile: 'loopback' | 'sip' = 'loopback'): Promise<CallTemplate> {
  const config = loadConfig({ env: {}, overrides: { esl: { port: 0 }, call: { record: { spoolDir } }, log: { level: 'silent' } } });
  const dispatcher = createWebhookDispatcher();
  const timeScale = 0.01;
  const server = createCallServer({ config, log: createLogger('silent'), dispatcher, timeScale });
  const { port } = await server.listen();
  const sim = new FsSimulator({ timeScale });
  const call = sim.call({ host: '127.0.0.1', port, profile,
    variables: { pivot_voice_url: web.url(path), [STAMP_VARIABLE]: STAMP_PLACEHOLDER } });
  const outWrites = (): number => call.transcript.filter((e) => e.dir === 'out').length;
  const lastOut = (): Buffer | undefined => call.transcript.filter((e) => e.dir === 'out').at(-1)?.data;
  const marks: Mark[] = [];
  const actions: ServerAction[] = [];
  let outAtLastResponse = -1;
  const trigger = (): Trigger => (outWrites() === outAtLastResponse ? 'http' : triggerOf(lastOut()));
  call.on('command', (cmd: { command: string; headers: Record<string, string>; body?: string }) => {
    const text = `${cmd.command}\n${Object.entries(cmd.headers).map(([k, v]) => `${k}: ${v}\n`).join('')}` +
      (cmd.body === undefined ? '' : `\n${cmd.body}`);
    const mark: Mark = { key: commandKey(text), text, eventUuid: cmd.headers['Event-UUID'] ?? '', start: outWrites(),
      immediateEnd: Number.MAX_SAFE_INTEGER };
    marks.push(mark);
    actions.push({ type: 'command', trigger: trigger(), text });
    process.nextTick(() => { mark.immediateEnd = outWrites(); });
  });
  // Press the key shortly after the Gather's prompt has played, as a caller would.
  call.on('complete', (app: string, arg: string) => {
    if (app === 'speak' && arg.includes('press 1')) setTimeout(() => call.pressDigits('1'), 5);
  });
  call.on('execute', (app: string) => {
    if (app === hangupOnApp) setTimeout(() => call.hangup(), 20);
  });
  web.observer = {
    request: (callSid, method, requestPath) => {
      if (callSid === call.uuid) actions.push({ type: 'http', trigger: trigger(), method, path: requestPath });
    },
    responded: (callSid) => {
      if (callSid === call.uuid) outAtLastResponse = outWrites();
    },
  };
  const end = await call.ended;
  web.observer = undefined;
  await server.close(0);
  await sim.close();
  await dispatcher.close();
  const connect = call.transcript.find((e) => e.dir === 'out')?.data ?? Buffer.alloc(0);
  return { uuid: call.uuid, connectReply: burstOf([connect], call.uuid, ''),
    steps: stepsOf(call, marks, end.closedBy === 'simulator'), actions, wav: web.lastUpload,
    switchWrites: switchWritesOf(call.transcript.filter((e) => e.dir === 'out').map((e) => e.data)) };
}

/** A fresh spool directory for a benchmark run. */
export function benchSpoolDir(): string {
  return mkdtempSync(join(tmpdir(), 'pivot-bench-'));
}
