import { BlockList, isIP } from 'node:net';
import { parseNetwork } from '../util/networks.js';

/**
 * Decides whether a TCP peer may speak Event Socket to us: only the configured FreeSWITCH addresses (single
 * addresses or CIDR networks, IPv4 or IPv6) may. IPv4 peers seen through a dual-stack socket (`::ffff:a.b.c.d`)
 * are checked as IPv4.
 */
export function createSourceGuard(allowed: readonly string[]): (address: string | undefined) => boolean {
  const list = new BlockList();
  for (const entry of allowed) addEntry(list, entry);
  return (address) => {
    if (!address) return false;
    const plain = unmapIpv4(address);
    const family = isIP(plain);
    if (family === 0) return false;
    return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  };
}

function addEntry(list: BlockList, entry: string): void {
  const { address, prefix, family } = parseNetwork(entry);
  list.addSubnet(address, prefix, family);
}

function unmapIpv4(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match ? (match[1] as string) : address;
}
