/**
 * Hooks on the prompts a call plays, whichever application plays them (playback, or the prompt file of Gather's
 * input application): the simulator raises PLAYBACK_START and PLAYBACK_STOP around each played file.
 */
import type { SimulatedCall } from '../../src/sim/index.js';

/** Runs `fn` each time the simulator raises `name` on the call. */
export function onEvent(call: SimulatedCall, name: string, fn: () => void): void {
  call.on('event', (raised: string) => { if (raised === name) fn(); });
}

/** Runs `fn` each time a prompt starts playing. */
export function onPromptStart(call: SimulatedCall, fn: () => void): void {
  onEvent(call, 'PLAYBACK_START', fn);
}

/** Runs `fn` each time a prompt has stopped: played to the end, or stopped by a key. */
export function onPromptEnd(call: SimulatedCall, fn: () => void): void {
  onEvent(call, 'PLAYBACK_STOP', fn);
}
