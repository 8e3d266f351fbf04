/** Shared pieces of the Dial engine tests. */
import assert from 'node:assert/strict';
import type { EslEvent } from '../../src/esl/event.js';
import { readDialString, type ParsedDialString, type SimulatedCall } from '../../src/sim/index.js';
import { feed } from '../esl/frame-feed.js';

/** The argument of the (only) bridge the call ran. */
export function bridgeArg(call: SimulatedCall): string {
  const bridges = call.executed.filter((e) => e.app === 'bridge');
  assert.equal(bridges.length, 1, 'one bridge');
  return bridges[0]?.arg ?? '';
}

/** A dial string as FreeSWITCH reads it (the simulator's reading, with FreeSWITCH's escaping rules). */
function read(dial: string): ParsedDialString {
  const parsed = readDialString(dial);
  assert.ok(parsed, `FreeSWITCH cannot read the dial string ${dial}`);
  return parsed;
}

/** The `{...}` variables of a dial string. */
export function globalVars(dial: string): Record<string, string> {
  return read(dial).vars;
}

/** The legs of a dial string (of its first failover group) as `{ vars, endpoint }`. */
export function legsOf(dial: string): Array<{ vars: Record<string, string>; endpoint: string }> {
  const { groups } = read(dial);
  assert.ok(groups.length <= 1, 'one group of legs');
  return (groups[0] ?? []).map((leg) => ({ vars: leg.vars, endpoint: leg.endpoint }));
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
