/** Builds the {@link AppContext} an application model runs with. */
import type { AppContext } from '../apps/app-context.js';
import type { BLegOutcome, CallerScript } from '../sim/options.js';
import type { CallEngine } from './call-engine.js';
import { scriptedOutcome } from '../apps/bridge-dial.js';

/** The scripted B-leg outcome of a dial string (first matching rule). */
export function bridgeOutcomeFor(engine: CallEngine, dial: string): BLegOutcome | undefined {
  return scriptedOutcome(engine.call.bridge, dial);
}

/** The view of the call an application gets. */
export function appContextFor(engine: CallEngine, appName: string): AppContext {
  const caller: CallerScript = engine.call.caller ?? {};
  return {
    channel: engine.channel,
    media: engine.media,
    clock: engine.clock,
    options: engine.options,
    factory: engine.factory,
    caller,
    appName,
    rooms: engine.rooms,
    channels: engine.channels,
    fire: (name, opts) => engine.fire(name, opts),
    fireEvent: (ev) => engine.deliver(ev),
    hangup: (cause, early) => engine.hangup(cause, early),
    nowUs: () => engine.nowUs(),
    callerTimeMs: () => engine.clock.nowMs() - engine.connectedAtMs,
    bridgeOutcome: (dial) => bridgeOutcomeFor(engine, dial),
    placeCall: (opts) => engine.placeCall(opts),
    routeLeg: (request) => engine.routeLeg?.(request),
  };
}
