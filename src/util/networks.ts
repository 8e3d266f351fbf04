import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';

/** An address or CIDR network, as configuration lists give them (`10.0.0.0/8`, `::1`). */
export interface Network {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** Throws a ConfigError naming the entry when it is neither an address nor a CIDR network. */
export function parseNetwork(entry: string): Network {
  const [address = '', prefixText, extra] = entry.trim().split('/');
  const version = isIP(address);
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (version === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max ||
    (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
    throw new ConfigError(`"${entry}" is not an IP address or CIDR network`);
  }
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}
