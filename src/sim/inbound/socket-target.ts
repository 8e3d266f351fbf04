/**
 * Where a `socket` application connects: its argument is `<host>:<port>[|<host>:<port>...] [async] [full]`.
 * FreeSWITCH tries failover hosts in turn; the simulator takes the first.
 */
import type { SocketTarget } from '../sim/fs-simulator.js';

/** The address of a `socket` application's argument, or undefined when it names none. */
export function socketAppTarget(arg: string): SocketTarget | undefined {
  const hosts = /^\s*(\S+)/.exec(arg)?.[1] ?? '';
  const first = hosts.split('|')[0] ?? '';
  const colon = first.lastIndexOf(':');
  const port = Number(first.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  return { host: first.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port, socketArg: arg.trim() };
}

/** The `socket` application of a transfer destination `socket:<host>:<port>[|...] async full`. */
export function transferSocketTarget(destination: string): SocketTarget | undefined {
  const hosts = /^socket:(\S+)\s+async\s+full$/i.exec(destination)?.[1];
  return hosts === undefined ? undefined : socketAppTarget(`${hosts} async full`);
}
