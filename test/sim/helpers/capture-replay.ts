/**
 * Replays a captured conversation against the simulator: a raw TCP server sends exactly the
 * captured client bytes, and every message the simulator sends is compared with the captured one.
 */
import assert from 'node:assert/strict';
import { FsSimulator, type FsSimulatorOptions, type SimCallOptions, type SimulatedCall } from '../../../src/sim/index.js';
import type { CaptureStep } from './capture-transcript.js';
import { baseMasker, masked, parseMessage, type EslMessage, type Masker, type Pair } from './esl-message.js';
import { RawServer, type RawConnection } from './raw-server.js';

/** What a replay needs. */
export interface ReplaySpec {
  readonly steps: CaptureStep[];
  readonly timeScale?: number;
  readonly sim?: FsSimulatorOptions;
  readonly call?: Partial<SimCallOptions>;
  /** Scenario-specific volatile fields, on top of {@link baseMasker}. */
  readonly mask?: Masker;
  /** Whether a message body (api/response, BACKGROUND_JOB) is volatile. */
  readonly volatileBody?: (captured: EslMessage) => boolean;
  /** Runs after each compared message (for harness actions whose notes are not in wire order). */
  readonly afterMessage?: (eventName: string | undefined, call: SimulatedCall) => void;
  /** Harness actions written as `=== NOTE` lines. */
  readonly onNote?: (text: string, call: SimulatedCall) => void;
}

/** Identity of the captured call, read from its connect reply. */
export interface CaptureSeed {
  readonly sim: FsSimulatorOptions;
  readonly call: Omit<SimCallOptions, 'host' | 'port'>;
}

const dec = (v: string): string => decodeURIComponent(v);

/** Reads the switch and channel identity from a captured connect reply. */
export function seedFromConnectReply(raw: Buffer): CaptureSeed {
  const pairs = parseMessage(raw).outer;
  const get = (k: string): string => dec(pairs.find(([n]) => n === k)?.[1] ?? '');
  const vars = pairs.filter(([k]) => k.startsWith('variable_')).map(([k, v]) => [k.slice(9), v] as const);
  const names = vars.map(([k]) => k);
  const from = names.indexOf('call_uuid') + 1;
  const to = names.indexOf('current_application_data');
  const variables: Record<string, string> = {};
  for (const [k, v] of vars.slice(from, to)) variables[k] = dec(v);
  for (const k of ['session_id', 'other_loopback_leg_uuid']) {
    const v = vars.find(([n]) => n === k);
    if (v) variables[k] = dec(v[1]);
  }
  const callerName = pairs.find(([k]) => k === 'Caller-Caller-ID-Name');
  return {
    sim: {
      coreUuid: get('Core-UUID'),
      hostname: get('FreeSWITCH-Hostname'),
      switchname: get('FreeSWITCH-Switchname'),
      ipv4: get('FreeSWITCH-IPv4'),
      ipv6: get('FreeSWITCH-IPv6'),
    },
    call: {
      uuid: get('Unique-ID'),
      callerIdNumber: get('Caller-Caller-ID-Number'),
      ...(callerName ? { callerIdName: dec(callerName[1]) } : {}),
      destinationNumber: get('Caller-Destination-Number'),
      socketArg: get('variable_current_application_data'),
      variables,
    },
  };
}

function header(pairs: Pair[], name: string): string | undefined {
  return pairs.find(([k]) => k === name)?.[1];
}

function compare(step: number, expectedRaw: Buffer, actualRaw: Buffer, spec: ReplaySpec): void {
  const exp = parseMessage(expectedRaw);
  const act = parseMessage(actualRaw);
  const mask: Masker = (n, v, m) => baseMasker(n, v, m) || (spec.mask?.(n, v, m) ?? false);
  const where = `message #${step} (${header(exp.event, 'Event-Name') ?? header(exp.outer, 'Content-Type')})`;
  const len = header(act.outer, 'Content-Length');
  if (len !== undefined) assert.equal(Number(len), act.bodyBytes, `${where}: Content-Length is the byte length`);
  const volatileBody = spec.volatileBody?.(exp) ?? false;
  // An event's (or volatile body's) length depends on masked values; it is checked against the
  // actual byte length above instead.
  const outerMask: Masker = (n, v, m) =>
    (n === 'Content-Length' && (exp.kind === 'plain' || exp.kind === 'json' || volatileBody)) || mask(n, v, m);
  assert.deepEqual(masked(act.outer, outerMask), masked(exp.outer, outerMask), `${where}: outer headers`);
  assert.equal(act.kind, exp.kind, `${where}: kind`);
  assert.deepEqual(masked(act.event, mask), masked(exp.event, mask), `${where}: event headers`);
  assert.ok(act.compactJson, `${where}: JSON printed like cJSON`);
  if (!volatileBody) assert.equal(act.body, exp.body, `${where}: body`);
}

/**
 * Where the unsolicited CHANNEL_PARK arrived in a capture: after the reply to `event`, to
 * `linger` or to the first `sendmsg`, told by the reply just before it.
 */
