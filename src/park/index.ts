/** The park-watcher: takes calls parked on FreeSWITCH nodes and hands them to the outbound socket. */
export { ParkWatcher, socketTarget, type ParkWatcherOptions } from './park-watcher.js';
export { HandoffRegistry } from './handoff-registry.js';
export { Backoff } from './backoff.js';
