/** Shared pieces of the Dial engine tests. */
import assert from 'node:assert/strict';
import type { EslEvent } from '../../src/esl/event.js';
import type { SimulatedCall } from '../../src/sim/index.js';
import { feed } from '../esl/frame-feed.js';

/** The argument of the (only) bridge the call ran. */
export function bridgeArg(call: SimulatedCall): string {
  const bridges = call.executed.filter((e) => e.app === 'bridge');
  assert.equal(bridges.length, 1, 'one bridge');
  return bridges[0]?.arg ?? '';
}

/** The `{...}` variables of a dial string. */
export function globalVars(dial: string): Record<string, string> {
  const m = /^\{([^}]*)\}/.exec(dial);
  return Object.fromEntries((m?.[1] ?? '').split(',').filter(Boolean).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

/** The legs of a dial string as `{ vars, endpoint }`. */
export function legsOf(dial: string): Array<{ vars: Record<string, string>; endpoint: string }> {
  const rest = dial.replace(/^\{[^}]*\}/, '');
  const legs: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '[') depth++;
    else if (rest[i] === ']') depth--;
    else if (rest[i] === ',' && depth === 0) {
      legs.push(rest.slice(start, i));
      start = i + 1;
    }
  }
  legs.push(rest.slice(start));
  return legs.map((l) => {
    const m = /^\[([^\]]*)\](.*)$/.exec(l);
    const vars = Object.fromEntries((m?.[1] ?? '').split(',').filter(Boolean)
      .map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
    return { vars, endpoint: m ? m[2] ?? '' : l };
  });
}

/** The events the simulator sent on a call's socket, parsed as the server parses them. */
export function sentEvents(call: SimulatedCall): EslEvent[] {
  return feed(call.transcript.filter((t) => t.dir === 'out').map((t) => t.data)).messages.filter((m) => m.isEvent);
}

/** The `Event-Date-Timestamp` of the first event named `name` the call's socket got (FreeSWITCH microseconds). */
export function eventTime(call: SimulatedCall, name: string): number {
  const event = sentEvents(call).find((e) => e.name === name);
  assert.ok(event, `a ${name} event`);
  return Number(event.header('Event-Date-Timestamp'));
}