export function parkTrigger(steps: CaptureStep[]): SimCallOptions['unsolicitedPark'] {
  let previousReply = '';
  for (const s of steps) {
    if (s.kind !== 'recv') continue;
    const m = parseMessage(s.data);
    if (header(m.event, 'Event-Name') === 'CHANNEL_PARK') {
      if (previousReply.startsWith('+OK event listener')) return 'after-event';
      if (previousReply.startsWith('+OK will linger')) return 'after-linger';
      return previousReply === '+OK' ? 'after-first-sendmsg' : 'never';
    }
    if (header(m.event, 'Event-Name') === 'CHANNEL_EXECUTE') return 'never';
    previousReply = header(m.outer, 'Reply-Text') ?? previousReply;
  }
  return 'never';
}

/**
 * Waits until a client step is due: the capture's time since its first step, scaled, so that
 * timers in the simulator (prompts, notices) line up with the client's commands as they did.
 */
async function pace(startReal: number, firstAt: number, at: number, timeScale: number): Promise<void> {
  const due = startReal + (at - firstAt) * 1000 * timeScale;
  const wait = due - performance.now();
  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** Runs the replay; resolves with the call once the simulator has closed the connection. */
export async function replayCapture(spec: ReplaySpec): Promise<SimulatedCall> {
  const connect = spec.steps.find((s) => s.kind === 'recv');
  assert.ok(connect && connect.kind === 'recv');
  const seed = seedFromConnectReply(connect.data);
  const server = new RawServer();
  const port = await server.listen();
  const sim = new FsSimulator({ ...seed.sim, timeScale: spec.timeScale ?? 0.05, ...spec.sim });
  try {
    const unsolicitedPark = parkTrigger(spec.steps);
    const call = sim.call({ host: '127.0.0.1', port, ...seed.call, unsolicitedPark, ...spec.call });
    const conn = await server.accept();
    let n = 0;
    const start = performance.now();
    const firstAt = spec.steps[0]?.at ?? 0;
    for (const step of spec.steps) {
      if (step.kind === 'sent') {
        await pace(start, firstAt, step.at, spec.timeScale ?? 0.05);
        conn.send(step.data);
      } else if (step.kind === 'note') spec.onNote?.(step.text, call);
      else {
        n++;
        const got = await conn.reader.next();
        assert.ok(got, `message #${n}: connection closed early`);
        compare(n, step.data, got, spec);
        spec.afterMessage?.(header(parseMessage(got).event, 'Event-Name'), call);
      }
    }
    await conn.closed;
    assert.equal(conn.reader.pending, 0, 'no extra messages');
    await call.ended;
    return call;
  } finally {
    await sim.close();
    await server.close();
  }
}

/** One connection of a multi-call capture. */
export interface ReplayPart {
  readonly steps: CaptureStep[];
  readonly call?: Partial<SimCallOptions>;
}

/**
 * Replays several captured connections of one switch (a conference) against one simulator: the
 * client steps of all connections run in capture time order, each connection's messages are
 * compared with its own capture.
 */
export async function replayConversation(parts: ReplayPart[], spec: Omit<ReplaySpec, 'steps' | 'call'>): Promise<void> {
  const seeds = parts.map((p) => {
    const first = p.steps.find((s) => s.kind === 'recv');
    assert.ok(first && first.kind === 'recv');
    return seedFromConnectReply(first.data);
  });
  const server = new RawServer();
  const port = await server.listen();
  const sim = new FsSimulator({ ...seeds[0]?.sim, timeScale: spec.timeScale ?? 0.05, ...spec.sim });
  const merged = parts
    .flatMap((p, i) => p.steps.map((step, order) => ({ step, i, order })))
    .sort((a, b) => a.step.at - b.step.at || a.i - b.i || a.order - b.order);
  const live: Array<{ call: SimulatedCall; conn: RawConnection; n: number } | undefined> = [];
  const start = performance.now();
  const firstAt = merged[0]?.step.at ?? 0;
  try {
    for (const { step, i } of merged) {
      if (step.kind === 'sent') await pace(start, firstAt, step.at, spec.timeScale ?? 0.05);
      let c = live[i];
      if (!c) {
        const part = parts[i] as ReplayPart;
        const seed = seeds[i] as CaptureSeed;
        const call = sim.call({ host: '127.0.0.1', port, ...seed.call, unsolicitedPark: parkTrigger(part.steps), ...part.call });
        c = { call, conn: await server.accept(), n: 0 };
        live[i] = c;
      }
      if (step.kind === 'sent') c.conn.send(step.data);
      else if (step.kind === 'note') spec.onNote?.(step.text, c.call);
      else {
        c.n++;
        const got = await c.conn.reader.next();
        assert.ok(got, `connection ${i} message #${c.n}: connection closed early`);
        compare(c.n, step.data, got, { ...spec, steps: [] });
      }
    }
    for (const c of live) if (c) await c.conn.closed;
  } finally {
    await sim.close();
    await server.close();
  }
}
