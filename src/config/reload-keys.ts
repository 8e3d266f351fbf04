/**
 * What a reload can change. The running server keeps some settings from its start (its listening sockets, the
 * park-watcher, the address check of customer URLs, the recording spool and its delivery worker); the others apply
 * to the calls that start after a reload. The configuration in force is the reloaded one with those kept.
 */
import type { Config } from '../config/index.js';

/** Keys (whole sections, or single keys) that only a restart changes. */
export const RESTART_KEYS = [
  'esl', 'admin', 'api', 'cluster', 'park', 'server',
  'webhook.denyPrivateNetworks', 'webhook.deniedNetworks',
  'call.record.spoolDir', 'call.record.spoolGroup', 'call.record.spoolMode', 'call.record.uploadTimeoutMs',
  'call.record.delivery',
] as const;

/** The keys of RESTART_KEYS whose value in `next` differs from what the server runs with. */
export function restartNeeded(running: Readonly<Config>, next: Readonly<Config>): string[] {
  return RESTART_KEYS.filter((key) => JSON.stringify(valueAt(running, key)) !== JSON.stringify(valueAt(next, key)));
}

/** `next`, with the keys only a restart changes as the server runs them: the configuration in force after a reload. */
export function configInForce(running: Readonly<Config>, next: Readonly<Config>): Readonly<Config> {
  const merged = structuredClone(next) as unknown as Record<string, unknown>;
  for (const key of RESTART_KEYS) {
    const path = key.split('.');
    const last = path.pop() ?? key;
    let parent = merged;
    for (const part of path) parent = parent[part] as Record<string, unknown>;
    parent[last] = structuredClone(valueAt(running, key));
  }
  return Object.freeze(merged) as unknown as Readonly<Config>;
}

function valueAt(config: Readonly<Config>, key: string): unknown {
  let node: unknown = config;
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}
